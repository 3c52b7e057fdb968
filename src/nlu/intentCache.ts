// Loads the intent classifier: restored from a JSON cache file when one matches the training
// and lexicon files byte for byte, trained (a few hundred ms) and cached otherwise.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { sha256 } from '../util/hash.js';
import { restoreIntentClassifier, trainIntentClassifier, type TrainedIntentClassifier } from './classifier.js';
import { DEFAULT_CACHE_DIR, DEFAULT_DATA_DIR, LEXICON_FILE, resolveFromRoot, TRAINING_FILE } from './dataFiles.js';
import { mergeConfig, MODEL_VERSION, type SerializedModel, type TrainOptions } from './intentModel.js';
import { parseLexicon } from './normalize.js';
import { parseTrainingData } from './trainingData.js';

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
