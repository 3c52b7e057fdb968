// Learned red-flag detector: features. Normalised stem unigrams + bigrams and character
// 3-5-grams, each block L2-normalised, over a vocabulary built from the training texts.

import { charFeatures, wordFeatures } from './features.js';
import { NEG_PREFIX, Normalizer, type Lexicon } from './normalize.js';
import type { LearnedConfig } from './learnedCorpus.js';

// ---------------------------------------------------------------------------- features

export interface Vectorizer {
  normalizer: Normalizer;
  wordIndex: Map<string, number>;
  charIndex: Map<number, number>;
  size: number;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export function rawFeatures(normalizer: Normalizer, text: string, config: LearnedConfig): { words: string[]; chars: Map<number, number> } {
  const n = normalizer.normalize(text);
  // Character grams only of words outside a negation scope: "not suddenly" must not look like
  // "suddenly" (the stems carry it as NEG_suddenli instead).
  const stems = n.stems.filter((st) => st !== '?');
  const affirmed = stems.length === n.words.length ? n.words.filter((_, i) => !stems[i]!.startsWith(NEG_PREFIX)) : n.words;
  return { words: wordFeatures(n), chars: charFeatures({ ...n, words: affirmed }, config.charMinN, config.charMaxN) };
}

export function vectorize(v: Vectorizer, text: string, config: LearnedConfig): SparseVector {
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

export function buildVectorizer(texts: string[], lexicon: Lexicon, config: LearnedConfig): Vectorizer {
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

/** Sentences as the learned detector scores them (a long message is also scored whole). */
export function splitForScoring(text: string): string[] {
  return text
    .split(/(?<=[.!?;\n])\s*|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z0-9]/i.test(s));
}
