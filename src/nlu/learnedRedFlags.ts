// Learned red-flag detector: one binary classifier per warning sign (the boolean evidence ids
// of CONTRACT §2) and one for `crisis`, trained on the paraphrase corpus in
// knowledge/nlu/red-flag-corpus/<sign>.yaml. It stands beside the pattern detector
// (redFlagDetector.ts), whose lists do not generalise to words nobody wrote a pattern for.
//
//   features  the intent classifier's normalisation (spelling, lexicon concepts, stems with
//             negation marks: normalize.ts) -> stem unigrams + bigrams (wordFeatures) and
//             character 3-5-grams (charFeatures), each block L2-normalised; features seen in
//             fewer than MIN_DF training texts are dropped;
//   model     L2 logistic regression per sign, all signs in one AdaGrad SGD pass per epoch
//             (multi-label: a text may be a positive of several signs), positives weighted
//             up so that ~170 positives are not drowned by ~7000 negatives;
//   negatives for sign S: every other sign's positives, every near miss of every file, the
//             utterances of knowledge/nlu/training.yaml except redflag.report, and answers
//             to the bot's questions (answerNegatives: yes/no words, ages, durations);
//   answers   messages with fewer than MIN_CONTENT_WORDS words that are not answer words
//             ("about three weeks", "I'm 52", "not really") are left to the patterns;
//   calibration  Platt scaling of the out-of-fold logits (k-fold cross-validation) and two
//             thresholds per sign chosen on them: `possible` (a confirming question; out-of-
//             fold recall ~1.0) and `sure` (urgent advice; few out-of-fold false alarms).
//             `backline train red-flags` writes them, with the numbers they were chosen on,
//             to knowledge/nlu/red-flag-model.json (see redFlagTraining.ts).
//
// Training is deterministic. loadOrTrainLearnedRedFlags() restores the weights from
// <NLU_CACHE_DIR>/red-flag-model-<key>.json, key = hash of the corpus, training.yaml, the
// lexicon, the config and MODEL_VERSION, or trains (about a second) and writes that file.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RED_FLAG_IDS, type RedFlagId } from '../contract.js';
import { base64ToF32, rng, shuffleInPlace, toBase64 } from './numeric.js';
import { charFeatures, wordFeatures } from './features.js';
import { parseTrainingData } from './trainingData.js';
import { resolveFromRoot, LEXICON_FILE, TRAINING_FILE } from './dataFiles.js';
import { sha256 } from '../util/hash.js';
import { lexiconFromEntries, NEG_PREFIX, Normalizer, parseLexicon, type Lexicon } from './normalize.js';

/** What the learned detector scores: the 17 warning signs, then crisis. */
export const LEARNED_SIGNS = [...RED_FLAG_IDS, 'crisis'] as const;
export type LearnedSign = (typeof LEARNED_SIGNS)[number];

export const CORPUS_DIR = 'red-flag-corpus';
export const THRESHOLDS_FILE = 'red-flag-model.json';
/** Bump when features or training change: invalidates caches and red-flag-model.json. */
export const MODEL_VERSION = 'backline-red-flag-lr-7';

export interface LearnedConfig {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Positives count this many times a negative (before the square root of the class ratio). */
  positiveWeightCap: number;
  charMinN: number;
  charMaxN: number;
  /** A feature must occur in at least this many training texts. */
  minDf: number;
  /** Weight of the character block against the word block. */
  charWeight: number;
  seed: number;
}

export const DEFAULT_LEARNED_CONFIG: LearnedConfig = {
  epochs: 8,
  learningRate: 0.4,
  l2: 1e-5,
  positiveWeightCap: 8,
  charMinN: 3,
  charMaxN: 4,
  minDf: 2,
  charWeight: 1,
  seed: 11,
};

// ---------------------------------------------------------------------------- corpus

const corpusFileSchema = z.object({
  sign: z.enum(LEARNED_SIGNS),
  positives: z.array(z.union([z.string(), z.number()]).transform((v) => String(v).trim())).min(1),
  near_misses: z
    .array(z.object({ text: z.union([z.string(), z.number()]).transform((v) => String(v).trim()), kind: z.string().min(1) }))
    .default([]),
});

export interface CorpusFile {
  sign: LearnedSign;
  positives: string[];
  nearMisses: { text: string; kind: string }[];
}

export interface CorpusSources {
  /** [file name, text] of every corpus file, sorted by name. */
  corpus: [string, string][];
  training: string;
  lexicon: string;
  /** answer-words.yaml ("" when absent): its yes/no/unsure words are negatives. */
  answers: string;
}

export const ANSWER_WORDS_FILE = 'answer-words.yaml';
/**
 * Messages with fewer content words are left to the patterns: a classifier has too little to
 * go on, and answers to the bot's questions ("about three weeks", "I'm 52", "not really") are
 * made only of answer words (answerWords) and numbers.
 */
export const MIN_CONTENT_WORDS = 3;

const ANSWER_FILLERS = [
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'carry', 'continue', 'back', 'menu', 'start', 'over', 'again',
  'about', 'around', 'roughly', 'approximately', 'approx', 'or', 'so', 'just', 'over', 'under', 'nearly', 'almost', 'i', 'im', 'am',
  'is', 'its', 'it', 'years', 'year', 'yr', 'yrs', 'old', 'since', 'for', 'a', 'an', 'the', 'couple', 'few', 'several', 'some', 'maybe',
  'think', 'not', 'sure', 'really', 'than', 'more', 'less', 'ago', 'now', 'and', 'half', 'ish', 'of', 'like', 'been', 'be', 'say', 'id',
  'week', 'weeks', 'day', 'days', 'month', 'months', 'wk', 'wks', 'fortnight', 'fortnights', 'today', 'yesterday', 'this', 'that',
];

/** Words an answer to the bot's questions is made of (plus numbers): yes/no/unsure words, number words, age and duration words. */
export function answerWords(answerWordsYaml: string): string[] {
  const words = new Set(ANSWER_FILLERS);
  try {
    const raw = (parseYaml(answerWordsYaml) ?? {}) as {
      yes_no?: unknown;
      numbers?: { words?: unknown };
      age?: { cues?: unknown; not_age_units?: unknown; decades?: unknown };
      choice?: { filler?: unknown; from_end?: unknown; from_start?: unknown; ignore_ordinals?: unknown };
    };
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const w of v.toLowerCase().replace(/'/g, '').split(/[^a-z0-9]+/)) if (w) words.add(w);
      } else if (Array.isArray(v)) {
        v.forEach(collect);
      } else if (v && typeof v === 'object') {
        Object.keys(v).forEach(collect);
        Object.values(v).forEach(collect);
      }
    };
    collect(raw.yes_no);
    collect(raw.numbers?.words);
    collect(raw.age?.cues);
    collect(raw.age?.not_age_units);
    collect(raw.age?.decades);
    // Picking a button by words: "the last one", "the second one", "carry on".
    collect(raw.choice?.filler);
    collect(raw.choice?.from_end);
    collect(raw.choice?.from_start);
    collect(raw.choice?.ignore_ordinals);
  } catch {
    // a broken file is reported by `backline check`
  }
  // Words that report something are never answer words ("no control", "no sensation").
  for (const w of ['feel', 'feeling', 'sensation', 'control', 'strength', 'power', 'numb', 'pee', 'wee', 'bladder', 'bowel', 'bowels']) words.delete(w);
  return [...words].sort();
}

/** Reads the corpus files, training.yaml and lexicon.yaml of a knowledge/nlu directory. */
export function readCorpusSources(dataDir: string): CorpusSources {
  const dir = resolveFromRoot(dataDir);
  const corpusDir = join(dir, CORPUS_DIR);
  const names = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => f.endsWith('.yaml')).sort() : [];
  return {
    corpus: names.map((n) => [n, readFileSync(join(corpusDir, n), 'utf8')]),
    training: readFileSync(join(dir, TRAINING_FILE), 'utf8'),
    lexicon: readFileSync(join(dir, LEXICON_FILE), 'utf8'),
    answers: existsSync(join(dir, ANSWER_WORDS_FILE)) ? readFileSync(join(dir, ANSWER_WORDS_FILE), 'utf8') : '',
  };
}

/**
 * Answers to the bot's questions, which every message of the questionnaire is: the yes/no/
 * unsure words of answer-words.yaml, and ages and durations as people type them. Without
 * them the classifiers never see a short answer and guess wildly on "not really" or "i am 40".
 */
export function answerNegatives(answerWordsYaml: string): string[] {
  const out: string[] = [];
  try {
    const raw = (parseYaml(answerWordsYaml) ?? {}) as { yes_no?: Record<string, unknown> };
    const collect = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(raw.yes_no ?? {});
  } catch {
    // a broken file is reported by `backline check`; the negatives below still apply
  }
  const base = ['yes', 'yeah', 'yep', 'yes i do', 'yeah i think so', 'not sure', 'maybe', 'no', 'nope', 'nah', 'not really', 'n', 'no i dont', 'i dont think so', 'dont know'];
  const numbers = ['one', 'two', 'three', 'four', 'six', 'ten', 'twenty', 'forty', 'fifty two', 'sixty'];
  for (const age of [19, 34, 40, 41, 52, 67, 78]) out.push(`I'm ${age}`, `${age} years old`, `i am ${age}`, `${age}`);
  for (const n of [1, 2, 3, 6, 8, 12]) out.push(`about ${n} weeks`, `${n} weeks or so`, `${n} days`, `about ${n} days`, `${n} months`, `since ${n} weeks`);
  for (const n of numbers) out.push(`about ${n} weeks`, `I'm ${n}`, `${n} days`, `${n} weeks or so`);
  return [...base, ...out].filter((t) => !/\b(feel|feeling|sensation|control|strength|power|numb|pee|wee|bladder|bowel)/i.test(t));
}

/** sha256 of the corpus files (names and bytes): what red-flag-model.json was chosen on. */
export function corpusHash(sources: CorpusSources): string {
  return sha256(JSON.stringify([MODEL_VERSION, sources.corpus, sha256(sources.training), sha256(sources.lexicon), sha256(sources.answers)]));
}

/** Parses and checks the corpus files. Throws naming the file on a problem. */
export function parseCorpus(sources: CorpusSources): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const [name, text] of sources.corpus) {
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (error) {
      throw new Error(`${CORPUS_DIR}/${name}: not valid YAML: ${(error as Error).message}`);
    }
    const parsed = corpusFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${CORPUS_DIR}/${name}: ${issue.path.join('.')}: ${issue.message}`);
    }
    if (`${parsed.data.sign}.yaml` !== name) throw new Error(`${CORPUS_DIR}/${name}: sign "${parsed.data.sign}" does not match the file name`);
    files.push({
      sign: parsed.data.sign,
      positives: parsed.data.positives.filter((t) => t !== ''),
      nearMisses: parsed.data.near_misses.filter((n) => n.text !== ''),
    });
  }
  return files;
}

/** One training text: the signs it is a positive of (none: a negative for all). */
export interface LabelledText {
  text: string;
  signs: LearnedSign[];
  /** Where it comes from: `positive:<sign>`, `near_miss:<sign>:<kind>` or `intent:<id>`. */
  source: string;
}

/** Positives, near misses and the non-red-flag intent utterances, deduplicated (a positive wins). */
export function buildTrainingSet(files: CorpusFile[], trainingYaml: string, answers: readonly string[] = []): LabelledText[] {
  const byText = new Map<string, LabelledText>();
  const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const f of files) {
    for (const text of f.positives) {
      const k = key(text);
      const known = byText.get(k);
      if (!known) byText.set(k, { text, signs: [f.sign], source: `positive:${f.sign}` });
      else if (!known.signs.includes(f.sign)) {
        known.signs.push(f.sign);
        if (!known.source.startsWith('positive:')) known.source = `positive:${f.sign}`;
      }
    }
  }
  for (const f of files) {
    for (const n of f.nearMisses) {
      const k = key(n.text);
      if (!byText.has(k)) byText.set(k, { text: n.text, signs: [], source: `near_miss:${f.sign}:${n.kind}` });
    }
  }
  for (const e of parseTrainingData(trainingYaml).examples) {
    if (e.intent === 'redflag.report') continue; // reports of some unnamed sign: neither positive nor negative
    const k = key(e.text);
    if (!byText.has(k)) byText.set(k, { text: e.text, signs: [], source: `intent:${e.intent}` });
  }
  for (const text of answers) {
    const k = key(text);
    if (!byText.has(k)) byText.set(k, { text, signs: [], source: 'answer:' });
  }
  return [...byText.values()];
}

// ---------------------------------------------------------------------------- features

interface Vectorizer {
  normalizer: Normalizer;
  wordIndex: Map<string, number>;
  charIndex: Map<number, number>;
  size: number;
}

interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

function rawFeatures(normalizer: Normalizer, text: string, config: LearnedConfig): { words: string[]; chars: Map<number, number> } {
  const n = normalizer.normalize(text);
  // Character grams only of words outside a negation scope: "not suddenly" must not look like
  // "suddenly" (the stems carry it as NEG_suddenli instead).
  const stems = n.stems.filter((st) => st !== '?');
  const affirmed = stems.length === n.words.length ? n.words.filter((_, i) => !stems[i]!.startsWith(NEG_PREFIX)) : n.words;
  return { words: wordFeatures(n), chars: charFeatures({ ...n, words: affirmed }, config.charMinN, config.charMaxN) };
}

function vectorize(v: Vectorizer, text: string, config: LearnedConfig): SparseVector {
  const { words, chars } = rawFeatures(v.normalizer, text, config);
  const idx: number[] = [];
  const val: number[] = [];
  let wordCount = 0;
  for (const w of words) {
    const i = v.wordIndex.get(w);
    if (i !== undefined) {
      idx.push(i);
      wordCount++;
    }
  }
  const wordValue = wordCount > 0 ? 1 / Math.sqrt(wordCount) : 0;
  for (let k = 0; k < wordCount; k++) val.push(wordValue);
  const charStart = idx.length;
  let norm = 0;
  for (const [code, count] of chars) {
    const i = v.charIndex.get(code);
    if (i === undefined) continue;
    const x = 1 + Math.log(count);
    idx.push(i);
    val.push(x);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = charStart; k < val.length; k++) val[k] = (config.charWeight * val[k]!) / norm;
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

function buildVectorizer(texts: string[], lexicon: Lexicon, config: LearnedConfig): Vectorizer {
  const normalizer = Normalizer.fromTexts(lexicon, texts);
  const wordDf = new Map<string, number>();
  const charDf = new Map<number, number>();
  for (const t of texts) {
    const { words, chars } = rawFeatures(normalizer, t, config);
    for (const w of words) wordDf.set(w, (wordDf.get(w) ?? 0) + 1);
    for (const c of chars.keys()) charDf.set(c, (charDf.get(c) ?? 0) + 1);
  }
  const wordIndex = new Map<string, number>();
  let size = 0;
  for (const [w, df] of [...wordDf].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (df >= config.minDf) wordIndex.set(w, size++);
  const charIndex = new Map<number, number>();
  for (const [c, df] of [...charDf].sort((a, b) => a[0] - b[0])) if (df >= config.minDf) charIndex.set(c, size++);
  return { normalizer, wordIndex, charIndex, size };
}

// ---------------------------------------------------------------------------- training

/** Weights of all signs: W[feature * S + sign], one bias per sign (raw logits, before Platt). */
interface Weights {
  W: Float32Array;
  bias: Float32Array;
}

const S = LEARNED_SIGNS.length;
const SIGN_INDEX = new Map<LearnedSign, number>(LEARNED_SIGNS.map((s, i) => [s, i]));

function sigmoid(z: number): number {
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
}

function mergeConfig(partial?: Partial<LearnedConfig>): LearnedConfig {
  return { ...DEFAULT_LEARNED_CONFIG, ...partial };
}

/** Trains on every text of the set (the model the bot runs). Deterministic. */
export function trainLearnedModel(
  set: LabelledText[],
  lexicon: Lexicon,
  hashes: { cacheKey: string; corpusHash: string },
  options: TrainLearnedOptions = {},
  answerWordList: readonly string[] = ANSWER_FILLERS,
): SerializedLearnedModel {
  const config = mergeConfig(options.config);
  const texts = set.map((t) => t.text);
  const v = buildVectorizer(texts, lexicon, config);
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
  const logits: Float64Array[] = set.map(() => new Float64Array(S));
  const labels = labelsOf(set);
  for (let fold = 0; fold < k; fold++) {
    const trainIdx = set.flatMap((_, i) => (folds[i] !== fold ? [i] : []));
    const v = buildVectorizer(trainIdx.map((i) => set[i]!.text), lexicon, config);
    const vectors = trainIdx.map((i) => vectorize(v, set[i]!.text, config));
    const weights = trainWeights(vectors, trainIdx.map((i) => labels[i]!), v.size, config);
    // Scored as the bot scores a message: the best of the whole text and each sentence.
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
  return { k, seed: config.seed, logits, folds };
}

// ---------------------------------------------------------------------------- thresholds file

const thresholdSchema = z.object({
  /** Platt scaling of the raw logit: p = sigmoid(a * logit + b). */
  a: z.number(),
  b: z.number(),
  possible: z.number().min(0).max(1),
  sure: z.number().min(0).max(1),
});
export type SignThresholds = z.infer<typeof thresholdSchema>;

const thresholdsFileSchema = z.object({
  version: z.string(),
  corpusHash: z.string(),
  signs: z.partialRecord(z.enum(LEARNED_SIGNS), thresholdSchema.passthrough()),
}).passthrough();

export interface LearnedThresholds {
  corpusHash: string | null;
  version: string | null;
  signs: Partial<Record<LearnedSign, SignThresholds>>;
}

/** Before the first `backline train red-flags`: raw probabilities, cautious thresholds. */
export const FALLBACK_THRESHOLDS: SignThresholds = { a: 1, b: 0, possible: 0.3, sure: 0.8 };

/** Reads knowledge/nlu/red-flag-model.json (absent or unreadable: no thresholds). */
export function loadLearnedThresholds(dataDir: string): LearnedThresholds {
  const file = join(resolveFromRoot(dataDir), THRESHOLDS_FILE);
  if (!existsSync(file)) return { corpusHash: null, version: null, signs: {} };
  const parsed = thresholdsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const signs: LearnedThresholds['signs'] = {};
  for (const [sign, t] of Object.entries(parsed.data.signs)) if (t) signs[sign as LearnedSign] = { a: t.a, b: t.b, possible: t.possible, sure: t.sure };
  return { corpusHash: parsed.data.corpusHash, version: parsed.data.version, signs };
}

// ---------------------------------------------------------------------------- runtime

export interface LearnedScore {
  sign: LearnedSign;
  /** Calibrated probability that the text reports the sign. */
  p: number;
  level: 'sure' | 'possible';
  /** Index of the sentence that scored highest (-1: the whole message). */
  sentence: number;
}

export interface LearnedRedFlagModel {
  readonly corpusHash: string;
  /** Are the thresholds the ones chosen on this corpus? */
  readonly thresholdsCurrent: boolean;
  readonly trained: readonly LearnedSign[];
  /** Calibrated probability of every sign for one text (LEARNED_SIGNS order). */
  probabilities(text: string): Float64Array;
  /**
   * Signs at or above their `possible` threshold in the message or in one of its sentences
   * (the sentence with the highest probability is named), most probable first.
   */
  detect(text: string): LearnedScore[];
  thresholds(sign: LearnedSign): SignThresholds;
  serialize(): SerializedLearnedModel;
}

/** Sentences as the learned detector scores them (a long message is also scored whole). */
export function splitForScoring(text: string): string[] {
  return text
    .split(/(?<=[.!?;\n])\s*|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z0-9]/i.test(s));
}

class LearnedModel implements LearnedRedFlagModel {
  readonly corpusHash: string;
  readonly thresholdsCurrent: boolean;
  readonly trained: readonly LearnedSign[];
  private readonly config: LearnedConfig;
  private readonly v: Vectorizer;
  private readonly weights: Weights;
  private readonly t: SignThresholds[];
  private readonly active: Uint8Array;
  private readonly answerWords: ReadonlySet<string>;
  private readonly scratch = new Float64Array(S);

  constructor(
    private readonly model: SerializedLearnedModel,
    thresholds: LearnedThresholds,
  ) {
    this.corpusHash = model.corpusHash;
    this.config = model.config;
    this.trained = model.trained;
    const lexicon = lexiconFromEntries(model.lexicon, model.lexiconHash);
    const wordIndex = new Map(model.words.map((w, i) => [w, i]));
    const charIndex = new Map(model.chars.map((c, i) => [c, model.words.length + i]));
    this.v = { normalizer: new Normalizer(lexicon, new Map(model.vocabulary), model.typos), wordIndex, charIndex, size: model.words.length + model.chars.length };
    this.weights = { W: base64ToF32(model.weights), bias: base64ToF32(model.bias) };
    if (this.weights.W.length !== this.v.size * S || this.weights.bias.length !== S) throw new Error('red-flag model: weights do not fit the features');
    this.thresholdsCurrent = thresholds.corpusHash === model.corpusHash;
    this.t = LEARNED_SIGNS.map((s) => thresholds.signs[s] ?? FALLBACK_THRESHOLDS);
    this.active = Uint8Array.from(LEARNED_SIGNS, (s) => (model.trained.includes(s) ? 1 : 0));
    this.answerWords = new Set(model.answerWords);
  }

  thresholds(sign: LearnedSign): SignThresholds {
    return this.t[SIGN_INDEX.get(sign)!]!;
  }

  probabilities(text: string): Float64Array {
    const out = new Float64Array(S);
    this.score(text, out);
    return out;
  }

  private score(text: string, out: Float64Array): void {
    this.logits(text, out);
    for (let s = 0; s < S; s++) {
      const t = this.t[s]!;
      out[s] = this.active[s] ? sigmoid(t.a * out[s]! + t.b) : 0;
    }
  }

  detect(text: string): LearnedScore[] {
    let content = 0;
    const plain = text.toLowerCase().replace(/\S+@\S+|https?:\/\/\S+|www\.\S+/g, ' ').replace(/['\u2019]/g, '');
    for (const w of plain.match(/[a-z0-9]+/g) ?? []) if (!this.answerWords.has(w) && !/^[0-9]+$/.test(w)) content++;
    if (content < MIN_CONTENT_WORDS) return [];
    const sentences = splitForScoring(text);
    const best = new Float64Array(S);
    const where = new Int32Array(S).fill(-1);
    const candidates = sentences.length > 1 ? [text, ...sentences] : [text];
    candidates.forEach((candidate, c) => {
      this.score(candidate, this.scratch);
      for (let s = 0; s < S; s++) {
        if (this.scratch[s]! > best[s]!) {
          best[s] = this.scratch[s]!;
          where[s] = c === 0 ? (sentences.length === 1 ? 0 : -1) : c - 1;
        }
      }
    });
    const out: LearnedScore[] = [];
    for (let s = 0; s < S; s++) {
      const t = this.t[s]!;
      const p = best[s]!;
      if (p >= t.possible) out.push({ sign: LEARNED_SIGNS[s]!, p, level: p >= t.sure ? 'sure' : 'possible', sentence: where[s]! });
    }
    return out.sort((a, b) => b.p - a.p);
  }

  serialize(): SerializedLearnedModel {
    return this.model;
  }

  // Scratch for logits(): detect() is synchronous, so one set is enough (fewer allocations,
  // fewer garbage-collection pauses on the hot path).
  private readonly idx = new Int32Array(4096);
  private readonly val = new Float64Array(4096);

  /** The raw logits of one text: vectorize() + logitsOf() without the intermediate arrays. */
  private logits(text: string, out: Float64Array): void {
    const { words, chars } = rawFeatures(this.v.normalizer, text, this.config);
    const { idx, val } = this;
    let n = 0;
    for (const w of words) {
      const i = this.v.wordIndex.get(w);
      if (i !== undefined && n < idx.length) idx[n++] = i;
    }
    const wordCount = n;
    const wordValue = wordCount > 0 ? 1 / Math.sqrt(wordCount) : 0;
    for (let k = 0; k < wordCount; k++) val[k] = wordValue;
    let norm = 0;
    for (const [code, count] of chars) {
      const i = this.v.charIndex.get(code);
      if (i === undefined || n >= idx.length) continue;
      const x = 1 + Math.log(count);
      idx[n] = i;
      val[n++] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    const scale = this.config.charWeight / norm;
    for (let k = wordCount; k < n; k++) val[k] = val[k]! * scale;
    const { W, bias } = this.weights;
    for (let s = 0; s < S; s++) out[s] = bias[s]!;
    for (let j = 0; j < n; j++) {
      const base = idx[j]! * S;
      const x = val[j]!;
      for (let s = 0; s < S; s++) out[s] = out[s]! + W[base + s]! * x;
    }
  }
}

export function restoreLearnedModel(model: SerializedLearnedModel, thresholds: LearnedThresholds): LearnedRedFlagModel {
  if (model.version !== MODEL_VERSION) throw new Error(`red-flag model: version ${model.version}, expected ${MODEL_VERSION}`);
  return new LearnedModel(model, thresholds);
}

// ---------------------------------------------------------------------------- cache

export interface LoadLearnedOptions {
  /** knowledge/nlu (corpus, training.yaml, lexicon.yaml, red-flag-model.json). */
  dataDir?: string;
  /** NLU_CACHE_DIR. Relative paths: from the package root. */
  cacheDir?: string;
  train?: TrainLearnedOptions;
}

export interface LoadLearnedResult {
  model: LearnedRedFlagModel;
  source: 'cache' | 'trained';
  cacheFile: string;
  ms: number;
}

export function learnedCacheKey(sources: CorpusSources, options: TrainLearnedOptions = {}): string {
  return sha256(JSON.stringify([MODEL_VERSION, mergeConfig(options.config), corpusHash(sources)]));
}

const CACHE_PREFIX = 'red-flag-model-';

/**
 * Restores the weights from `<cacheDir>/red-flag-model-<key>.json` or trains them and writes
 * that file (older ones are removed). A corrupt cache is replaced; a cache that cannot be
 * written is skipped. The thresholds always come from knowledge/nlu/red-flag-model.json.
 */
export function loadOrTrainLearnedRedFlags(options: LoadLearnedOptions = {}): LoadLearnedResult {
  const start = performance.now();
  const dataDir = options.dataDir ?? 'knowledge/nlu';
  const sources = readCorpusSources(dataDir);
  const thresholds = loadLearnedThresholds(dataDir);
  const key = learnedCacheKey(sources, options.train);
  const cacheDir = resolveFromRoot(options.cacheDir ?? 'data/nlu-cache');
  const cacheFile = join(cacheDir, `${CACHE_PREFIX}${key.slice(0, 32)}.json`);
  try {
    if (existsSync(cacheFile)) {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as SerializedLearnedModel;
      if (cached.cacheKey === key) {
        const model = restoreLearnedModel(cached, thresholds);
        model.detect('hello'); // a corrupt model fails here, not in a conversation
        return { model, source: 'cache', cacheFile, ms: performance.now() - start };
      }
    }
  } catch {
    // corrupt or stale: retrain below
  }
  const files = parseCorpus(sources);
  const lexicon = parseLexicon(sources.lexicon, LEXICON_FILE);
  const set = buildTrainingSet(files, sources.training, answerNegatives(sources.answers));
  const serialized = trainLearnedModel(set, lexicon, { cacheKey: key, corpusHash: corpusHash(sources) }, options.train, answerWords(sources.answers));
  const model = restoreLearnedModel(serialized, thresholds);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(serialized));
    renameSync(tmp, cacheFile);
    for (const f of readdirSync(cacheDir)) {
      if (f.startsWith(CACHE_PREFIX) && f.endsWith('.json') && join(cacheDir, f) !== cacheFile) {
        try {
          unlinkSync(join(cacheDir, f));
        } catch {
          /* another process may have removed it */
        }
      }
    }
  } catch {
    // read-only file system: keep going without a cache
  }
  return { model, source: 'trained', cacheFile, ms: performance.now() - start };
}

/** For tests: a RedFlagId of the learned signs (crisis is not a red flag). */
export function isWarningSign(sign: LearnedSign): sign is RedFlagId {
  return sign !== 'crisis';
}
