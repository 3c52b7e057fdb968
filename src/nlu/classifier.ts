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
// This file is the runtime: the ensemble built from a serialized model. Its neighbours:
//   intentModel.ts        settings and the serialized form    intentTraining.ts  training
//   intentCache.ts        load from the cache, or train       trainingData.ts    training.yaml
//   intentCalibration.ts  out-of-scope threshold and ambiguity margin (applyCalibration)
//   features.ts           word and character n-gram features  numeric.ts        rng, softmax, base64
// Cross-validation and the choice of the calibration are tooling: src/eval/.

import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { INTENT_IDS, type IntentId } from '../contract.js';
import { charFeatures, wordFeatures } from './features.js';
import { MODEL_NAMES, MODEL_VERSION, type ModelConfig, type ModelName, type SerializedModel, type TrainOptions } from './intentModel.js';
import { trainModel } from './intentTraining.js';
import { lexiconFromEntries, Normalizer, type Lexicon, type NormalizedText } from './normalize.js';
import { base64ToF32, base64ToI32, softmaxInPlace } from './numeric.js';
import type { TrainingData } from './trainingData.js';
import type { IntentScore } from './types.js';

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
    return out.sort((a, b) => b.confidence - a.confidence || INTENT_IDS.indexOf(a.intent) - INTENT_IDS.indexOf(b.intent));
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
export function trainIntentClassifier(data: TrainingData, lexicon: Lexicon, options: TrainOptions = {}): TrainedIntentClassifier {
  return new EnsembleClassifier(trainModel(data, lexicon, options), lexicon);
}
