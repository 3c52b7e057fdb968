// Measures the intent classifier: accuracy and macro-F1 of a set of decisions, and stratified
// k-fold cross-validation on the training data (`backline nlu --cv`, calibration, unit tests).
import { join } from 'node:path';
import { INTENT_IDS, type IntentId } from '../contract.js';
import { trainIntentClassifier } from '../nlu/classifier.js';
import { DEFAULT_DATA_DIR, LEXICON_FILE, resolveFromRoot } from '../nlu/dataFiles.js';
import { MODEL_NAMES, type ModelName, type TrainOptions } from '../nlu/intentModel.js';
import { loadLexicon, type Lexicon } from '../nlu/normalize.js';
import { rng, shuffleInPlace } from '../nlu/numeric.js';
import type { TrainingData } from '../nlu/trainingData.js';
import type { IntentScore } from '../nlu/types.js';

export interface IntentMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  perIntent: Record<string, IntentMetrics>;
}

/** Accuracy, macro-F1 (over intents with support or predictions) and per-intent metrics. */
export function evaluate(pairs: { expected: IntentId; got: IntentId }[]): Evaluation {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  let correct = 0;
  for (const { expected, got } of pairs) {
    if (expected === got) {
      correct++;
      tp.set(got, (tp.get(got) ?? 0) + 1);
    } else {
      fp.set(got, (fp.get(got) ?? 0) + 1);
      fn.set(expected, (fn.get(expected) ?? 0) + 1);
    }
  }
  const perIntent: Record<string, IntentMetrics> = {};
  let f1Sum = 0;
  let count = 0;
  for (const id of INTENT_IDS) {
    const t = tp.get(id) ?? 0;
    const p = fp.get(id) ?? 0;
    const n = fn.get(id) ?? 0;
    if (t + p + n === 0) continue;
    const precision = t + p === 0 ? 0 : t / (t + p);
    const recall = t + n === 0 ? 0 : t / (t + n);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perIntent[id] = { precision, recall, f1, support: t + n };
    f1Sum += f1;
    count++;
  }
  return { accuracy: pairs.length ? correct / pairs.length : 0, macroF1: count ? f1Sum / count : 0, perIntent };
}

/** Stratified fold number (0..k-1) of every example, deterministic by seed. */
export function stratifiedFolds(data: TrainingData, k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be an integer >= 2, got ${k}`);
  const random = rng(seed);
  const folds = new Array<number>(data.examples.length).fill(0);
  let offset = 0;
  for (const id of INTENT_IDS) {
    const members = data.examples.flatMap((e, i) => (e.intent === id ? [i] : []));
    shuffleInPlace(members, random);
    members.forEach((m, j) => (folds[m] = (offset + j) % k));
    offset += members.length; // rotates the start fold so small classes do not all pile on fold 0
  }
  return folds;
}

export interface OutOfFoldPrediction {
  text: string;
  expected: IntentId;
  fold: number;
  ranking: IntentScore[];
  perModel: Record<ModelName, IntentScore[]>;
}

export interface CrossValidationResult {
  k: number;
  seed: number;
  total: number;
  /** ensemble accuracy */
  accuracy: number;
  /** ensemble macro-F1 */
  macroF1: number;
  /** accuracy of each single model and of the ensemble */
  perModel: Record<ModelName | 'ensemble', number>;
  /** macro-F1 of each single model and of the ensemble */
  perModelMacroF1: Record<ModelName | 'ensemble', number>;
  perIntent: Record<string, IntentMetrics>;
  errors: { text: string; expected: IntentId; got: IntentId; confidence: number }[];
  /** mean training time per fold, ms */
  trainMs: number;
  /** out-of-fold rankings (ensemble and per model); only with keepPredictions */
  predictions?: OutOfFoldPrediction[];
}

export interface CrossValidateOptions {
  seed?: number;
  /** default: <dataDir>/lexicon.yaml */
  lexicon?: Lexicon;
  /** where the default lexicon is read from; default knowledge/nlu */
  dataDir?: string;
  train?: TrainOptions;
  /** keep every out-of-fold ranking in the result (used for calibration) */
  keepPredictions?: boolean;
}

/**
 * Stratified k-fold cross-validation of the ensemble and of each of its models,
 * deterministic by seed. The third argument is the seed or an options object.
 */
export function crossValidate(
  data: TrainingData,
  k = 5,
  seedOrOptions: number | CrossValidateOptions = 1,
  moreOptions: CrossValidateOptions = {},
): CrossValidationResult {
  const options: CrossValidateOptions = typeof seedOrOptions === 'number' ? { ...moreOptions, seed: seedOrOptions } : { ...moreOptions, ...seedOrOptions };
  const seed = options.seed ?? 1;
  const lexicon = options.lexicon ?? loadLexicon(join(resolveFromRoot(options.dataDir ?? DEFAULT_DATA_DIR), LEXICON_FILE));
  const folds = stratifiedFolds(data, k, seed);
  const predictions: OutOfFoldPrediction[] = [];
  let trainMs = 0;
  for (let fold = 0; fold < k; fold++) {
    const train: TrainingData = { examples: data.examples.filter((_, i) => folds[i] !== fold) };
    const t0 = performance.now();
    const classifier = trainIntentClassifier(train, lexicon, options.train);
    trainMs += performance.now() - t0;
    data.examples.forEach((e, i) => {
      if (folds[i] !== fold) return;
      const d = classifier.classifyDetailed(e.text);
      predictions.push({ text: e.text, expected: e.intent, fold, ranking: d.ranking, perModel: d.perModel });
    });
  }
  const top = (r: IntentScore[]) => (r[0] as IntentScore).intent;
  const ensemble = evaluate(predictions.map((p) => ({ expected: p.expected, got: top(p.ranking) })));
  const perModel = { ensemble: ensemble.accuracy } as Record<ModelName | 'ensemble', number>;
  const perModelMacroF1 = { ensemble: ensemble.macroF1 } as Record<ModelName | 'ensemble', number>;
  for (const m of MODEL_NAMES) {
    const ev = evaluate(predictions.map((p) => ({ expected: p.expected, got: top(p.perModel[m]) })));
    perModel[m] = ev.accuracy;
    perModelMacroF1[m] = ev.macroF1;
  }
  return {
    k,
    seed,
    total: predictions.length,
    accuracy: ensemble.accuracy,
    macroF1: ensemble.macroF1,
    perModel,
    perModelMacroF1,
    perIntent: ensemble.perIntent,
    errors: predictions
      .filter((p) => top(p.ranking) !== p.expected)
      .map((p) => ({
        text: p.text,
        expected: p.expected,
        got: top(p.ranking),
        confidence: (p.ranking[0] as IntentScore).confidence,
      })),
    trainMs: trainMs / k,
    ...(options.keepPredictions ? { predictions } : {}),
  };
}
