// The intent classifier's calibration (knowledge/nlu/calibration.json): the out-of-scope
// threshold and the ambiguity margin, read and applied to a ranking. They are chosen by
// src/eval/calibrateIntents.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { IntentId } from '../contract.js';
import { CALIBRATION_FILE, DEFAULT_DATA_DIR, resolveFromRoot } from './dataFiles.js';
import { modelFingerprint } from './intentModel.js';
import type { Lexicon } from './normalize.js';
import { lexiconHash, trainingDataHash, type TrainingData } from './trainingData.js';
import type { IntentScore } from './types.js';

export interface Calibration {
  /** A top confidence below this becomes out_of_scope (never for redflag.report). */
  threshold: number;
  /** Top two closer than this: ambiguous, the bot asks which one was meant. */
  margin: number;
  /** trainingDataHash() of the data the values were chosen on ('' = built-in defaults). */
  dataHash: string;
  lexiconHash: string;
  /** modelFingerprint() of the model the values were chosen for. */
  modelVersion: string;
  /** How the values were chosen (free-form, written by src/eval/calibrateIntents.ts). */
  chosenBy?: Record<string, unknown>;
}

/** Used when knowledge/nlu/calibration.json is missing. */
export const DEFAULT_CALIBRATION: Calibration = {
  threshold: 0.25,
  margin: 0.05,
  dataHash: '',
  lexiconHash: '',
  modelVersion: '',
};

const calibrationSchema = z.object({
  threshold: z.number().min(0).max(1),
  margin: z.number().min(0).max(1),
  dataHash: z.string(),
  lexiconHash: z.string().default(''),
  modelVersion: z.string().default(''),
  chosenBy: z.record(z.string(), z.unknown()).optional(),
});

/** Reads `<dir>/calibration.json` (default knowledge/nlu). Missing file: DEFAULT_CALIBRATION.
 * A malformed file throws, naming it. */
export function loadCalibration(dir = DEFAULT_DATA_DIR): Calibration {
  const file = join(resolveFromRoot(dir), CALIBRATION_FILE);
  if (!existsSync(file)) return { ...DEFAULT_CALIBRATION };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = calibrationSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** True when the calibration was chosen on exactly this training data and lexicon. */
export function isCalibrationCurrent(calibration: Calibration, data: TrainingData, lexicon?: Lexicon): boolean {
  return (
    calibration.dataHash === trainingDataHash(data) &&
    (lexicon === undefined || calibration.lexiconHash === lexiconHash(lexicon)) &&
    calibration.modelVersion === modelFingerprint()
  );
}

export interface CalibratedIntent {
  /** The decision: the top intent, or out_of_scope when the top confidence is below the threshold. */
  intent: IntentId;
  /** The ranking's confidence of `intent`. */
  confidence: number;
  /** The full ranking, unchanged (sums to 1). */
  ranking: IntentScore[];
  /** The top two are within the margin: ask which one was meant (see `candidates`). */
  ambiguous: boolean;
  /** The intents to offer when ambiguous (top two); otherwise just `intent`. */
  candidates: IntentId[];
  /** The top intent was replaced by out_of_scope. */
  belowThreshold: boolean;
}

/**
 * Applies the out-of-scope threshold and the ambiguity margin to a ranking.
 * - top confidence < threshold -> out_of_scope (except redflag.report, which is never
 *   downgraded: safety first);
 * - otherwise ambiguous when top1 - top2 < margin, unless the top intent is redflag.report
 *   (we act on it) or the runner-up is out_of_scope (nothing to offer).
 */
export function applyCalibration(ranking: IntentScore[], calibration: Pick<Calibration, 'threshold' | 'margin'> = DEFAULT_CALIBRATION): CalibratedIntent {
  const top = ranking[0];
  if (!top) {
    return { intent: 'out_of_scope', confidence: 0, ranking, ambiguous: false, candidates: ['out_of_scope'], belowThreshold: true };
  }
  const second = ranking[1];
  if (top.intent !== 'redflag.report' && top.intent !== 'out_of_scope' && top.confidence < calibration.threshold) {
    const oos = ranking.find((r) => r.intent === 'out_of_scope');
    return {
      intent: 'out_of_scope',
      confidence: oos?.confidence ?? 0,
      ranking,
      ambiguous: false,
      candidates: ['out_of_scope'],
      belowThreshold: true,
    };
  }
  const ambiguous =
    second !== undefined &&
    top.intent !== 'redflag.report' &&
    top.intent !== 'out_of_scope' &&
    second.intent !== 'out_of_scope' &&
    top.confidence - second.confidence < calibration.margin;
  return {
    intent: top.intent,
    confidence: top.confidence,
    ranking,
    ambiguous,
    candidates: ambiguous && second ? [top.intent, second.intent] : [top.intent],
    belowThreshold: false,
  };
}
