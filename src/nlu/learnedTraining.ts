// Learned red-flag detector: training. L2 logistic regression per sign (AdaGrad SGD), the
// serialised model, and k-fold cross-validation for the out-of-fold scores.

import { rng, shuffleInPlace, toBase64 } from './numeric.js';
import { type Lexicon } from './normalize.js';
import { DEFAULT_LEARNED_CONFIG, LEARNED_SIGNS, type LabelledText, type LearnedConfig, type LearnedSign, MODEL_VERSION } from './learnedCorpus.js';
import { type SparseVector, buildConceptIndex, buildVectorizer, splitForScoring, vectorize } from './learnedFeatures.js';

// ---------------------------------------------------------------------------- training

/** Weights of all signs: W[feature * S + sign], one bias per sign (raw logits, before Platt). */
export interface Weights {
  W: Float32Array;
  bias: Float32Array;
}

export const S = LEARNED_SIGNS.length;
export const SIGN_INDEX = new Map<LearnedSign, number>(LEARNED_SIGNS.map((s, i) => [s, i]));

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function trainWeights(vectors: SparseVector[], labels: Uint8Array[], F: number, config: LearnedConfig): Weights {
  const N = vectors.length;
  const W = new Float64Array(F * S);
  const G = new Float64Array(F * S);
  const bias = new Float64Array(S);
  const Gb = new Float64Array(S);
  // Positive weight per sign: sqrt of the class ratio, capped.
  const posWeight = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let pos = 0;
    for (const l of labels) pos += l[s]!;
    posWeight[s] = pos === 0 ? 1 : Math.min(config.positiveWeightCap, Math.sqrt((N - pos) / pos));
  }
  const order = vectors.map((_, i) => i);
  const random = rng(config.seed);
  const g = new Float64Array(S);
  const eta = config.learningRate;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const d of order) {
      const { idx, val } = vectors[d]!;
      const y = labels[d]!;
      for (let s = 0; s < S; s++) g[s] = bias[s]!;
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j]! * S;
        const x = val[j]!;
        for (let s = 0; s < S; s++) g[s] = g[s]! + W[base + s]! * x;
      }
      for (let s = 0; s < S; s++) {
        const p = sigmoid(g[s]!);
        const grad = y[s] ? (p - 1) * posWeight[s]! : p;
        g[s] = grad;
        Gb[s] = Gb[s]! + grad * grad;
        bias[s] = bias[s]! - (eta * grad) / Math.sqrt(Gb[s]! + 1e-8);
      }
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j]! * S;
        const x = val[j]!;
        for (let s = 0; s < S; s++) {
          const k = base + s;
          const w = W[k]!;
          const gk = g[s]! * x + config.l2 * w;
          if (gk === 0) continue;
          const acc = G[k]! + gk * gk;
          G[k] = acc;
          W[k] = w - (eta * gk) / Math.sqrt(acc + 1e-8);
        }
      }
    }
  }
  return { W: Float32Array.from(W), bias: Float32Array.from(bias) };
}

function logitsOf(weights: Weights, v: SparseVector, out: Float64Array): Float64Array {
  for (let s = 0; s < S; s++) out[s] = weights.bias[s]!;
  for (let j = 0; j < v.idx.length; j++) {
    const base = v.idx[j]! * S;
    const x = v.val[j]!;
    for (let s = 0; s < S; s++) out[s] = out[s]! + weights.W[base + s]! * x;
  }
  return out;
}

function labelsOf(set: LabelledText[]): Uint8Array[] {
  return set.map((t) => {
    const y = new Uint8Array(S);
    for (const s of t.signs) y[SIGN_INDEX.get(s)!] = 1;
    return y;
  });
}

/** Everything needed to score texts again; JSON-safe (what the cache holds). */
export interface SerializedLearnedModel {
  version: string;
  cacheKey: string;
  corpusHash: string;
  config: LearnedConfig;
  signs: LearnedSign[];
  /** Signs with at least one positive in the corpus (the others never fire). */
  trained: LearnedSign[];
  vocabulary: [string, number][];
  /** red-flag-concepts.yaml: concept -> words (absent in models before concepts). */
  concepts?: [string, string[]][];
  typos: [string, string][];
  lexicon: [string, string[]][];
  lexiconHash: string;
  words: string[];
  chars: number[];
  /** answerWords(): a message made only of these (and numbers) is an answer, not a report. */
  answerWords: string[];
  /** float32 base64: W[feature * signs + sign] and bias[sign] */
  weights: string;
  bias: string;
}

export interface TrainLearnedOptions {
  config?: Partial<LearnedConfig>;
  /** Concept word lists (parseConcepts of red-flag-concepts.yaml); none when absent. */
  concepts?: [string, string[]][];
}

export function mergeConfig(partial?: Partial<LearnedConfig>): LearnedConfig {
  return { ...DEFAULT_LEARNED_CONFIG, ...partial };
}

/** Trains on every text of the set (the model the bot runs). Deterministic. */
export function trainLearnedModel(
  set: LabelledText[],
  lexicon: Lexicon,
  hashes: { cacheKey: string; corpusHash: string },
  answerWordList: readonly string[],
  options: TrainLearnedOptions = {},
): SerializedLearnedModel {
  const config = mergeConfig(options.config);
  const texts = set.map((t) => t.text);
  const concepts = options.concepts ?? [];
  const v = buildVectorizer(texts, lexicon, config, buildConceptIndex(concepts));
  const vectors = texts.map((t) => vectorize(v, t, config));
  const weights = trainWeights(vectors, labelsOf(set), v.size, config);
  const present = new Set(set.flatMap((t) => t.signs));
  return {
    version: MODEL_VERSION,
    ...hashes,
    config,
    signs: [...LEARNED_SIGNS],
    trained: LEARNED_SIGNS.filter((s) => present.has(s)),
    vocabulary: [...v.normalizer.vocabulary().entries()],
    concepts,
    typos: [...v.normalizer.typos.entries()],
    lexicon: [...lexicon.entries].map(([c, vs]) => [c, [...vs]]),
    lexiconHash: lexicon.hash,
    words: [...v.wordIndex.keys()],
    chars: [...v.charIndex.keys()],
    answerWords: [...answerWordList],
    weights: toBase64(weights.W),
    bias: toBase64(weights.bias),
  };
}

// ---------------------------------------------------------------------------- cross-validation

export interface OutOfFoldScores {
  k: number;
  seed: number;
  /** The raw out-of-fold logits: logits[text][sign]. */
  logits: Float64Array[];
  folds: number[];
}

/**
 * k-fold cross-validation: every text is scored by a model trained without its fold.
 * Folds are stratified by source (each sign's positives, near misses, intents spread evenly).
 */
export function crossValidateLearned(set: LabelledText[], lexicon: Lexicon, k = 5, options: TrainLearnedOptions = {}): OutOfFoldScores {
  const config = mergeConfig(options.config);
  const random = rng(config.seed + 101);
  const folds = new Array<number>(set.length).fill(0);
  const bySource = new Map<string, number[]>();
  set.forEach((t, i) => {
    const group = t.source.split(':').slice(0, 2).join(':');
    const list = bySource.get(group) ?? [];
    list.push(i);
    bySource.set(group, list);
  });
  let offset = 0;
  for (const group of [...bySource.keys()].sort()) {
    const members = shuffleInPlace(bySource.get(group)!, random);
    members.forEach((m, j) => (folds[m] = (offset + j) % k));
    offset += members.length;
  }
  return { k, seed: config.seed, logits: logitsOutOfFold(set, lexicon, folds, k, config, undefined, options.concepts), folds };
}

/**
 * The logits of every text from a model trained without its fold (folds[i] in 0..k-1; a fold
 * with no text, or not in `run` when given, is skipped: its texts keep logits of 0 and only
 * ever train). Scored as the bot scores a message: the best of the whole text
 * and each sentence.
 */
export function logitsOutOfFold(
  set: LabelledText[],
  lexicon: Lexicon,
  folds: readonly number[],
  k: number,
  config: LearnedConfig,
  run?: readonly number[],
  conceptEntries: [string, string[]][] = [],
): Float64Array[] {
  const concepts = buildConceptIndex(conceptEntries);
  const logits: Float64Array[] = set.map(() => new Float64Array(S));
  const labels = labelsOf(set);
  for (let fold = 0; fold < k; fold++) {
    if (!folds.includes(fold) || (run && !run.includes(fold))) continue;
    const trainIdx = set.flatMap((_, i) => (folds[i] !== fold ? [i] : []));
    const v = buildVectorizer(
      trainIdx.map((i) => set[i]!.text),
      lexicon,
      config,
      concepts,
    );
    const vectors = trainIdx.map((i) => vectorize(v, set[i]!.text, config));
    const weights = trainWeights(
      vectors,
      trainIdx.map((i) => labels[i]!),
      v.size,
      config,
    );
    const scratch = new Float64Array(S);
    set.forEach((t, i) => {
      if (folds[i] !== fold) return;
      const out = logits[i]!;
      logitsOf(weights, vectorize(v, t.text, config), out);
      const sentences = splitForScoring(t.text);
      if (sentences.length < 2) return;
      for (const sentence of sentences) {
        logitsOf(weights, vectorize(v, sentence, config), scratch);
        for (let s = 0; s < S; s++) if (scratch[s]! > out[s]!) out[s] = scratch[s]!;
      }
    });
  }
  return logits;
}

// ---------------------------------------------------------------------------- thresholds file
