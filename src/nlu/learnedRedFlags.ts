// Learned red-flag detector: one binary classifier per warning sign (the boolean evidence ids
// of CONTRACT §2), trained on the paraphrase corpus in
// knowledge/nlu/red-flag-corpus/<sign>.yaml (and <sign>.<part>.yaml: later rounds). It stands beside the pattern detector
// (redFlagDetector.ts), whose lists do not generalise to words nobody wrote a pattern for.
//
//   features  the intent classifier's normalisation (spelling, lexicon concepts, stems with
//             negation marks: normalize.ts) -> stem unigrams + bigrams (wordFeatures) and
//             character 3-5-grams (charFeatures), each block L2-normalised; features seen in
//             fewer than MIN_DF training texts are dropped;
//   model     L2 logistic regression per sign, all signs in one AdaGrad SGD pass per epoch
//             (multi-label: a text may be a positive of several signs), positives weighted
//             up so that ~170 positives are not drowned by ~7000 negatives;
//   negatives for sign S: every other sign's positives, the crisis files' texts (crisis itself
//             is the crisis gate's: crisisModel.ts), every near miss of every file, the
//             utterances of knowledge/nlu/training.yaml except redflag.report, and answers
//             to the bot's questions (answerNegatives: yes/no words, ages, durations of
//             knowledge/nlu/answer-words.yaml and learned-answers.yaml);
//   answers   messages with fewer than MIN_CONTENT_WORDS words that are not answer words
//             ("about three weeks", "I'm 52", "not really") are left to the patterns;
//   calibration  Platt scaling of the out-of-fold logits (k-fold cross-validation) and two
//             thresholds per sign chosen on them: `possible` (a confirming question; out-of-
//             fold recall ~1.0) and `sure` (urgent advice; few out-of-fold false alarms).
//             `backline train red-flags` writes them, with the numbers they were chosen on,
//             to knowledge/nlu/red-flag-model.json (see redFlagTraining.ts).
//             A sign's `possible` threshold chosen on held-out writing rounds (new writers,
//             not k-fold) in knowledge/nlu/red-flag-heldout-thresholds.yaml replaces the k-fold
//             one (scripts/cross-round.mjs --thresholds writes it; it only ever lowers one).
//
// Training is deterministic. loadOrTrainLearnedRedFlags() restores the weights from
// <NLU_CACHE_DIR>/red-flag-model-<key>.json, key = hash of the corpus, training.yaml, the
// lexicon, the config and MODEL_VERSION, or trains (about a second) and writes that file.
//
// This file holds loading (restore from the cache or train) and re-exports the rest, split by
// job: learnedCorpus.ts (signs, config, corpus and training set), learnedFeatures.ts (the
// vectorizer), learnedTraining.ts (weights, training, cross-validation), learnedScoring.ts
// (the thresholds file and the restored model that scores texts).

import { basename, join } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { resolveFromRoot, LEXICON_FILE } from './dataFiles.js';
import { sha256 } from '../util/hash.js';
import { parseLexicon } from './normalize.js';
import {
  type CorpusSources,
  LEARNED_SIGNS,
  MODEL_VERSION,
  answerNegatives,
  answerWords,
  buildTrainingSet,
  detectorSkippedKinds,
  corpusHash,
  parseCorpus,
  parseConcepts,
  parseLearnedAnswers,
  readCorpusSources,
} from './learnedCorpus.js';
import { type SerializedLearnedModel, type TrainLearnedOptions, mergeConfig, trainLearnedModel } from './learnedTraining.js';
import { type LearnedRedFlagModel, loadLearnedThresholds, restoreLearnedModel } from './learnedScoring.js';

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

// The signs scored are in the key (not in MODEL_VERSION, which is part of corpusHash and so of
// the crisis gate's and the thresholds files' keys): dropping crisis changed the weights' shape only.
export function learnedCacheKey(sources: CorpusSources, options: TrainLearnedOptions = {}): string {
  return sha256(JSON.stringify([MODEL_VERSION, LEARNED_SIGNS, mergeConfig(options.config), corpusHash(sources)]));
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
  const cached = readCacheFile(cacheFile) as SerializedLearnedModel | null;
  try {
    if (cached?.cacheKey === key) {
      const model = restoreLearnedModel(cached, thresholds);
      model.detect('hello'); // a corrupt model fails here, not in a conversation
      return { model, source: 'cache', cacheFile, ms: performance.now() - start };
    }
  } catch {
    // corrupt or stale: retrain below
  }
  const files = parseCorpus(sources);
  const lexicon = parseLexicon(sources.lexicon, LEXICON_FILE);
  const learnedAnswers = parseLearnedAnswers(sources.learnedAnswers);
  const set = buildTrainingSet(files, sources.training, answerNegatives(sources.answers, learnedAnswers), { skipNearMissKinds: detectorSkippedKinds() });
  const serialized = trainLearnedModel(set, lexicon, { cacheKey: key, corpusHash: corpusHash(sources) }, answerWords(sources.answers, learnedAnswers), {
    ...options.train,
    concepts: parseConcepts(sources.concepts),
  });
  const model = restoreLearnedModel(serialized, thresholds);
  // Best effort (a read-only install runs without the cache); older files of this cache are pruned.
  writeCacheFile(cacheDir, basename(cacheFile), serialized, { prefix: CACHE_PREFIX, keep: 1 });
  return { model, source: 'trained', cacheFile, ms: performance.now() - start };
}

export {
  ANSWER_WORDS_FILE,
  CORPUS_DIR,
  LEARNED_ANSWERS_FILE,
  CONCEPTS_FILE,
  parseConcepts,
  DEFAULT_LEARNED_CONFIG,
  LEARNED_SIGNS,
  NEGATIVE_ONLY_SIGNS,
  MIN_CONTENT_WORDS,
  MODEL_VERSION,
  THRESHOLDS_FILE,
  answerNegatives,
  answerWords,
  buildTrainingSet,
  detectorSkippedKinds,
  corpusHash,
  parseCorpus,
  parseLearnedAnswers,
  readCorpusSources,
} from './learnedCorpus.js';
export type { CorpusFile, CorpusSign, CorpusSources, LabelledText, LearnedAnswers, LearnedConfig, LearnedSign } from './learnedCorpus.js';
export { splitForScoring } from './learnedFeatures.js';
export { crossValidateLearned, trainLearnedModel } from './learnedTraining.js';
export type { OutOfFoldScores, SerializedLearnedModel, TrainLearnedOptions } from './learnedTraining.js';
export { FALLBACK_THRESHOLDS, loadLearnedThresholds, restoreLearnedModel } from './learnedScoring.js';
export type { LearnedRedFlagModel, LearnedScore, LearnedThresholds, SignThresholds } from './learnedScoring.js';
