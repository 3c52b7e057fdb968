// Intent classifier: an ensemble of three models over normalised text (see normalize.ts).
//
//   nb    natural's BayesClassifier over stems (negated stems marked, "?" kept). Its raw
//         values (prior x product of feature likelihoods) are not probabilities: we take
//         their logs, scale them by nbTemperature and softmax them over the intents.
//   lr    multinomial logistic regression (softmax, AdaGrad SGD, small L2) over stems, stem
//         bigrams and the first stem. natural's own LogisticRegressionClassifier runs one
//         dense sylvester gradient descent per intent and takes minutes on this data.
//   char  TF-IDF over character 3-4-grams of the normalised words; an intent's score is the
//         mean cosine similarity of its 3 nearest training examples, softmaxed with
//         charTemperature. Robust to typos and word forms the speller does not fix.
//
// The ensemble is the weighted mean of the three distributions, so its confidences sum to
// 1; crossValidate() shows it beats every single model (ensemble weights and temperatures
// were picked on pooled out-of-fold predictions of the training data).
//
// Calibration (applyCalibration): an out-of-scope threshold and an ambiguity margin, both
// chosen by cross-validation on the training data only; src/eval/calibrateIntents.ts writes them
// to knowledge/nlu/calibration.json with the hash of the data they were chosen on.
//
// loadOrTrainClassifier() trains in a few hundred ms, or restores from a JSON cache file
// keyed by the training and lexicon files, the options and MODEL_VERSION (natural's
// BayesClassifier.restore() for the Bayes part). Training is deterministic.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { INTENT_IDS, type IntentId } from '../contract.js';
import type { IntentScore } from './types.js';
import {
  lexiconFromEntries,
  loadLexicon,
  Normalizer,
  parseLexicon,
  isSafePlainScalar,
  type Lexicon,
  type NormalizedText,
} from './normalize.js';

export { loadLexicon, type Lexicon } from './normalize.js';

// ---------------------------------------------------------------------------- paths

/** The package root (…/src/nlu or …/dist/nlu -> two levels up). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Relative paths are taken from the package root, so the CLI works from any directory. */
export function resolveFromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(PACKAGE_ROOT, path);
}

export const DEFAULT_DATA_DIR = 'knowledge/nlu';
export const DEFAULT_CACHE_DIR = 'data/nlu-cache';
export const TRAINING_FILE = 'training.yaml';
export const LEXICON_FILE = 'lexicon.yaml';
export const CALIBRATION_FILE = 'calibration.json';

/** Bump when features or models change (config changes are hashed in automatically):
 * invalidates every cache file and calibration.json. */
export const MODEL_VERSION = 'backline-intent-ensemble-3';

// ---------------------------------------------------------------------------- training data

export interface TrainingData {
  examples: { text: string; intent: IntentId }[];
}

const trainingFileSchema = z.record(
  z.string(),
  z
    .array(
      z
        .union([z.string(), z.number()], { error: 'utterances must be text (quote values such as true, null or 12)' })
        .transform((v) => String(v).trim()),
    )
    .min(1),
);
const intentIdSchema = z.enum(INTENT_IDS);

/**
 * training.yaml in its usual shape (comments, `intent.id:` lines, `  - utterance` lines with
 * plain, 'single' or "double" quoted text) parsed without the YAML library, which takes
 * ~100 ms on it; undefined for anything else (the caller then uses the YAML parser). A unit
 * test checks both give the same result on the real file.
 */
export function parseSimpleTrainingYaml(text: string): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const key = /^([a-z][a-z0-9_.]*):\s*$/.exec(line);
    if (key) {
      const id = key[1] as string;
      if (Object.prototype.hasOwnProperty.call(out, id) || !isSafePlainScalar(id)) return undefined;
      out[id] = current = [];
      continue;
    }
    const item = /^ {2}- (.*?)\s*$/.exec(line);
    if (!item || !current) return undefined;
    const value = item[1] as string;
    const double = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value);
    const single = /^'((?:[^']|'')*)'$/.exec(value);
    if (double) current.push((double[1] as string).replace(/\\(["\\])/g, '$1'));
    else if (single) current.push((single[1] as string).replace(/''/g, "'"));
    else if (isSafePlainScalar(value)) current.push(value);
    else return undefined;
  }
  return out;
}

/** Parses training YAML (`intent id: [utterances]`). `origin` names the file in errors. */
export function parseTrainingData(yamlText: string, origin = TRAINING_FILE): TrainingData {
  let raw: unknown = parseSimpleTrainingYaml(yamlText);
  if (raw === undefined) {
    try {
      raw = parseYaml(yamlText);
    } catch (e) {
      throw new Error(`${origin}: invalid YAML: ${(e as Error).message}`);
    }
  }
  const parsed = trainingFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new Error(
      `${origin}: expected a map "intent id: [utterances]"${where ? ` (at ${where})` : ''}: ${issue?.message ?? ''}`,
    );
  }
  const examples: TrainingData['examples'] = [];
  const labelOf = new Map<string, IntentId>();
  for (const [key, texts] of Object.entries(parsed.data)) {
    const id = intentIdSchema.safeParse(key);
    if (!id.success) throw new Error(`${origin}: unknown intent id "${key}"`);
    for (const text of texts) {
      if (text === '') throw new Error(`${origin}: empty utterance under "${key}"`);
      const norm = text.toLowerCase();
      const previous = labelOf.get(norm);
      if (previous !== undefined && previous !== id.data) {
        throw new Error(`${origin}: "${text}" is listed under both "${previous}" and "${key}"`);
      }
      if (previous !== undefined) continue;
      labelOf.set(norm, id.data);
      examples.push({ text, intent: id.data });
    }
  }
  return { examples };
}

/** Reads `<dir>/training.yaml`. Throws an Error naming the file and the id for an unknown intent. */
export function loadTrainingData(dir = DEFAULT_DATA_DIR): TrainingData {
  const file = join(resolveFromRoot(dir), TRAINING_FILE);
  return parseTrainingData(readFileSync(file, 'utf8'), file);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 (hex) of the examples, in order. */
export function trainingDataHash(data: TrainingData): string {
  return sha256(JSON.stringify(data.examples.map((e) => [e.intent, e.text])));
}

/** sha256 of the lexicon file the lexicon was parsed from. */
export function lexiconHash(lexicon: Lexicon): string {
  return lexicon.hash;
}

// ---------------------------------------------------------------------------- model config

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

// ---------------------------------------------------------------------------- features

/** Word features: every stem (unigrams) and, with `bigrams`, every pair of neighbouring stems. */
export function wordFeatures(n: NormalizedText, bigrams = true): string[] {
  const out = new Set<string>();
  const s = n.stems;
  if (bigrams && s.length > 0) out.add('^' + (s[0] as string));
  for (let i = 0; i < s.length; i++) {
    const a = s[i] as string;
    out.add(a);
    if (bigrams && i + 1 < s.length) {
      const b = s[i + 1] as string;
      if (b !== '?') out.add(a + ' ' + b);
    }
  }
  if (s.length === 0) out.add('<empty>');
  return [...out];
}

/** Base of the character n-gram codes: space, a-z, 0-9. */
const CHAR_BASE = 37;
/** Longest character n-gram with an int32 code. */
export const MAX_CHAR_N = 5;
/** CHAR_OFFSET[n - 1]: first code of the n-grams; n-gram codes fill [offset, offset + 37^n). */
const CHAR_OFFSET: number[] = [0];
for (let n = 1; n < MAX_CHAR_N; n++) CHAR_OFFSET.push((CHAR_OFFSET[n - 1] as number) + CHAR_BASE ** n);

function charDigit(code: number): number {
  if (code >= 97 && code <= 122) return code - 96; // a-z -> 1..26
  if (code >= 48 && code <= 57) return code - 21; // 0-9 -> 27..36
  return 0; // space (words only contain a-z, 0-9)
}

/** The int32 code of a character n-gram (1 <= n <= MAX_CHAR_N), unique over all lengths. */
export function charGramCode(gram: string): number {
  let v = 0;
  for (let i = 0; i < gram.length; i++) v = v * CHAR_BASE + charDigit(gram.charCodeAt(i));
  return (CHAR_OFFSET[gram.length - 1] as number) + v;
}

/**
 * Character n-grams of " word word " (words after spelling and lexicon, unstemmed) as
 * int32 codes (see charGramCode) -> count. No substring is allocated.
 */
export function charFeatures(n: NormalizedText, minN: number, maxN: number): Map<number, number> {
  if (minN < 1 || maxN > MAX_CHAR_N || minN > maxN) throw new Error(`char n-grams must be within 1..${MAX_CHAR_N}`);
  const text = ' ' + n.words.join(' ') + ' ';
  const out = new Map<number, number>();
  for (let len = minN; len <= maxN; len++) {
    const offset = CHAR_OFFSET[len - 1] as number;
    for (let i = 0; i + len <= text.length; i++) {
      let v = 0;
      for (let j = i; j < i + len; j++) v = v * CHAR_BASE + charDigit(text.charCodeAt(j));
      const code = offset + v;
      out.set(code, (out.get(code) ?? 0) + 1);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------- helpers

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

function softmaxInPlace(scores: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, (scores[i] as number) * temperature);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const e = Math.exp((scores[i] as number) * temperature - max);
    scores[i] = e;
    sum += e;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) / sum;
  return scores;
}

export function toBase64(a: Float32Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}
function bytesOf(s: string): Buffer {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('bad base64 array');
  return bytes;
}
export function base64ToF32(s: string): Float32Array {
  const bytes = bytesOf(s);
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
export function base64ToI32(s: string): Int32Array {
  const bytes = bytesOf(s);
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

// ---------------------------------------------------------------------------- serialized model

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

// ---------------------------------------------------------------------------- training

export interface TrainOptions {
  config?: Partial<ModelConfig>;
}

/** MODEL_VERSION plus a hash of the configuration: what calibration.json was chosen for. */
export function modelFingerprint(config: Partial<ModelConfig> = {}): string {
  return `${MODEL_VERSION}:${sha256(JSON.stringify(mergeConfig(config))).slice(0, 12)}`;
}

function mergeConfig(partial?: Partial<ModelConfig>): ModelConfig {
  return {
    ...DEFAULT_CONFIG,
    ...partial,
    weights: { ...DEFAULT_CONFIG.weights, ...(partial?.weights ?? {}) },
  };
}


/**
 * Fills the counts of a natural BayesClassifier whose documents were added with
 * addDocument(). Gives exactly what natural's train() gives (see the unit test), but
 * natural's train() first turns every document into a dense 0/1 vector over all features
 * with an indexOf loop (O(documents x features x tokens)); here we count directly.
 */
export function fillNaturalBayes(bayes: BayesClassifier): void {
  const position = new Map<string, number>();
  for (const f in bayes.features) position.set(f, position.size);
  const apparatus = bayes.classifier;
  for (let i = bayes.lastAdded; i < bayes.docs.length; i++) {
    const doc = bayes.docs[i] as { label: string; text: string[] };
    const label = doc.label;
    let counts = apparatus.classFeatures[label];
    if (!counts) {
      counts = apparatus.classFeatures[label] = {};
      apparatus.classTotals[label] = 1;
    }
    apparatus.totalExamples++;
    apparatus.classTotals[label] = (apparatus.classTotals[label] as number) + 1;
    for (const token of new Set(doc.text)) {
      const p = position.get(token) as number;
      counts[p] = counts[p] ? (counts[p] as number) + 1 : 1 + apparatus.smoothing;
    }
  }
  bayes.lastAdded = bayes.docs.length;
  apparatus.train();
}

/** Trains the three models and returns their serialized form. */
export function trainModel(data: TrainingData, lexicon: Lexicon, options: TrainOptions = {}): SerializedModel {
  const config = mergeConfig(options.config);
  if (data.examples.length === 0) throw new Error('no training examples');
  const present = new Set(data.examples.map((e) => e.intent));
  const intents = INTENT_IDS.filter((id) => present.has(id));
  const classIndex = new Map<IntentId, number>(intents.map((id, i) => [id, i]));
  const C = intents.length;

  const normalizer = Normalizer.fromTexts(lexicon, data.examples.map((e) => e.text));
  const docs = data.examples.map((e) => {
    const n = normalizer.normalize(e.text);
    return { n, label: classIndex.get(e.intent) as number, intent: e.intent, words: wordFeatures(n) };
  });

  // ---- nb: natural's BayesClassifier over unigram stems (token arrays: natural does not
  // re-tokenize or stem them).
  const bayes = new BayesClassifier(undefined, config.nbSmoothing);
  for (const d of docs) bayes.addDocument(wordFeatures(d.n, false), d.intent);
  fillNaturalBayes(bayes);
  const nb: Record<string, unknown> = {
    features: bayes.features,
    classifier: {
      classFeatures: bayes.classifier.classFeatures,
      classTotals: bayes.classifier.classTotals,
      totalExamples: bayes.classifier.totalExamples,
      smoothing: bayes.classifier.smoothing,
    },
    docs: [], // not needed to classify; keeps the cache small
    lastAdded: 0,
  };

  // ---- lr: softmax regression over stems + stem bigrams (each 1/sqrt(count)), AdaGrad.
  const lrFeatureIndex = new Map<string, number>();
  const lrDocs = docs.map((d) => ({
    idx: Int32Array.from(d.words, (f) => {
      let i = lrFeatureIndex.get(f);
      if (i === undefined) lrFeatureIndex.set(f, (i = lrFeatureIndex.size));
      return i;
    }),
    x: 1 / Math.sqrt(d.words.length),
    label: d.label,
  }));
  const F = lrFeatureIndex.size;
  const W = new Float64Array(F * C);
  const G = new Float64Array(F * C); // AdaGrad accumulators
  const bias = new Float64Array(C);
  const Gb = new Float64Array(C);
  const order = lrDocs.map((_, i) => i);
  const random = rng(config.seed);
  const z = new Float64Array(C);
  const activeClasses = new Int32Array(C);
  const eta = config.lrLearningRate;
  const l2 = config.lrL2;
  const minGradient = config.lrMinGradient;
  for (let epoch = 0; epoch < config.lrEpochs; epoch++) {
    shuffleInPlace(order, random);
    for (const di of order) {
      const d = lrDocs[di] as (typeof lrDocs)[number];
      const n = d.idx.length;
      const x = d.x;
      for (let c = 0; c < C; c++) z[c] = bias[c] as number;
      for (let j = 0; j < n; j++) {
        const base = (d.idx[j] as number) * C;
        for (let c = 0; c < C; c++) z[c] = (z[c] as number) + (W[base + c] as number) * x;
      }
      softmaxInPlace(z, 1);
      z[d.label] = (z[d.label] as number) - 1; // z is now the gradient of the loss wrt the logits
      for (let c = 0; c < C; c++) {
        const g = z[c] as number;
        Gb[c] = (Gb[c] as number) + g * g;
        bias[c] = (bias[c] as number) - (eta * g) / Math.sqrt((Gb[c] as number) + 1e-8);
      }
      // classes whose gradient is negligible are skipped (their update would be ~0)
      let active = 0;
      for (let c = 0; c < C; c++) {
        if (Math.abs(z[c] as number) >= minGradient) activeClasses[active++] = c;
      }
      for (let j = 0; j < n; j++) {
        const base = (d.idx[j] as number) * C;
        for (let a = 0; a < active; a++) {
          const c = activeClasses[a] as number;
          const k = base + c;
          const w = W[k] as number;
          const gk = (z[c] as number) * x + l2 * w;
          const acc = (G[k] as number) + gk * gk;
          G[k] = acc;
          W[k] = w - (eta * gk) / Math.sqrt(acc + 1e-8);
        }
      }
    }
  }

  // ---- char: TF-IDF (sublinear tf) vectors of every example, L2-normalised, stored as an
  // inverted index (gram -> examples).
  const N = docs.length;
  const docGrams = docs.map((d) => charFeatures(d.n, config.charMinN, config.charMaxN));
  const dfOf = new Map<number, number>();
  for (const g of docGrams) for (const code of g.keys()) dfOf.set(code, (dfOf.get(code) ?? 0) + 1);
  const maxDf = Math.max(1, Math.floor(config.charMaxDf * N));
  const gramCodes: number[] = [];
  for (const [code, df] of dfOf) if (df <= maxDf) gramCodes.push(code);
  gramCodes.sort((a, b) => a - b);
  const gramIndex = new Map<number, number>(gramCodes.map((code, i) => [code, i]));
  const idf = Float32Array.from(gramCodes, (code) => Math.log((1 + N) / (1 + (dfOf.get(code) as number))) + 1);
  const offsets = new Int32Array(gramCodes.length + 1);
  gramCodes.forEach((code, i) => (offsets[i + 1] = (offsets[i] as number) + (dfOf.get(code) as number)));
  const postDocs = new Int32Array(offsets[gramCodes.length] as number);
  const postWeights = new Float32Array(offsets[gramCodes.length] as number);
  const fill = offsets.slice(0, gramCodes.length);
  const keptIndex = new Int32Array(4096);
  const keptWeight = new Float64Array(4096);
  docGrams.forEach((g, di) => {
    let kept = 0;
    let norm = 0;
    for (const [code, count] of g) {
      const gi = gramIndex.get(code);
      if (gi === undefined || kept === keptIndex.length) continue;
      const w = (1 + Math.log(count)) * (idf[gi] as number);
      keptIndex[kept] = gi;
      keptWeight[kept++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < kept; j++) {
      const gi = keptIndex[j] as number;
      const at = fill[gi] as number;
      fill[gi] = at + 1;
      postDocs[at] = di;
      postWeights[at] = (keptWeight[j] as number) / norm;
    }
  });

  return {
    version: MODEL_VERSION,
    dataHash: trainingDataHash(data),
    lexiconHash: lexiconHash(lexicon),
    config,
    intents,
    vocabulary: [...normalizer.vocabulary().entries()],
    typos: [...normalizer.typos.entries()],
    lexicon: [...lexicon.entries].map(([canonical, variants]) => [canonical, [...variants]]),
    nb,
    lr: {
      features: [...lrFeatureIndex.keys()],
      weights: toBase64(Float32Array.from(W)),
      bias: toBase64(Float32Array.from(bias)),
    },
    char: {
      grams: toBase64(Int32Array.from(gramCodes)),
      idf: toBase64(idf),
      labels: toBase64(Int32Array.from(docs, (d) => d.label)),
      offsets: toBase64(offsets),
      docs: toBase64(postDocs),
      weight: toBase64(postWeights),
    },
  };
}

// ---------------------------------------------------------------------------- runtime

export interface IntentClassifier {
  /** Every intent of CONTRACT §1, by confidence (desc); confidences sum to 1. */
  classify(text: string): IntentScore[];
}

export interface DetailedClassification {
  normalized: NormalizedText;
  ranking: IntentScore[];
  perModel: Record<ModelName, IntentScore[]>;
}

export interface TrainedIntentClassifier extends IntentClassifier {
  /** The ensemble ranking plus each model's own ranking. */
  classifyDetailed(text: string): DetailedClassification;
  /** JSON-safe form (what the cache stores). */
  serialize(): SerializedModel;
  readonly dataHash: string;
  /** natural's BayesClassifier as restored with BayesClassifier.restore(). */
  readonly naturalBayes: BayesClassifier;
  /** The normaliser the models were trained with. */
  readonly normalizer: Normalizer;
  /** log of natural's getClassifications() value per intent of the nb model (tests). */
  nbLogScores(text: string): Map<IntentId, number>;
  /** Builds the typo index now (otherwise built on the first unknown word, ~30 ms once). */
  warmUp(): void;
}

class EnsembleClassifier implements TrainedIntentClassifier {
  readonly dataHash: string;
  readonly naturalBayes: BayesClassifier;
  readonly normalizer: Normalizer;
  private readonly model: SerializedModel;
  private readonly config: ModelConfig;
  private readonly intents: IntentId[];
  private readonly missing: IntentId[];
  private readonly C: number;
  private readonly weights: [number, number, number];
  // nb
  private readonly nbPosition = new Map<string, number>();
  private readonly nbLogLikelihood: Float64Array[];
  private readonly nbLogPrior: Float64Array;
  // lr
  private readonly lrIndex = new Map<string, number>();
  private readonly lrWeights: Float32Array;
  private readonly lrBias: Float32Array;
  // char: inverted index gram -> examples
  private readonly charGram = new Map<number, number>();
  private readonly charIdf: Float32Array;
  private readonly charOffsets: Int32Array;
  private readonly charDocs: Int32Array;
  private readonly charWeights: Float32Array;
  private readonly charLabels: Int32Array;
  private readonly charSims: Float64Array;
  private readonly charTouched: Int32Array;

  constructor(model: SerializedModel, lexicon: Lexicon) {
    this.model = model;
    this.config = model.config;
    this.dataHash = model.dataHash;
    this.intents = model.intents;
    this.missing = INTENT_IDS.filter((id) => !model.intents.includes(id));
    this.C = model.intents.length;
    this.normalizer = new Normalizer(lexicon, new Map(model.vocabulary), model.typos);
    const w = MODEL_NAMES.map((m) => Math.max(0, model.config.weights[m]));
    const total = w.reduce((a, b) => a + b, 0) || 1;
    this.weights = w.map((x) => x / total) as [number, number, number];

    // nb: natural's restore() on a copy (restore() mutates its argument), then precompute
    // the log likelihoods natural's probabilityOfClass() sums.
    this.naturalBayes = BayesClassifier.restore(structuredClone(model.nb));
    for (const f in this.naturalBayes.features) this.nbPosition.set(f, this.nbPosition.size);
    const apparatus = this.naturalBayes.classifier;
    const V = this.nbPosition.size;
    this.nbLogPrior = new Float64Array(this.C);
    this.nbLogLikelihood = this.intents.map((intent, c) => {
      const classTotal = apparatus.classTotals[intent] ?? 1;
      this.nbLogPrior[c] = Math.log(classTotal / apparatus.totalExamples);
      const out = new Float64Array(V).fill(Math.log(apparatus.smoothing / classTotal));
      for (const [pos, count] of Object.entries(apparatus.classFeatures[intent] ?? {})) {
        out[Number(pos)] = Math.log(count / classTotal);
      }
      return out;
    });

    // lr
    model.lr.features.forEach((f, i) => this.lrIndex.set(f, i));
    this.lrWeights = base64ToF32(model.lr.weights);
    this.lrBias = base64ToF32(model.lr.bias);
    if (this.lrWeights.length !== model.lr.features.length * this.C || this.lrBias.length !== this.C) {
      throw new Error('lr model does not match its intents');
    }

    // char
    const gramCodes = base64ToI32(model.char.grams);
    gramCodes.forEach((code, i) => this.charGram.set(code, i));
    this.charIdf = base64ToF32(model.char.idf);
    this.charLabels = base64ToI32(model.char.labels);
    this.charOffsets = base64ToI32(model.char.offsets);
    this.charDocs = base64ToI32(model.char.docs);
    this.charWeights = base64ToF32(model.char.weight);
    if (
      this.charIdf.length !== gramCodes.length ||
      this.charOffsets.length !== gramCodes.length + 1 ||
      this.charDocs.length !== this.charWeights.length ||
      this.charDocs.length !== this.charOffsets[gramCodes.length]
    ) {
      throw new Error('char model is inconsistent');
    }
    this.charSims = new Float64Array(this.charLabels.length);
    this.charTouched = new Int32Array(this.charLabels.length);
  }

  serialize(): SerializedModel {
    return this.model;
  }

  warmUp(): void {
    this.normalizer.speller.warmUp();
  }

  private nbRaw(stems: string[]): Float64Array {
    const s = Float64Array.from(this.nbLogPrior);
    for (const f of stems) {
      const p = this.nbPosition.get(f);
      if (p === undefined) continue;
      for (let c = 0; c < this.C; c++) s[c] = (s[c] as number) + ((this.nbLogLikelihood[c] as Float64Array)[p] as number);
    }
    return s;
  }

  nbLogScores(text: string): Map<IntentId, number> {
    const raw = this.nbRaw(wordFeatures(this.normalizer.normalize(text), false));
    return new Map(this.intents.map((intent, c) => [intent, raw[c] as number]));
  }

  private lrProbabilities(features: string[]): Float64Array {
    const C = this.C;
    const z = Float64Array.from(this.lrBias);
    const x = 1 / Math.sqrt(features.length);
    for (const f of features) {
      const i = this.lrIndex.get(f);
      if (i === undefined) continue;
      const base = i * C;
      for (let c = 0; c < C; c++) z[c] = (z[c] as number) + (this.lrWeights[base + c] as number) * x;
    }
    return softmaxInPlace(z, 1);
  }

  private charProbabilities(n: NormalizedText): Float64Array {
    const { charMinN, charMaxN, charTemperature, charK } = this.config;
    const sims = this.charSims;
    const touched = this.charTouched;
    let touchedCount = 0;
    let norm = 0;
    const query: number[] = [];
    for (const [code, count] of charFeatures(n, charMinN, charMaxN)) {
      const g = this.charGram.get(code);
      if (g === undefined) continue; // unseen or too common: not part of the model
      const v = (1 + Math.log(count)) * (this.charIdf[g] as number);
      norm += v * v;
      query.push(g, v);
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < query.length; j += 2) {
      const g = query[j] as number;
      const q = (query[j + 1] as number) / norm;
      const end = this.charOffsets[g + 1] as number;
      for (let i = this.charOffsets[g] as number; i < end; i++) {
        const d = this.charDocs[i] as number;
        if (sims[d] === 0) touched[touchedCount++] = d;
        sims[d] = (sims[d] as number) + q * (this.charWeights[i] as number);
      }
    }
    // mean of the k best similarities per intent
    const best = new Float64Array(this.C * charK);
    for (let t = 0; t < touchedCount; t++) {
      const d = touched[t] as number;
      const sim = sims[d] as number;
      sims[d] = 0;
      const base = (this.charLabels[d] as number) * charK;
      if (sim <= (best[base + charK - 1] as number)) continue;
      let j = charK - 1;
      while (j > 0 && sim > (best[base + j - 1] as number)) {
        best[base + j] = best[base + j - 1] as number;
        j--;
      }
      best[base + j] = sim;
    }
    const s = new Float64Array(this.C);
    for (let c = 0; c < this.C; c++) {
      let sum = 0;
      for (let j = 0; j < charK; j++) sum += best[c * charK + j] as number;
      s[c] = sum / charK;
    }
    return softmaxInPlace(s, charTemperature);
  }

  private toRanking(p: Float64Array): IntentScore[] {
    const out: IntentScore[] = this.intents.map((intent, c) => ({ intent, confidence: p[c] as number }));
    for (const intent of this.missing) out.push({ intent, confidence: 0 });
    // ties: contract order, so rankings are deterministic
    return out.sort(
      (a, b) => b.confidence - a.confidence || INTENT_IDS.indexOf(a.intent) - INTENT_IDS.indexOf(b.intent),
    );
  }

  private distributions(text: string) {
    const normalized = this.normalizer.normalize(text);
    const nb = softmaxInPlace(this.nbRaw(wordFeatures(normalized, false)), this.config.nbTemperature);
    const lr = this.lrProbabilities(wordFeatures(normalized, true));
    const char = this.charProbabilities(normalized);
    const [wNb, wLr, wChar] = this.weights;
    const ensemble = new Float64Array(this.C);
    for (let c = 0; c < this.C; c++) {
      ensemble[c] = wNb * (nb[c] as number) + wLr * (lr[c] as number) + wChar * (char[c] as number);
    }
    return { normalized, nb, lr, char, ensemble };
  }

  classify(text: string): IntentScore[] {
    return this.toRanking(this.distributions(text).ensemble);
  }

  classifyDetailed(text: string): DetailedClassification {
    const d = this.distributions(text);
    return {
      normalized: d.normalized,
      ranking: this.toRanking(d.ensemble),
      perModel: { nb: this.toRanking(d.nb), lr: this.toRanking(d.lr), char: this.toRanking(d.char) },
    };
  }
}

/** Rebuilds a classifier from its serialized form (with the lexicon stored in it unless one is
 * given). Throws on a malformed model. */
export function restoreIntentClassifier(model: SerializedModel, lexicon?: Lexicon): TrainedIntentClassifier {
  if (model.version !== MODEL_VERSION) throw new Error(`model version ${model.version} is not ${MODEL_VERSION}`);
  return new EnsembleClassifier(model, lexicon ?? lexiconFromEntries(model.lexicon, model.lexiconHash));
}

/** Trains the ensemble (natural Bayes + softmax regression + char-gram kNN). */
export function trainIntentClassifier(
  data: TrainingData,
  lexicon: Lexicon,
  options: TrainOptions = {},
): TrainedIntentClassifier {
  return new EnsembleClassifier(trainModel(data, lexicon, options), lexicon);
}

// ---------------------------------------------------------------------------- cache

export interface LoadOptions {
  /** Directory with training.yaml, lexicon.yaml, calibration.json. Default knowledge/nlu. */
  dataDir?: string;
  /** Where model caches go. Default data/nlu-cache. Relative paths: from the package root. */
  cacheDir?: string;
  /** Extra training options (part of the cache key). */
  train?: TrainOptions;
  /** Build the typo index in the background right after loading (default true): the timer
   * is unref'd, so it never keeps a process alive. */
  warmUp?: boolean;
}

export interface LoadResult {
  classifier: TrainedIntentClassifier;
  source: 'cache' | 'trained';
  cacheFile: string;
  ms: number;
}

/**
 * Cache key: sha256 of the model version, the training options and the exact bytes of the
 * training and lexicon files, so a cache hit needs no YAML parsing (which alone costs more
 * than restoring). Any edit of either file gives a new key.
 */
export function cacheKey(trainingText: string, lexiconText: string, options: TrainOptions = {}): string {
  return sha256(JSON.stringify([MODEL_VERSION, mergeConfig(options.config), sha256(trainingText), sha256(lexiconText)]));
}

/**
 * Restores the classifier from `<cacheDir>/intent-model-<key>.json` (the Bayes model with
 * natural's BayesClassifier.restore()), or trains it and writes that file. The key is
 * cacheKey() of training.yaml and lexicon.yaml; the file also records trainingDataHash().
 * A missing, unreadable or corrupt cache is silently replaced; failing to write the cache is
 * ignored (the trained model is still returned); older cache files are removed.
 */
export function loadOrTrainClassifierDetailed(options: LoadOptions = {}): LoadResult {
  const result = loadOrTrain(options);
  if (options.warmUp ?? true) setTimeout(() => result.classifier.warmUp(), 0).unref();
  return result;
}

function loadOrTrain(options: LoadOptions): LoadResult {
  const start = performance.now();
  const dataDir = resolveFromRoot(options.dataDir ?? DEFAULT_DATA_DIR);
  const trainingFile = join(dataDir, TRAINING_FILE);
  const lexiconFile = join(dataDir, LEXICON_FILE);
  const trainingText = readFileSync(trainingFile, 'utf8');
  const lexiconText = readFileSync(lexiconFile, 'utf8');
  const cacheDir = resolveFromRoot(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const key = cacheKey(trainingText, lexiconText, options.train);
  const cacheFile = join(cacheDir, `intent-model-${key.slice(0, 32)}.json`);
  try {
    const model = readCacheFile(cacheFile) as (SerializedModel & { cacheKey?: string }) | null;
    if (model?.cacheKey === key) {
      const classifier = restoreIntentClassifier(model);
      classifier.classify('hello'); // a corrupt model fails here, not in a conversation
      return { classifier, source: 'cache', cacheFile, ms: performance.now() - start };
    }
  } catch {
    // corrupt or stale: retrain below
  }
  const data = parseTrainingData(trainingText, trainingFile);
  const lexicon = parseLexicon(lexiconText, lexiconFile);
  const classifier = trainIntentClassifier(data, lexicon, options.train);
  writeCacheFile(cacheDir, basename(cacheFile), { ...classifier.serialize(), cacheKey: key }, { prefix: 'intent-model-', keep: 1 });
  return { classifier, source: 'trained', cacheFile, ms: performance.now() - start };
}

/** loadOrTrainClassifierDetailed() returning only the classifier. */
export function loadOrTrainClassifier(options: LoadOptions = {}): TrainedIntentClassifier {
  return loadOrTrainClassifierDetailed(options).classifier;
}

// ---------------------------------------------------------------------------- evaluation

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
  const options: CrossValidateOptions =
    typeof seedOrOptions === 'number' ? { ...moreOptions, seed: seedOrOptions } : { ...moreOptions, ...seedOrOptions };
  const seed = options.seed ?? 1;
  const lexicon =
    options.lexicon ?? loadLexicon(join(resolveFromRoot(options.dataDir ?? DEFAULT_DATA_DIR), LEXICON_FILE));
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

// ---------------------------------------------------------------------------- calibration

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
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
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
export function applyCalibration(
  ranking: IntentScore[],
  calibration: Pick<Calibration, 'threshold' | 'margin'> = DEFAULT_CALIBRATION,
): CalibratedIntent {
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
