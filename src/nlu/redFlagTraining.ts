// `backline train red-flags` (npm run train:red-flags): cross-validates the learned red-flag
// detector on the corpus, calibrates every sign (Platt scaling of its out-of-fold logits),
// chooses its two thresholds and writes them with the numbers they were chosen on to
// knowledge/nlu/red-flag-model.json. The weights themselves are not stored there: they are
// retrained from the corpus (deterministically) or restored from the NLU cache.
//
// Threshold policy (safety first; a false alarm costs a question, a miss can cost a spine):
//   possible  the highest threshold whose out-of-fold recall of the sign's positives is at
//             least POSSIBLE_RECALL (so ~every paraphrase at least gets a confirming question),
//             never above MAX_POSSIBLE nor below MIN_POSSIBLE;
//   sure      the lowest threshold at or above `possible` whose out-of-fold false alarms stay
//             within SURE_MAX_NEAR_MISS_FA of the near misses and SURE_MAX_FA of all negatives
//             (urgent advice without a question should be rare on texts that are not reports).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssertionReport } from './assertion.js';
import {
  answerNegatives,
  parseLearnedAnswers,
  parseConcepts,
  buildTrainingSet,
  detectorSkippedKinds,
  corpusHash,
  crossValidateLearned,
  LEARNED_SIGNS,
  MODEL_VERSION,
  parseCorpus,
  readCorpusSources,
  THRESHOLDS_FILE,
  type LabelledText,
  type LearnedSign,
  type SignThresholds,
  type TrainLearnedOptions,
} from './learnedRedFlags.js';
import { resolveFromRoot, LEXICON_FILE } from './dataFiles.js';
import { parseLexicon } from './normalize.js';
import { sigmoid } from './learnedTraining.js';

export const POSSIBLE_RECALL = 0.995;
export const MAX_POSSIBLE = 0.5;
/**
 * The classifiers do not reach POSSIBLE_RECALL out of fold at any useful threshold (about 0.95
 * at 0.02, with ~5% of near misses per sign raising a question). Below this floor the
 * questions on near misses cost more than the few paraphrases they add; the patterns still
 * run beside the classifiers. 0.1 was tried first: short everyday messages the corpus has no
 * negatives like ("weekday mornings", "sorry, where was I", an e-mail address) then raised
 * questions in the middle of other flows (tests/handoff, tests/conversation).
 */
export const MIN_POSSIBLE = 0.35;
export const SURE_MAX_NEAR_MISS_FA = 0.02;
export const SURE_MAX_FA = 0.003;

export interface SignCv {
  positives: number;
  /** Out-of-fold recall of the sign's positives at each threshold. */
  recallPossible: number;
  recallSure: number;
  /** Out-of-fold false alarms: near misses (of every file), and every negative of the sign. */
  nearMissFalseAlarmPossible: number;
  nearMissFalseAlarmSure: number;
  falseAlarmPossible: number;
  falseAlarmSure: number;
  /** Out-of-fold recall and false alarms at fixed thresholds, to see the trade-off. */
  curve: { t: number; recall: number; nearMissFalseAlarm: number; falseAlarm: number }[];
  /** Out-of-fold positives below `possible` (what even a question would miss). */
  missed: string[];
}

const CURVE = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9];

export interface RedFlagModelFile {
  version: string;
  corpusHash: string;
  chosenAt: string;
  k: number;
  texts: { positives: number; nearMisses: number; intentNegatives: number };
  policy: Record<string, number>;
  signs: Partial<Record<LearnedSign, SignThresholds & { cv: SignCv }>>;
  /**
   * Out-of-fold, by near-miss kind: the share of each file's near misses that its own sign's
   * classifier scores at or above `possible` / `sure` (before assertion status).
   */
  nearMissesByKind: Record<string, { total: number; possible: number; sure: number }>;
  assertion?: AssertionReport;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Platt scaling: a, b minimising the log loss of sigmoid(a * logit + b) (Newton's method, Platt's target smoothing). */
export function fitPlatt(logits: number[], labels: boolean[]): { a: number; b: number } {
  const pos = labels.filter(Boolean).length;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return { a: 1, b: 0 };
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let g1 = 0,
      g2 = 0,
      h11 = 1e-9,
      h22 = 1e-9,
      h12 = 0;
    for (let i = 0; i < logits.length; i++) {
      const t = labels[i] ? hi : lo;
      const p = sigmoid(a * logits[i]! + b);
      const d = p - t;
      const w = Math.max(p * (1 - p), 1e-12);
      g1 += d * logits[i]!;
      g2 += d;
      h11 += w * logits[i]! * logits[i]!;
      h22 += w;
      h12 += w * logits[i]!;
    }
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(det) < 1e-18) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** Chooses both thresholds of one sign from its calibrated out-of-fold probabilities. */
export function chooseThresholds(p: number[], set: LabelledText[], sign: LearnedSign): { possible: number; sure: number; cv: SignCv } {
  const positive = set.map((t) => t.signs.includes(sign));
  const nearMiss = set.map((t) => t.source.startsWith('near_miss:'));
  const posScores = p.filter((_, i) => positive[i]).sort((x, y) => x - y);
  const allowedMisses = Math.floor((1 - POSSIBLE_RECALL) * posScores.length);
  let possible = posScores.length > 0 ? posScores[allowedMisses]! : MAX_POSSIBLE;
  possible = Math.min(MAX_POSSIBLE, Math.max(MIN_POSSIBLE, possible * 0.999));
  const negIdx = set.flatMap((_, i) => (positive[i] ? [] : [i]));
  const nmIdx = negIdx.filter((i) => nearMiss[i]);
  const faAt = (idx: number[], t: number) => (idx.length === 0 ? 0 : idx.filter((i) => p[i]! >= t).length / idx.length);
  const recallAt = (t: number) => (posScores.length === 0 ? 0 : posScores.filter((s) => s >= t).length / posScores.length);
  // Candidate sure thresholds: every distinct probability at or above `possible`, lowest first.
  const candidates = [...new Set(p.filter((x) => x >= possible))].sort((x, y) => x - y);
  let sure = 0.99;
  for (const t of [possible, ...candidates]) {
    if (faAt(nmIdx, t) <= SURE_MAX_NEAR_MISS_FA && faAt(negIdx, t) <= SURE_MAX_FA) {
      sure = Math.max(possible, Math.min(0.99, t));
      break;
    }
  }
  return {
    possible: round(possible, 6),
    sure: round(sure, 6),
    cv: {
      positives: posScores.length,
      recallPossible: round(recallAt(possible)),
      recallSure: round(recallAt(sure)),
      nearMissFalseAlarmPossible: round(faAt(nmIdx, possible)),
      nearMissFalseAlarmSure: round(faAt(nmIdx, sure)),
      falseAlarmPossible: round(faAt(negIdx, possible)),
      falseAlarmSure: round(faAt(negIdx, sure)),
      curve: CURVE.map((t) => ({ t, recall: round(recallAt(t)), nearMissFalseAlarm: round(faAt(nmIdx, t)), falseAlarm: round(faAt(negIdx, t)) })),
      missed: set.filter((_, i) => positive[i] && p[i]! < possible).map((t) => t.text),
    },
  };
}

export interface TrainRedFlagsOptions {
  dataDir?: string;
  k?: number;
  train?: TrainLearnedOptions;
  /** Measures assertion status on the corpus (assertion.ts); left out of the file if absent. */
  assertion?: (set: LabelledText[]) => AssertionReport;
  write?: boolean;
}

/** Cross-validates, calibrates and chooses thresholds; writes red-flag-model.json unless write is false. */
export function trainRedFlagThresholds(options: TrainRedFlagsOptions = {}): RedFlagModelFile {
  const dataDir = options.dataDir ?? 'knowledge/nlu';
  const k = options.k ?? 5;
  const sources = readCorpusSources(dataDir);
  const files = parseCorpus(sources);
  const lexicon = parseLexicon(sources.lexicon, LEXICON_FILE);
  const negatives = answerNegatives(sources.answers, parseLearnedAnswers(sources.learnedAnswers));
  const set = buildTrainingSet(files, sources.training, negatives, { skipNearMissKinds: detectorSkippedKinds() });
  const oof = crossValidateLearned(set, lexicon, k, { ...options.train, concepts: parseConcepts(sources.concepts) });
  const signs: RedFlagModelFile['signs'] = {};
  const calibrated = new Map<LearnedSign, number[]>();
  LEARNED_SIGNS.forEach((sign, s) => {
    const labels = set.map((t) => t.signs.includes(sign));
    if (!labels.some(Boolean)) return;
    const logits = oof.logits.map((l) => l[s]!);
    const { a, b } = fitPlatt(logits, labels);
    const p = logits.map((z) => sigmoid(a * z + b));
    calibrated.set(sign, p);
    const chosen = chooseThresholds(p, set, sign);
    signs[sign] = { a: round(a, 6), b: round(b, 6), possible: chosen.possible, sure: chosen.sure, cv: chosen.cv };
  });
  const file: RedFlagModelFile = {
    version: MODEL_VERSION,
    corpusHash: corpusHash(sources),
    chosenAt: new Date().toISOString(),
    k,
    texts: {
      positives: set.filter((t) => t.signs.length > 0).length,
      nearMisses: set.filter((t) => t.source.startsWith('near_miss:')).length,
      intentNegatives: set.filter((t) => t.source.startsWith('intent:')).length,
    },
    policy: { POSSIBLE_RECALL, MAX_POSSIBLE, MIN_POSSIBLE, SURE_MAX_NEAR_MISS_FA, SURE_MAX_FA },
    signs,
    nearMissesByKind: nearMissesByKind(set, calibrated, signs),
    // assertion status is measured on every near miss, also those the detector does not train on
    ...(options.assertion ? { assertion: options.assertion(buildTrainingSet(files, sources.training, negatives)) } : {}),
  };
  if (options.write ?? true) writeFileSync(join(resolveFromRoot(dataDir), THRESHOLDS_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

function nearMissesByKind(set: LabelledText[], p: Map<LearnedSign, number[]>, signs: RedFlagModelFile['signs']): RedFlagModelFile['nearMissesByKind'] {
  const out = new Map<string, { total: number; possible: number; sure: number }>();
  set.forEach((t, i) => {
    if (!t.source.startsWith('near_miss:')) return;
    const [, sign, kind] = t.source.split(':') as [string, LearnedSign, string];
    const th = signs[sign];
    const score = p.get(sign)?.[i];
    if (!th || score === undefined) return;
    const entry = out.get(kind) ?? { total: 0, possible: 0, sure: 0 };
    entry.total++;
    if (score >= th.possible) entry.possible++;
    if (score >= th.sure) entry.sure++;
    out.set(kind, entry);
  });
  return Object.fromEntries(
    [...out].sort().map(([kind, e]) => [kind, { total: e.total, possible: round(e.possible / e.total), sure: round(e.sure / e.total) }]),
  );
}

/** One line per sign, for the terminal. */
export function formatThresholds(file: RedFlagModelFile): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  const lines = [
    `red-flag model: ${file.texts.positives} positives, ${file.texts.nearMisses} near misses, ${file.texts.intentNegatives} intent negatives; ${file.k}-fold out-of-fold numbers`,
    '  sign                     n   possible  recall  nmFA    FA   |  sure   recall  nmFA    FA',
  ];
  for (const [sign, t] of Object.entries(file.signs)) {
    if (!t) continue;
    const c = t.cv;
    lines.push(
      `  ${sign.padEnd(22)} ${String(c.positives).padStart(4)}  ${t.possible.toFixed(3).padStart(7)} ${pct(c.recallPossible)} ${pct(c.nearMissFalseAlarmPossible)} ${pct(c.falseAlarmPossible)}  | ${t.sure.toFixed(3).padStart(6)} ${pct(c.recallSure)} ${pct(c.nearMissFalseAlarmSure)} ${pct(c.falseAlarmSure)}`,
    );
  }
  lines.push('', 'out-of-fold false alarms of a near miss by its own sign (before assertion status), by kind:');
  for (const [kind, r] of Object.entries(file.nearMissesByKind))
    lines.push(`  ${kind.padEnd(20)} ${String(r.total).padStart(4)}   possible ${pct(r.possible)}   sure ${pct(r.sure)}`);
  if (file.assertion) {
    lines.push('', `assertion status: accuracy ${pct(file.assertion.accuracy)} over ${file.assertion.total} corpus texts`);
    for (const [kind, r] of Object.entries(file.assertion.byKind)) lines.push(`  ${kind.padEnd(20)} ${pct(r.accuracy)} of ${r.total} (expected ${r.expected})`);
  }
  return lines.join('\n');
}
