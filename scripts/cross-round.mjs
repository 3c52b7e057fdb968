#!/usr/bin/env node
// Leave-one-round-out evaluation of the learned red-flag detector (src/nlu/learnedRounds.ts):
// each writing round of knowledge/nlu/red-flag-corpus/ (the file suffix: none, s4, s5...) is
// held out in turn, the model trained on the others scores it, and the thresholds are chosen
// on those out-of-round scores with the training policy. It says how a feature or threshold
// choice does on writers the model has not read, which k-fold cross-validation cannot.
//
//   npx tsc -p tsconfig.json && node scripts/cross-round.mjs [--held-out s6] [--extra DIR] [--json] [--set key=value]
//
// --held-out R (repeatable) holds out only these rounds (the others always train): run it on a
// new round before training on it. --extra DIR adds the corpus files of DIR (a new round not
// yet copied into the corpus). --set charMaxN=5 overrides a LearnedConfig field (experiments).
// About 20-40 s of CPU per held-out round.
//
// --thresholds (every round held out) chooses each sign's `possible` threshold on the held-out
// scores with the shipped calibration and writes knowledge/nlu/red-flag-heldout-thresholds.yaml:
// the lowest threshold of the grid, not below THRESHOLD_FLOOR, whose held-out alarms stay within
// MAX_OWN_NEAR_MISS of the sign's own near misses and MAX_NEGATIVES of every held-out negative.
// (Below the floor, short everyday messages the corpus has no negatives like start raising
// questions in other flows: see MIN_POSSIBLE in src/nlu/redFlagTraining.ts.)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  answerNegatives,
  buildTrainingSet,
  loadLearnedThresholds,
  parseConcepts,
  parseCorpus,
  parseLearnedAnswers,
  readCorpusSources,
} from '../dist/nlu/learnedRedFlags.js';
import { mergeConfig } from '../dist/nlu/learnedTraining.js';
import { crossRound, formatCrossRound, roundsOfTexts } from '../dist/nlu/learnedRounds.js';
import { parseLexicon } from '../dist/nlu/normalize.js';

const { values } = parseArgs({
  options: {
    'held-out': { type: 'string', multiple: true },
    extra: { type: 'string', multiple: true, default: [] },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    missed: { type: 'boolean', default: false },
    'no-concepts': { type: 'boolean', default: false },
    thresholds: { type: 'boolean', default: false },
  },
});
const dataDir = 'knowledge/nlu';
const sources = readCorpusSources(dataDir);
for (const dir of values.extra)
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    sources.corpus.push([name, readFileSync(join(dir, name), 'utf8')]);
const files = parseCorpus(sources);
const named = files.map((file, i) => ({ name: sources.corpus[i][0], file }));
const lexicon = parseLexicon(sources.lexicon, 'lexicon.yaml');
const set = buildTrainingSet(files, sources.training, answerNegatives(sources.answers, parseLearnedAnswers(sources.learnedAnswers)));
const overrides = Object.fromEntries(values.set.map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const config = mergeConfig(overrides);
const report = crossRound(set, roundsOfTexts(set, named), lexicon, config, {
  heldOut: values['held-out'],
  shipped: loadLearnedThresholds(dataDir),
  concepts: values['no-concepts'] ? [] : parseConcepts(sources.concepts),
});
const THRESHOLD_FLOOR = 0.25;
const MAX_OWN_NEAR_MISS = 0.05;
const MAX_NEGATIVES = 0.01;
if (values.thresholds) {
  // The k-fold thresholds (red-flag-model.json alone, before any held-out choice).
  const shipped = loadLearnedThresholds(dataDir, { heldOut: false });
  const signs = {};
  const rows = [];
  for (const [sign, n] of Object.entries(report.signs)) {
    if (!n?.shippedCurve || sign === 'crisis') continue;
    const ok = n.shippedCurve.filter((c) => c.t >= THRESHOLD_FLOOR && c.ownNearMiss <= MAX_OWN_NEAR_MISS && c.negatives <= MAX_NEGATIVES);
    const trained = shipped.signs[sign]?.possible ?? 0.35;
    // Only ever lower a threshold (safety first): a sign with no lower threshold within the
    // alarm budget keeps its k-fold one.
    const c = ok[0];
    if (!c || c.t >= trained - 1e-9) {
      rows.push(`  ${sign.padEnd(24)} keeps ${trained.toFixed(3)} (no lower threshold of the grid within the alarm budget)`);
      continue;
    }
    signs[sign] = { possible: c.t, heldOutRecall: c.recall, ownNearMissAlarm: c.ownNearMiss, negativesAlarm: c.negatives };
    rows.push(
      `  ${sign.padEnd(24)} ${c.t.toFixed(2)}  recall ${(100 * c.recall).toFixed(1)}%  own near misses ${(100 * c.ownNearMiss).toFixed(1)}%  negatives ${(100 * c.negatives).toFixed(2)}%`,
    );
  }
  const header = [
    '# Per-sign `possible` thresholds of the learned red-flag detector, chosen on held-out writing rounds',
    '# (leave-one-round-out, the shipped calibration) by `node scripts/cross-round.mjs --thresholds`.',
    '# They replace the k-fold ones of red-flag-model.json (src/nlu/learnedScoring.ts). Re-run after',
    '# retraining. The numbers beside each are what it was chosen on.',
  ].join('\n');
  const body = {
    chosen: {
      at: new Date().toISOString(),
      rounds: report.heldOut,
      policy: { THRESHOLD_FLOOR, MAX_OWN_NEAR_MISS, MAX_NEGATIVES },
    },
    signs,
  };
  writeFileSync(join(dataDir, 'red-flag-heldout-thresholds.yaml'), `${header}\n${stringify(body)}`);
  process.stdout.write(`held-out thresholds written:\n${rows.join('\n')}\n`);
}
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  process.stdout.write(`${formatCrossRound(report)}\n`);
  if (values.missed) for (const [sign, texts] of Object.entries(report.missed)) for (const t of texts) process.stdout.write(`missed ${sign}: ${t}\n`);
}
