// Learned red-flag detector: features. Normalised stem unigrams + bigrams, concept tokens
// (knowledge/nlu/red-flag-concepts.yaml: "@seat_area", "@no_feeling" and pairs of concepts in
// one text, "@no_feeling+@seat_area") and character 3-4-grams, the word and character blocks
// each L2-normalised, over a vocabulary built from the training texts.

import { charFeatures, wordFeatures } from './features.js';
import { NEG_PREFIX, Normalizer, words as plainWords, type Lexicon } from './normalize.js';
import type { LearnedConfig } from './learnedCorpus.js';
import { buildPhraseIndex, phraseAt, type Phrase, type PhraseIndex } from './phraseIndex.js';

// ---------------------------------------------------------------------------- concepts

/**
 * Word lists that mean one thing to the detector (body areas, "cannot feel", bowel words in
 * every register...). A word of a list the corpus never used still lights the concept the
 * model learned from the words it did use: new slang reaches the model through the list.
 */
export interface ConceptIndex {
  /** the phrases by first word (the lexicon's index type: phraseIndex.ts), valued by concept */
  byFirst: PhraseIndex<string>;
  /** one-word entries ending "*": any word starting with the prefix */
  prefixes: { prefix: string; concept: string }[];
  entries: [string, string[]][];
}

export function buildConceptIndex(entries: [string, string[]][]): ConceptIndex {
  const phrases: Phrase<string>[] = [];
  const prefixes: ConceptIndex['prefixes'] = [];
  for (const [concept, list] of entries) {
    for (const phrase of list) {
      const ws = plainWords(phrase);
      if (ws.length === 0) continue;
      if (ws.length === 1 && phrase.trim().endsWith('*')) prefixes.push({ prefix: ws[0]!, concept });
      else phrases.push({ words: ws, value: concept });
    }
  }
  return { byFirst: buildPhraseIndex(phrases), prefixes, entries };
}

export const NO_CONCEPTS: ConceptIndex = buildConceptIndex([]);

/** "@concept" for every concept named in the text, and "@a+@b" for every pair of them. */
export function conceptFeatures(index: ConceptIndex, text: string): string[] {
  if (index.entries.length === 0) return [];
  const ws = plainWords(text);
  const found = new Set<string>();
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    for (const p of index.byFirst.get(w) ?? []) if (phraseAt(p, ws, i)) found.add(p.value);
    for (const p of index.prefixes) if (w.startsWith(p.prefix)) found.add(p.concept);
  }
  const names = [...found].sort();
  const out = names.map((n) => `@${n}`);
  for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) out.push(`@${names[a]}+@${names[b]}`);
  return out;
}

// ---------------------------------------------------------------------------- features

export interface Vectorizer {
  normalizer: Normalizer;
  concepts: ConceptIndex;
  wordIndex: Map<string, number>;
  charIndex: Map<number, number>;
  size: number;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export function rawFeatures(
  normalizer: Normalizer,
  text: string,
  config: LearnedConfig,
  concepts: ConceptIndex = NO_CONCEPTS,
): { words: string[]; chars: Map<number, number> } {
  const n = normalizer.normalize(text);
  // Character grams only of words outside a negation scope: "not suddenly" must not look like
  // "suddenly" (the stems carry it as NEG_suddenli instead).
  const stems = n.stems.filter((st) => st !== '?');
  const affirmed = stems.length === n.words.length ? n.words.filter((_, i) => !stems[i]!.startsWith(NEG_PREFIX)) : n.words;
  return { words: [...wordFeatures(n), ...conceptFeatures(concepts, text)], chars: charFeatures({ ...n, words: affirmed }, config.charMinN, config.charMaxN) };
}

export function vectorize(v: Vectorizer, text: string, config: LearnedConfig): SparseVector {
  const { words, chars } = rawFeatures(v.normalizer, text, config, v.concepts);
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

export function buildVectorizer(texts: string[], lexicon: Lexicon, config: LearnedConfig, concepts: ConceptIndex = NO_CONCEPTS): Vectorizer {
  const normalizer = Normalizer.fromTexts(lexicon, texts);
  const wordDf = new Map<string, number>();
  const charDf = new Map<number, number>();
  for (const t of texts) {
    const { words, chars } = rawFeatures(normalizer, t, config, concepts);
    for (const w of words) wordDf.set(w, (wordDf.get(w) ?? 0) + 1);
    for (const c of chars.keys()) charDf.set(c, (charDf.get(c) ?? 0) + 1);
  }
  const wordIndex = new Map<string, number>();
  let size = 0;
  for (const [w, df] of [...wordDf].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (df >= config.minDf) wordIndex.set(w, size++);
  const charIndex = new Map<number, number>();
  for (const [c, df] of [...charDf].sort((a, b) => a[0] - b[0])) if (df >= config.minDf) charIndex.set(c, size++);
  return { normalizer, concepts, wordIndex, charIndex, size };
}

/** Sentences as the learned detector scores them (a long message is also scored whole). */
export function splitForScoring(text: string): string[] {
  return text
    .split(/(?<=[.!?;\n])\s*|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z0-9]/i.test(s));
}
