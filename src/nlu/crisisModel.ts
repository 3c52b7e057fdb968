// The learned crisis gate: one logistic regression (crisis or not) trained on the crisis writing
// rounds, a second detector beside the crisis patterns (crisis.ts). Patterns chase wordings; the
// gate reads words, stems, character n-grams (misspellings, joined words) and the concepts of
// knowledge/nlu/crisis-concepts.yaml (self-harm verbs, means, intent, finality...), so a wording
// nobody wrote a pattern for can still reach it.
//
//   rounds     knowledge/nlu/red-flag-corpus/crisis*.yaml and knowledge/nlu/crisis-corpus/crisis*.yaml:
//              one file per writing round (crisis.yaml is round "base", crisis.s4.yaml "s4"...);
//              positives are crisis messages, near misses (idioms, medicine questions...) negatives;
//   negatives  also every other sign's corpus texts (red-flag-corpus), the intent utterances of
//              training.yaml (except redflag.report) and the answer negatives;
//   reading    the message as the crisis patterns read it (crisis.ts `readable`: normalised, slang
//              rewritten, the file's idioms blanked), in training and at run time alike;
//   features   the learned red-flag detector's (learnedFeatures.ts) with the crisis concepts;
//   scoring    the best of each sentence and each two neighbouring sentences (scoredParts);
//   threshold  chosen leave-one-round-out (scripts/crisis-rounds.mjs --write): each round scored
//              by a gate trained without it. Written with its numbers to knowledge/nlu/crisis-model.json.
//
// The weights are trained at load (deterministic; about ten seconds of CPU) and cached in
// <NLU_CACHE_DIR>/crisis-model-<key>.json, key = hash of everything they are trained on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { sha256 } from '../util/hash.js';
import { LEXICON_FILE, resolveFromRoot } from './dataFiles.js';
import {
  CORPUS_DIR,
  corpusHash,
  DEFAULT_LEARNED_CONFIG,
  answerNegatives,
  answerWords,
  buildTrainingSet,
  parseConcepts,
  parseCorpus,
  parseLearnedAnswers,
  readCorpusSources,
  type LearnedConfig,
} from './learnedCorpus.js';
import { buildConceptIndex, buildVectorizer, splitForScoring, vectorize, type SparseVector, type Vectorizer } from './learnedFeatures.js';
import { lexiconFromEntries, Normalizer, parseLexicon } from './normalize.js';
import { base64ToF32, rng, shuffleInPlace, toBase64 } from './numeric.js';

/** Bump when features or training change: invalidates caches and crisis-model.json. */
export const CRISIS_MODEL_VERSION = 'backline-crisis-lr-2';
/** Crisis rounds the gate trains on that the red-flag model does not (yet). */
export const CRISIS_CORPUS_DIR = 'crisis-corpus';
export const CRISIS_CONCEPTS_FILE = 'crisis-concepts.yaml';
export const CRISIS_MODEL_FILE = 'crisis-model.json';

/** A message (or, as read, a sentence) of fewer words is left to the patterns ("kms", "i wish ,"). */
const MIN_WORDS = 3;

export interface CrisisGateConfig extends LearnedConfig {
  /** Weight of a crisis round's near miss (an idiom, a medicine question) against another negative. */
  nearMissWeight: number;
}

export const DEFAULT_CRISIS_CONFIG: CrisisGateConfig = { ...DEFAULT_LEARNED_CONFIG, epochs: 10, nearMissWeight: 3 };

/** One writing round: crisis.yaml is "base", crisis.s7.yaml "s7". */
export interface CrisisRound {
  name: string;
  file: string;
  positives: string[];
  nearMisses: { text: string; kind: string }[];
}

export interface CrisisSources {
  rounds: CrisisRound[];
  /** Texts that are never crisis: other signs' corpus texts, intent utterances, answers. */
  negatives: string[];
  lexicon: string;
  concepts: string;
}

const roundFileSchema = z.object({
  sign: z.literal('crisis'),
  positives: z.array(z.union([z.string(), z.number()]).transform((v) => String(v).trim())).min(1),
  near_misses: z.array(z.object({ text: z.union([z.string(), z.number()]).transform((v) => String(v).trim()), kind: z.string().min(1) })).default([]),
});

export function roundName(file: string): string {
  const part = file.split('.').slice(1, -1).join('.');
  return part === '' ? 'base' : part;
}

/** The crisis rounds of `dataDir` (red-flag-corpus and crisis-corpus), the other negatives, the lexicon and concepts. */
export function readCrisisSources(dataDir: string): CrisisSources {
  const dir = resolveFromRoot(dataDir);
  const rounds: CrisisRound[] = [];
  for (const sub of [CORPUS_DIR, CRISIS_CORPUS_DIR]) {
    const where = join(dir, sub);
    if (!existsSync(where)) continue;
    for (const file of readdirSync(where)
      .filter((f) => /^crisis(\.[a-z0-9_-]+)?\.yaml$/.test(f))
      .sort()) {
      const parsed = roundFileSchema.safeParse(parseYaml(readFileSync(join(where, file), 'utf8')));
      if (!parsed.success) throw new Error(`${sub}/${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      const name = roundName(file);
      if (rounds.some((r) => r.name === name)) throw new Error(`${sub}/${file}: round "${name}" is in two directories`);
      rounds.push({
        name,
        file: `${sub}/${file}`,
        positives: parsed.data.positives.filter(Boolean),
        nearMisses: parsed.data.near_misses.filter((n) => n.text),
      });
    }
  }
  // Everything the red-flag model trains on that is not a crisis text is a negative here.
  const red = readCorpusSources(dataDir);
  const others = parseCorpus({ ...red, corpus: red.corpus.filter(([name]) => !name.startsWith('crisis')) });
  const learnedAnswers = parseLearnedAnswers(red.learnedAnswers);
  const set = buildTrainingSet(others, red.training, answerNegatives(red.answers, learnedAnswers));
  return {
    rounds,
    negatives: set.map((t) => t.text),
    lexicon: readFileSync(join(dir, LEXICON_FILE), 'utf8'),
    concepts: existsSync(join(dir, CRISIS_CONCEPTS_FILE)) ? readFileSync(join(dir, CRISIS_CONCEPTS_FILE), 'utf8') : '',
  };
}

/** Words an answer is made of (answer-words.yaml): a message of only these is left to the patterns. */
function answerWordsOf(dataDir: string): string[] {
  const red = readCorpusSources(dataDir);
  return answerWords(red.answers, parseLearnedAnswers(red.learnedAnswers));
}

/** How the gate reads a message (the crisis detector's `readable`) and the hash of what that depends on. */
export interface CrisisReading {
  read(text: string): string;
  hash: string;
}

/**
 * The key of everything the gate is trained on, from the files' bytes (no parsing: restoring a
 * cached gate at start-up stays cheap): the red-flag corpus and what else the red-flag model reads
 * (corpusHash), the crisis-corpus rounds, the concepts, the reading and the config.
 */
export function crisisCacheKey(dataDir: string, reading: CrisisReading, config: CrisisGateConfig = DEFAULT_CRISIS_CONFIG): string {
  const dir = join(resolveFromRoot(dataDir), CRISIS_CORPUS_DIR);
  const crisisFiles = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')])
    : [];
  const conceptsFile = join(resolveFromRoot(dataDir), CRISIS_CONCEPTS_FILE);
  const concepts = existsSync(conceptsFile) ? readFileSync(conceptsFile, 'utf8') : '';
  return sha256(JSON.stringify([CRISIS_MODEL_VERSION, config, corpusHash(readCorpusSources(dataDir)), crisisFiles, sha256(concepts), reading.hash]));
}

// ---------------------------------------------------------------------------- training

interface Example {
  text: string;
  crisis: boolean;
  weight: number;
}

function examplesOf(sources: CrisisSources, config: CrisisGateConfig, without: readonly string[] = []): Example[] {
  const seen = new Map<string, Example>();
  const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const round of sources.rounds) {
    if (without.includes(round.name)) continue;
    for (const text of round.positives) seen.set(key(text), { text, crisis: true, weight: 1 });
  }
  for (const round of sources.rounds) {
    if (without.includes(round.name)) continue;
    for (const n of round.nearMisses) if (!seen.has(key(n.text))) seen.set(key(n.text), { text: n.text, crisis: false, weight: config.nearMissWeight });
  }
  for (const text of sources.negatives) if (!seen.has(key(text))) seen.set(key(text), { text, crisis: false, weight: 1 });
  return [...seen.values()];
}

export interface SerializedCrisisModel {
  version: string;
  cacheKey: string;
  config: CrisisGateConfig;
  vocabulary: [string, number][];
  typos: [string, string][];
  lexicon: [string, string[]][];
  lexiconHash: string;
  concepts: [string, string[]][];
  words: string[];
  chars: number[];
  answerWords: string[];
  weights: string;
  bias: number;
}

function trainBinary(vectors: SparseVector[], examples: Example[], size: number, config: CrisisGateConfig): { W: Float64Array; bias: number } {
  const W = new Float64Array(size);
  const G = new Float64Array(size);
  let bias = 0;
  let Gb = 0;
  const positives = examples.filter((e) => e.crisis).length;
  const posWeight = positives === 0 ? 1 : Math.min(config.positiveWeightCap, Math.sqrt((examples.length - positives) / positives));
  const order = examples.map((_, i) => i);
  const random = rng(config.seed);
  const eta = config.learningRate;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const d of order) {
      const { idx, val } = vectors[d]!;
      const e = examples[d]!;
      let z = bias;
      for (let j = 0; j < idx.length; j++) z += W[idx[j]!]! * val[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const grad = e.crisis ? (p - 1) * posWeight : p * e.weight;
      Gb += grad * grad;
      bias -= (eta * grad) / Math.sqrt(Gb + 1e-8);
      for (let j = 0; j < idx.length; j++) {
        const k = idx[j]!;
        const gk = grad * val[j]! + config.l2 * W[k]!;
        if (gk === 0) continue;
        G[k] = G[k]! + gk * gk;
        W[k] = W[k]! - (eta * gk) / Math.sqrt(G[k]! + 1e-8);
      }
    }
  }
  return { W, bias };
}

/** Trains the gate on every round (but `without`, when given) and the other negatives. Deterministic. */
export function trainCrisisModel(
  sources: CrisisSources,
  answerWordList: readonly string[],
  reading: CrisisReading,
  /** `without`: rounds left out (leave-one-round-out, or the rounds written after a point in time). */
  options: { without?: readonly string[]; config?: Partial<CrisisGateConfig>; cacheKey?: string } = {},
): SerializedCrisisModel {
  const config = { ...DEFAULT_CRISIS_CONFIG, ...options.config };
  const examples = examplesOf(sources, config, options.without).map((e) => ({ ...e, text: reading.read(e.text) }));
  const lexicon = parseLexicon(sources.lexicon, LEXICON_FILE);
  const concepts = parseConcepts(sources.concepts, CRISIS_CONCEPTS_FILE);
  const v = buildVectorizer(
    examples.map((e) => e.text),
    lexicon,
    config,
    buildConceptIndex(concepts),
  );
  const vectors = examples.map((e) => vectorize(v, e.text, config));
  const { W, bias } = trainBinary(vectors, examples, v.size, config);
  return {
    version: CRISIS_MODEL_VERSION,
    cacheKey: (options.cacheKey ?? '') + (options.without?.length ? `-without-${options.without.join('-')}` : ''),
    config,
    vocabulary: [...v.normalizer.vocabulary().entries()],
    typos: [...v.normalizer.typos.entries()],
    lexicon: [...lexicon.entries].map(([c, vs]) => [c, [...vs]]),
    lexiconHash: lexicon.hash,
    concepts,
    words: [...v.wordIndex.keys()],
    chars: [...v.charIndex.keys()],
    answerWords: [...answerWordList],
    weights: toBase64(Float32Array.from(W)),
    bias,
  };
}

// ---------------------------------------------------------------------------- scoring

export interface CrisisModel {
  /** The crisis probability of the message: the best of its sentences and sentence pairs (0 for an answer). */
  probability(text: string): number;
  /** At or above this the gate's hit counts (crisis-model.json). */
  readonly threshold: number;
  /** Was the threshold chosen on this corpus? */
  readonly thresholdCurrent: boolean;
}

/**
 * The parts of a (read) message the gate scores, the best counting: each sentence and each two
 * neighbouring sentences (a meaning split over two, "suicidal again. this pain has taken
 * everything"), not the whole of a longer message. Measured leave-one-round-out (session 10,
 * crisis-rounds.mjs on the rounds of then): whole message and sentences 684/944 held-out crisis
 * messages, sentences only 681, sentences and pairs 687, false alarms 2/850 for each (with the new
 * round, before its fixes: 643, 639, 646 of 984); the whole of a long message dilutes its
 * crisis sentence more often than it joins one.
 */
export function scoredParts(read: string): string[] {
  const sentences = splitForScoring(read);
  if (sentences.length < 2) return [read];
  return [...sentences, ...sentences.slice(1).map((s, i) => `${sentences[i]!} ${s}`)];
}

export function restoreCrisisModel(
  model: SerializedCrisisModel,
  reading: CrisisReading,
  threshold: { value: number; corpusHash: string | null } = { value: 0.5, corpusHash: null },
): CrisisModel {
  if (model.version !== CRISIS_MODEL_VERSION) throw new Error(`crisis model: version ${model.version}, expected ${CRISIS_MODEL_VERSION}`);
  const lexicon = lexiconFromEntries(model.lexicon, model.lexiconHash);
  const v: Vectorizer = {
    normalizer: new Normalizer(lexicon, new Map(model.vocabulary), model.typos),
    concepts: buildConceptIndex(model.concepts),
    wordIndex: new Map(model.words.map((w, i) => [w, i])),
    charIndex: new Map(model.chars.map((c, i) => [c, model.words.length + i])),
    size: model.words.length + model.chars.length,
  };
  const W = base64ToF32(model.weights);
  if (W.length !== v.size) throw new Error('crisis model: weights do not fit the features');
  const answers = new Set(model.answerWords);
  const logit = (text: string): number => {
    const x = vectorize(v, text, model.config);
    let z = model.bias;
    for (let j = 0; j < x.idx.length; j++) z += W[x.idx[j]!]! * x.val[j]!;
    return z;
  };
  return {
    threshold: threshold.value,
    thresholdCurrent: threshold.corpusHash === model.cacheKey,
    probability(text) {
      const plain = text
        .toLowerCase()
        .replace(/\S+@\S+|https?:\/\/\S+|www\.\S+/g, ' ')
        .replace(/['\u2019]/g, '');
      // An answer to the bot's questions ("no", "about 3 weeks") is left to the patterns; "i want
      // to die" (one word that is not an answer word) is read.
      if (!(plain.match(/[a-z0-9]+/g) ?? []).some((w) => !answers.has(w) && !/^[0-9]+$/.test(w))) return 0;
      // Read as the patterns read it; a part left with fewer than MIN_WORDS words (an idiom
      // blanked: "i wish this pain would just disappear" reads "i wish ,") is not scored.
      const read = reading.read(text.slice(0, 4000));
      let best = -Infinity;
      for (const part of scoredParts(read)) if ((part.match(/[a-z0-9]+/g) ?? []).length >= MIN_WORDS) best = Math.max(best, logit(part));
      return best === -Infinity ? 0 : 1 / (1 + Math.exp(-best));
    },
  };
}

// ---------------------------------------------------------------------------- threshold file and cache

const thresholdFileSchema = z
  .object({
    version: z.string(),
    /** The cache key (sources and config) the threshold was chosen on. */
    corpusHash: z.string(),
    threshold: z.number().min(0).max(1),
  })
  .passthrough();

/** knowledge/nlu/crisis-model.json (absent: a cautious 0.9, never current). */
export function loadCrisisThreshold(dataDir: string): { value: number; corpusHash: string | null } {
  const file = join(resolveFromRoot(dataDir), CRISIS_MODEL_FILE);
  if (!existsSync(file)) return { value: 0.9, corpusHash: null };
  const parsed = thresholdFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return { value: parsed.data.threshold, corpusHash: parsed.data.version === CRISIS_MODEL_VERSION ? parsed.data.corpusHash : null };
}

const CACHE_PREFIX = 'crisis-model-';

/** Restores the gate from the cache or trains it (and writes the cache, older ones removed). */
export function loadOrTrainCrisisModel(options: { reading: CrisisReading; dataDir?: string; cacheDir?: string }): {
  model: CrisisModel;
  source: 'cache' | 'trained';
} {
  const dataDir = options.dataDir ?? 'knowledge/nlu';
  const { reading } = options;
  const key = crisisCacheKey(dataDir, reading);
  const threshold = loadCrisisThreshold(dataDir);
  const cacheDir = resolveFromRoot(options.cacheDir ?? 'data/nlu-cache');
  const cacheFile = join(cacheDir, `${CACHE_PREFIX}${key.slice(0, 32)}.json`);
  try {
    const cached = readCacheFile(cacheFile) as SerializedCrisisModel | null;
    if (cached?.cacheKey === key) {
      const model = restoreCrisisModel(cached, reading, threshold);
      model.probability('hello there friend'); // a corrupt model fails here, not in a conversation
      return { model, source: 'cache' };
    }
  } catch {
    // corrupt or stale: retrain below
  }
  const serialized = trainCrisisModel(readCrisisSources(dataDir), answerWordsOf(dataDir), reading, { cacheKey: key });
  const model = restoreCrisisModel(serialized, reading, threshold);
  // Best effort (a read-only install runs without the cache); older files of this cache are pruned.
  writeCacheFile(cacheDir, basename(cacheFile), serialized, { prefix: CACHE_PREFIX, keep: 1 });
  return { model, source: 'trained' };
}

export { answerWordsOf as crisisAnswerWords };
