// The intent model's settings (ensemble weights, temperatures, training parameters) and its
// serialized form: what training produces, the cache stores and the runtime is built from.
import type { IntentId } from '../contract.js';
import { sha256 } from '../util/hash.js';

/** Bump when features or models change (config changes are hashed in automatically):
 * invalidates every cache file and calibration.json. */
export const MODEL_VERSION = 'backline-intent-ensemble-3';

export const MODEL_NAMES = ['nb', 'lr', 'char'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelConfig {
  /** Ensemble weights (normalised to sum 1). */
  weights: Record<ModelName, number>;
  /** nb: probabilities = softmax(log natural score * nbTemperature). */
  nbTemperature: number;
  /** nb: natural/apparatus smoothing (count of an unseen feature). */
  nbSmoothing: number;
  lrEpochs: number;
  lrLearningRate: number;
  lrL2: number;
  /** lr: a class is skipped in an example's update when |gradient| < this (saves most
   * updates once the model is confident; ~no effect on accuracy). */
  lrMinGradient: number;
  /** char: probabilities = softmax(mean cosine of the k nearest examples * charTemperature). */
  charTemperature: number;
  charK: number;
  /** char: grams found in more than this share of the examples are dropped (they carry
   * little information and would make every lookup touch most examples). */
  charMaxDf: number;
  charMinN: number;
  charMaxN: number;
  seed: number;
}

export const DEFAULT_CONFIG: ModelConfig = {
  weights: { nb: 1, lr: 2, char: 2 },
  nbTemperature: 0.3,
  nbSmoothing: 0.1,
  lrEpochs: 6,
  lrLearningRate: 1,
  lrL2: 1e-5,
  lrMinGradient: 1e-3,
  charTemperature: 10,
  charK: 3,
  charMaxDf: 0.05,
  charMinN: 3,
  charMaxN: 4,
  seed: 1,
};

/** Everything needed to rebuild a classifier; JSON-safe. Training produces it and the
 * runtime is always built from it, so a cache round trip gives identical rankings. */
export interface SerializedModel {
  version: string;
  dataHash: string;
  lexiconHash: string;
  config: ModelConfig;
  /** class order of the lr and char models */
  intents: IntentId[];
  /** spelling vocabulary: [word, frequency] */
  vocabulary: [string, number][];
  /** typos found in the training texts: [typo, correction] */
  typos: [string, string][];
  /** the lexicon's entries, so a cached model needs no YAML parsing */
  lexicon: [string, string[]][];
  /** natural BayesClassifier in its JSON form (restored with BayesClassifier.restore) */
  nb: Record<string, unknown>;
  /** lr: feature names, weights [feature][class] and biases (float32, base64) */
  lr: { features: string[]; weights: string; bias: string };
  /** char: gram codes (charGramCode, sorted), their idf, the intent of every training
   * example, and an inverted index of the examples' L2-normalised TF-IDF vectors: gram g
   * occurs in examples docs[offsets[g]..offsets[g+1]) with weights weight[...]
   * (int32/float32 arrays, base64) */
  char: { grams: string; idf: string; labels: string; offsets: string; docs: string; weight: string };
}

export interface TrainOptions {
  config?: Partial<ModelConfig>;
}

/** MODEL_VERSION plus a hash of the configuration: what calibration.json was chosen for. */
export function modelFingerprint(config: Partial<ModelConfig> = {}): string {
  return `${MODEL_VERSION}:${sha256(JSON.stringify(mergeConfig(config))).slice(0, 12)}`;
}

export function mergeConfig(partial?: Partial<ModelConfig>): ModelConfig {
  return {
    ...DEFAULT_CONFIG,
    ...partial,
    weights: { ...DEFAULT_CONFIG.weights, ...(partial?.weights ?? {}) },
  };
}
