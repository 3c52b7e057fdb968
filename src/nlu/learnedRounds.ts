// Learned red-flag detector: leave-one-round-out evaluation. The corpus was written in rounds
// by different writers (knowledge/nlu/red-flag-corpus/<sign>.yaml, <sign>.s4.yaml, .s5.yaml...:
// the part after the sign names the round). k-fold cross-validation mixes every writer into
// every fold, so it measures how well the model knows writers it has already read; a fresh
// blind set is written by someone new. Here each round is held out in turn: the model is
// trained on the other rounds' texts and scores the held-out round's positives and near
// misses, so the numbers say how a choice of features or thresholds does on new writers.
// The texts of no round (training.yaml intents, answers) are spread over the folds so every
// text gets an out-of-round score and the thresholds can be chosen on those scores.

import { type Lexicon } from './normalize.js';
import { LEARNED_SIGNS, type CorpusFile, type LabelledText, type LearnedConfig, type LearnedSign } from './learnedCorpus.js';
import { logitsOutOfFold, sigmoid } from './learnedTraining.js';
import type { LearnedThresholds } from './learnedScoring.js';
import { chooseThresholds, fitPlatt } from './redFlagTraining.js';

/** The round of a corpus file: "base" for <sign>.yaml, else the part after the sign ("s5b"). */
export function roundOfFile(name: string): string {
  const parts = name.split('.');
  return parts.length > 2 ? parts[1]! : 'base';
}

const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();

/** The round each training text was first written in (a positive wins), or "" for none. */
export function roundsOfTexts(set: LabelledText[], files: { name: string; file: CorpusFile }[]): string[] {
  const byKey = new Map<string, string>();
  for (const { name, file } of files) for (const t of file.positives) if (!byKey.has(key(t))) byKey.set(key(t), roundOfFile(name));
  for (const { name, file } of files) for (const n of file.nearMisses) if (!byKey.has(key(n.text))) byKey.set(key(n.text), roundOfFile(name));
  return set.map((t) => byKey.get(key(t.text)) ?? '');
}

export interface RoundSignNumbers {
  positives: number;
  /** At thresholds chosen (Platt + the training policy) on the out-of-round scores. */
  recallPossible: number;
  recallSure: number;
  /** Share of the sign's own near misses (the hard ones) at or above each threshold. */
  ownNearMissPossible: number;
  ownNearMissSure: number;
  /** At the thresholds of the current red-flag-model.json (its Platt scaling), if given. */
  shippedRecallPossible?: number;
  shippedRecallSure?: number;
  /**
   * With the shipped Platt scaling, per candidate `possible` threshold: held-out recall, the
   * share of the sign's own near misses and of every held-out negative at or above it (how the
   * shipped model would do on new writers at that threshold; scripts/cross-round.mjs
   * --thresholds chooses from it).
   */
  shippedCurve?: { t: number; recall: number; ownNearMiss: number; negatives: number }[];
}

/** Candidate `possible` thresholds the held-out curve is measured at. */
export const HELD_OUT_GRID = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];

export interface CrossRoundReport {
  rounds: Record<string, { positives: number; nearMisses: number }>;
  heldOut: string[];
  signs: Partial<Record<LearnedSign, RoundSignNumbers>>;
  /** Per held-out round: recall of its positives over every sign, at the chosen thresholds. */
  byRound: Record<string, { positives: number; recallPossible: number; recallSure: number; ownNearMissPossible: number }>;
  /** Means over the signs. */
  mean: { recallPossible: number; recallSure: number; ownNearMissPossible: number; ownNearMissSure: number };
  missed: Partial<Record<LearnedSign, string[]>>;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const share = (n: number, d: number) => (d === 0 ? 0 : round4(n / d));

/**
 * Holds out each round of `heldOut` (default: every round) in turn. With every round held out,
 * the texts of no round are spread over the folds too; with some rounds only, they always
 * train (the question is then "how does the model do on these new rounds").
 */
export function crossRound(
  set: LabelledText[],
  textRounds: string[],
  lexicon: Lexicon,
  config: LearnedConfig,
  options: { heldOut?: string[]; shipped?: LearnedThresholds; concepts?: [string, string[]][] } = {},
): CrossRoundReport {
  const allRounds = [...new Set(textRounds.filter((r) => r !== ''))].sort();
  const heldOut = options.heldOut ?? allRounds;
  const every = heldOut.length === allRounds.length;
  const k = heldOut.length + 1;
  const folds = textRounds.map((r, i) => {
    const f = heldOut.indexOf(r);
    if (f >= 0) return f;
    return every && r === '' ? i % heldOut.length : heldOut.length; // fold k-1: training only
  });
  const run = heldOut.map((_, f) => f);
  const logits = logitsOutOfFold(set, lexicon, folds, k, config, run, options.concepts);
  const scored = folds.map((f) => f < heldOut.length);
  const scoredSet = set.filter((_, i) => scored[i]);
  const rounds: CrossRoundReport['rounds'] = {};
  set.forEach((t, i) => {
    const r = textRounds[i]!;
    if (!r) return;
    const e = (rounds[r] ??= { positives: 0, nearMisses: 0 });
    if (t.signs.length > 0) e.positives++;
    else if (t.source.startsWith('near_miss:')) e.nearMisses++;
  });
  const signs: CrossRoundReport['signs'] = {};
  const missed: CrossRoundReport['missed'] = {};
  const hitsByRound = new Map<string, { n: number; possible: number; sure: number; nm: number; nmPossible: number }>();
  LEARNED_SIGNS.forEach((sign, s) => {
    const idx = set.flatMap((_, i) => (scored[i] ? [i] : []));
    const labels = idx.map((i) => set[i]!.signs.includes(sign));
    if (!labels.some(Boolean)) return;
    const z = idx.map((i) => logits[i]![s]!);
    const { a, b } = fitPlatt(z, labels);
    const p = z.map((x) => sigmoid(a * x + b));
    const chosen = chooseThresholds(p, scoredSet, sign);
    const own = idx.flatMap((i, j) => (set[i]!.source.startsWith(`near_miss:${sign}:`) ? [j] : []));
    const pos = labels.flatMap((l, j) => (l ? [j] : []));
    const numbers: RoundSignNumbers = {
      positives: pos.length,
      recallPossible: chosen.cv.recallPossible,
      recallSure: chosen.cv.recallSure,
      ownNearMissPossible: share(own.filter((j) => p[j]! >= chosen.possible).length, own.length),
      ownNearMissSure: share(own.filter((j) => p[j]! >= chosen.sure).length, own.length),
    };
    const shipped = options.shipped?.signs[sign];
    if (shipped) {
      const q = z.map((x) => sigmoid(shipped.a * x + shipped.b));
      numbers.shippedRecallPossible = share(pos.filter((j) => q[j]! >= shipped.possible).length, pos.length);
      numbers.shippedRecallSure = share(pos.filter((j) => q[j]! >= shipped.sure).length, pos.length);
      const neg = labels.flatMap((l, j) => (l ? [] : [j]));
      numbers.shippedCurve = HELD_OUT_GRID.map((t) => ({
        t,
        recall: share(pos.filter((j) => q[j]! >= t).length, pos.length),
        ownNearMiss: share(own.filter((j) => q[j]! >= t).length, own.length),
        negatives: share(neg.filter((j) => q[j]! >= t).length, neg.length),
      }));
    }
    signs[sign] = numbers;
    missed[sign] = chosen.cv.missed;
    idx.forEach((i, j) => {
      const r = textRounds[i]!;
      const e = hitsByRound.get(r) ?? { n: 0, possible: 0, sure: 0, nm: 0, nmPossible: 0 };
      if (labels[j]) {
        e.n++;
        if (p[j]! >= chosen.possible) e.possible++;
        if (p[j]! >= chosen.sure) e.sure++;
      } else if (set[i]!.source.startsWith(`near_miss:${sign}:`)) {
        e.nm++;
        if (p[j]! >= chosen.possible) e.nmPossible++;
      }
      hitsByRound.set(r, e);
    });
  });
  const byRound: CrossRoundReport['byRound'] = {};
  for (const r of heldOut) {
    const e = hitsByRound.get(r);
    if (e)
      byRound[r] = { positives: e.n, recallPossible: share(e.possible, e.n), recallSure: share(e.sure, e.n), ownNearMissPossible: share(e.nmPossible, e.nm) };
  }
  const warning = Object.entries(signs) as [LearnedSign, RoundSignNumbers][];
  const mean = (f: (n: RoundSignNumbers) => number) => round4(warning.reduce((acc, [, n]) => acc + f(n), 0) / Math.max(1, warning.length));
  return {
    rounds,
    heldOut,
    signs,
    byRound,
    mean: {
      recallPossible: mean((n) => n.recallPossible),
      recallSure: mean((n) => n.recallSure),
      ownNearMissPossible: mean((n) => n.ownNearMissPossible),
      ownNearMissSure: mean((n) => n.ownNearMissSure),
    },
    missed,
  };
}

/** The report as a table for the terminal. */
export function formatCrossRound(report: CrossRoundReport): string {
  const pct = (x: number | undefined) => (x === undefined ? '     -' : `${(x * 100).toFixed(1)}%`.padStart(6));
  const lines = [
    `leave-one-round-out: held out ${report.heldOut.join(', ')} (rounds: ${Object.entries(report.rounds)
      .map(([r, e]) => `${r} ${e.positives}+/${e.nearMisses}nm`)
      .join(', ')})`,
    '  sign                     n  | chosen thresholds: possible  sure  ownNM@p ownNM@s | shipped: possible  sure',
  ];
  for (const [sign, n] of Object.entries(report.signs)) {
    if (!n) continue;
    lines.push(
      `  ${sign.padEnd(22)} ${String(n.positives).padStart(4)}  |                 ${pct(n.recallPossible)} ${pct(n.recallSure)}  ${pct(n.ownNearMissPossible)} ${pct(n.ownNearMissSure)} |         ${pct(n.shippedRecallPossible)} ${pct(n.shippedRecallSure)}`,
    );
  }
  const m = report.mean;
  lines.push(
    `  mean (warning signs)          |                 ${pct(m.recallPossible)} ${pct(m.recallSure)}  ${pct(m.ownNearMissPossible)} ${pct(m.ownNearMissSure)} |`,
  );
  if (report.heldOut.length < Object.keys(report.rounds).length)
    lines.push(
      '  (only some rounds held out: "chosen" thresholds are fitted on the held-out scores themselves, so read the "shipped" columns, the current red-flag-model.json thresholds, as the blind-ish number)',
    );
  lines.push('', '  held-out round     n   possible   sure   ownNM@possible');
  for (const [r, e] of Object.entries(report.byRound))
    lines.push(`  ${r.padEnd(14)} ${String(e.positives).padStart(5)}   ${pct(e.recallPossible)} ${pct(e.recallSure)}   ${pct(e.ownNearMissPossible)}`);
  return lines.join('\n');
}
