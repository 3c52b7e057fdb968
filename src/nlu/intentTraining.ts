// Trains the three models of the intent ensemble (see classifier.ts) from the training data
// and returns their serialized form. Deterministic for a given seed.
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { INTENT_IDS, type IntentId } from '../contract.js';
import { charFeatures, wordFeatures } from './features.js';
import { mergeConfig, MODEL_VERSION, type SerializedModel, type TrainOptions } from './intentModel.js';
import { Normalizer, type Lexicon } from './normalize.js';
import { rng, shuffleInPlace, softmaxInPlace, toBase64 } from './numeric.js';
import { lexiconHash, trainingDataHash, type TrainingData } from './trainingData.js';

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

  const normalizer = Normalizer.fromTexts(
    lexicon,
    data.examples.map((e) => e.text),
  );
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
