// Chooses the intent classifier's out-of-scope threshold and ambiguity margin from pooled
// out-of-fold rankings (see calibrateIntents.ts, which writes them to calibration.json).
import type { IntentId } from '../contract.js';
import { applyCalibration, type CalibratedIntent } from '../nlu/intentCalibration.js';
import type { IntentScore } from '../nlu/types.js';
import { evaluate } from './intentCrossValidation.js';

/** Utility of asking "did you mean A or B?" when A (the top intent) was right. */
export const ASK_UTILITY = 0.8;

export interface CalibrationChoice {
  threshold: number;
  margin: number;
  /** macro-F1 / accuracy of the out-of-fold decisions with the threshold */
  macroF1: number;
  accuracy: number;
  outOfScopeRecall: number;
  /** share of messages marked ambiguous, and mean utility (1 right, ASK_UTILITY asked and
   * the right intent offered, 0 otherwise) */
  ambiguousRate: number;
  utility: number;
}

function middleOfBestPlateau(grid: number[], scores: number[]): number {
  const best = Math.max(...scores);
  const bestIdx = scores.flatMap((s, i) => (s >= best - 1e-12 ? [i] : []));
  // the longest contiguous run of best values, then its middle
  let runStart = bestIdx[0] as number;
  let bestRun: [number, number] = [runStart, runStart];
  for (let j = 1; j <= bestIdx.length; j++) {
    const cur = bestIdx[j];
    const prev = bestIdx[j - 1] as number;
    if (cur !== prev + 1) {
      if (prev - runStart > bestRun[1] - bestRun[0]) bestRun = [runStart, prev];
      if (cur !== undefined) runStart = cur;
    }
  }
  return grid[Math.floor((bestRun[0] + bestRun[1]) / 2)] as number;
}

/**
 * Chooses the out-of-scope threshold (max macro-F1 of the decisions, the middle of the best
 * plateau) and then the ambiguity margin (max mean utility, ASK_UTILITY for a question whose
 * two options contain the right intent) from out-of-fold predictions.
 */
export function chooseCalibration(predictions: { expected: IntentId; ranking: IntentScore[] }[]): CalibrationChoice {
  const thresholds = Array.from({ length: 61 }, (_, i) => i / 100);
  const decide = (t: number, m: number) => predictions.map((p) => applyCalibration(p.ranking, { threshold: t, margin: m }));
  const f1s = thresholds.map((t) => {
    const d = decide(t, 0);
    return evaluate(predictions.map((p, i) => ({ expected: p.expected, got: (d[i] as CalibratedIntent).intent }))).macroF1;
  });
  const threshold = middleOfBestPlateau(thresholds, f1s);
  const margins = Array.from({ length: 41 }, (_, i) => i / 100);
  const utilityOf = (m: number) => {
    const d = decide(threshold, m);
    let u = 0;
    d.forEach((dec, i) => {
      const expected = (predictions[i] as { expected: IntentId }).expected;
      if (dec.ambiguous) u += dec.candidates.includes(expected) ? ASK_UTILITY : 0;
      else u += dec.intent === expected ? 1 : 0;
    });
    return u / Math.max(1, d.length);
  };
  const utilities = margins.map(utilityOf);
  const bestUtility = Math.max(...utilities);
  const margin = margins[utilities.findIndex((u) => u >= bestUtility - 1e-12)] as number; // smallest best
  const final = decide(threshold, margin);
  const ev = evaluate(predictions.map((p, i) => ({ expected: p.expected, got: (final[i] as CalibratedIntent).intent })));
  return {
    threshold,
    margin,
    macroF1: ev.macroF1,
    accuracy: ev.accuracy,
    outOfScopeRecall: ev.perIntent['out_of_scope']?.recall ?? 0,
    ambiguousRate: final.filter((d) => d.ambiguous).length / Math.max(1, final.length),
    utility: bestUtility,
  };
}
