#!/usr/bin/env node
// Learned red-flag detector: how far a retrain moves the development sets' scores. Trains the
// full model (no cross-validation: the shipped thresholds are kept) once per seed (the seed
// sets the order the texts are seen in), optionally with extra corpus files (a waiting round),
// and writes every development-set message's probability of every sign (the best of the whole
// message and each sentence, as the bot scores it) and whether the patterns find each sign.
// `--bag K`: each model is the average of K trainings on seeds seed..seed+K-1 (the same
// features, so the average of the weights is the average of the logits: one model).
// `--models DIR` keeps every trained seed's weights there and reuses them.
//
//   npx tsc -p tsconfig.json && node scripts/stability-rounds.mjs --seeds 11,12 [--extra DIR] [--bag K] --out OUT.json
//   node scripts/stability-rounds.mjs --compare A.json [B.json...]   (the reports that flip between every two runs)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  answerNegatives,
  answerWords,
  buildTrainingSet,
  corpusHash,
  LEARNED_SIGNS,
  loadLearnedThresholds,
  parseConcepts,
  parseCorpus,
  parseLearnedAnswers,
  readCorpusSources,
  restoreLearnedModel,
  splitForScoring,
  trainLearnedModel,
} from '../dist/nlu/learnedRedFlags.js';
import { parseLexicon } from '../dist/nlu/normalize.js';
import { base64ToF32, toBase64 } from '../dist/nlu/numeric.js';
import { loadNluTestFile } from '../dist/eval/nluEvaluate.js';
import { loadContent } from '../dist/content.js';
import { createRedFlagDetector } from '../dist/nlu/redFlagDetector.js';
import { devSetFiles } from './dev-sets.mjs';

const { values, positionals } = parseArgs({
  options: {
    seeds: { type: 'string', default: '11' },
    extra: { type: 'string', multiple: true, default: [] },
    bag: { type: 'string', default: '1' },
    l2: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
    compare: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const dataDir = 'knowledge/nlu';
const devFiles = devSetFiles([]);

if (values.compare) {
  compare(...positionals.map((f) => JSON.parse(readFileSync(f, 'utf8'))));
} else {
  await run();
}

async function run() {
  const sources = readCorpusSources(dataDir);
  for (const dir of values.extra)
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) sources.corpus.push([f, readFileSync(join(dir, f), 'utf8')]);
  sources.corpus.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const learnedAnswers = parseLearnedAnswers(sources.learnedAnswers);
  const set = buildTrainingSet(parseCorpus(sources), sources.training, answerNegatives(sources.answers, learnedAnswers));
  const lexicon = parseLexicon(sources.lexicon);
  const thresholds = loadLearnedThresholds(dataDir);
  const detector = createRedFlagDetector(loadContent('.', '911').redFlagPatterns);
  const items = devFiles.flatMap((file) =>
    loadNluTestFile(file).flatMap((i) => (i.red_flags === undefined ? [] : [{ file, text: i.text, signs: i.red_flags }])),
  );
  const bag = Number(values.bag);
  // One trained model per seed (kept in --models DIR when given: a later run composes bags from them).
  const trained = new Map();
  const modelOf = (seed) => {
    if (trained.has(seed)) return trained.get(seed);
    const file = values.models ? join(values.models, `seed-${seed}.json`) : undefined;
    let m = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    if (!m) {
      const start = performance.now();
      const config = { seed, ...(values.l2 ? { l2: Number(values.l2) } : {}) };
      m = trainLearnedModel(set, lexicon, { cacheKey: 'stability', corpusHash: corpusHash(sources) }, answerWords(sources.answers, learnedAnswers), {
        config,
        concepts: parseConcepts(sources.concepts),
      });
      console.error(`trained seed ${seed}: ${Math.round(performance.now() - start)} ms`);
      if (file) writeFileSync(file, JSON.stringify(m));
    }
    trained.set(seed, m);
    return m;
  };
  const runs = {};
  for (const seed of values.seeds.split(',').map(Number)) {
    // a bag of K: seeds seed, seed+1, ... (pass --seeds 11,13 --bag 2 for two disjoint bags)
    const model = restoreLearnedModel(average(Array.from({ length: bag }, (_, b) => modelOf(seed + b))), thresholds);
    runs[seed] = items.map((item) => {
      const best = new Float64Array(LEARNED_SIGNS.length);
      const sentences = splitForScoring(item.text);
      for (const candidate of sentences.length > 1 ? [item.text, ...sentences] : [item.text]) {
        const p = model.probabilities(candidate);
        for (let s = 0; s < best.length; s++) best[s] = Math.max(best[s], p[s]);
      }
      return Array.from(best, (p) => Math.round(p * 1e5) / 1e5);
    });
  }
  const patterns = items.map((item) => {
    const d = detector.detect(item.text);
    return [...d.flags, ...d.possible];
  });
  const t = Object.fromEntries(LEARNED_SIGNS.map((s) => [s, model0(thresholds, s)]));
  const out = { extra: values.extra, bag, l2: values.l2, signs: LEARNED_SIGNS, thresholds: t, items, patterns, runs };
  if (values.out) writeFileSync(values.out, JSON.stringify(out) + '\n');
}

function level(p, t) {
  return p >= t.sure ? 2 : p >= t.possible ? 1 : 0;
}

function logit(p) {
  return Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));
}

function model0(thresholds, sign) {
  const s = thresholds.signs[sign];
  return { possible: s.possible, sure: s.sure };
}

/** The average of the weights of models trained on the same features. */
function average(models) {
  if (models.length === 1) return models[0];
  const sum = (key) => {
    const acc = new Float32Array(base64ToF32(models[0][key]).length);
    for (const m of models) base64ToF32(m[key]).forEach((x, i) => (acc[i] += x / models.length));
    return toBase64(acc);
  };
  return { ...models[0], weights: sum('weights'), bias: sum('bias') };
}

/**
 * For each pair of runs (seeds) across the files given: the report signs whose learned level
 * (none / possible / sure) differs, those of them the patterns do not find (where the learned
 * score decides), near misses whose learned alarm (any sign at `possible`) differs, and the
 * spread of the logit of every report sign near a threshold.
 */
function compare(...files) {
  const runs = files.flatMap((f) =>
    Object.entries(f.runs).map(([seed, probs]) => ({ name: `${f.extra.length ? 's8 ' : ''}x${f.bag}${f.l2 ? ` l2=${f.l2}` : ''} seed ${seed}`, probs, f })),
  );
  const { items, patterns, signs, thresholds } = files[0];
  const si = new Map(signs.map((s, i) => [s, i]));
  for (let a = 0; a < runs.length; a++)
    for (let b = a + 1; b < runs.length; b++) {
      const A = runs[a].probs;
      const B = runs[b].probs;
      let flips = 0;
      let decisive = 0;
      let nmFlips = 0;
      const lost = [];
      const shifts = [];
      items.forEach((item, i) => {
        if (item.signs.length === 0) {
          const alarm = (P) => signs.some((s, k) => P[i][k] >= thresholds[s].possible);
          if (alarm(A) !== alarm(B)) nmFlips++;
          return;
        }
        for (const sign of item.signs) {
          const k = si.get(sign);
          if (k === undefined) continue;
          const t = thresholds[sign];
          const la = level(A[i][k], t);
          const lb = level(B[i][k], t);
          const near = Math.min(Math.abs(logit(A[i][k]) - logit(t.possible)), Math.abs(logit(A[i][k]) - logit(t.sure)));
          if (near < 2) shifts.push(Math.abs(logit(A[i][k]) - logit(B[i][k])));
          if (la === lb) continue;
          flips++;
          if (!patterns[i].includes(sign)) {
            decisive++;
            lost.push(
              `${lb < la ? 'DOWN' : 'up  '} ${item.file.replace('tests/nlu-', '').replace('.yaml', '')} ${sign} ${A[i][k].toFixed(3)} -> ${B[i][k].toFixed(3)} (possible ${t.possible.toFixed(3)}, sure ${t.sure.toFixed(3)}): ${item.text.slice(0, 90)}`,
            );
          }
        }
      });
      shifts.sort((x, y) => x - y);
      const q = (f) => (shifts.length ? shifts[Math.floor(f * (shifts.length - 1))].toFixed(3) : '-');
      console.log(
        `\n${runs[a].name} vs ${runs[b].name}: report signs at another level ${flips} (patterns miss ${decisive}); near misses alarm flips ${nmFlips}; |logit shift| near a threshold (n=${shifts.length}) median ${q(0.5)} p90 ${q(0.9)} max ${q(1)}`,
      );
      for (const l of lost) console.log(`  ${l}`);
    }
}
