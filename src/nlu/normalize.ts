// Text normalisation for the intent classifier.
//
// Pipeline (normalize()):
//   1. lowercase, Unicode NFKD with accents dropped, curly quotes -> ', apostrophes removed
//      inside words ("can't" -> "cant"), runs of 3+ identical letters cut to 2 ("heyyy" -> "heyy");
//   2. tokenization into words, numbers and the punctuation marks . , ; : ! ? (punctuation is
//      kept only to end negation scopes and to block lexicon phrases from spanning it);
//   3. typo correction of words (5+ letters) not in the training vocabulary: candidates from a
//      SymSpell-style deletion index, ranked by a bounded edit distance and confirmed with
//      natural's DamerauLevenshteinDistance; every answer cached in a Map;
//   4. lexicon substitution (knowledge/nlu/lexicon.yaml: lay terms, brands, slang,
//      British/American spellings -> canonical words; longest match, one pass);
//   5. Porter stemming (natural's PorterStemmer, Map cache) and negation marking: up to
//      NEGATION_WINDOW words after "no/not/never/without/nor" get the NEG_PREFIX, so
//      "no numbness" does not look like "numbness".
// Stop words are KEPT: "not", "what", "why", "should", "both", "my", "me" carry intent.
//
// Only natural sub-modules are imported (never the package root, which loads database
// clients and runs dotenv).

import { buildPhraseIndex, longestPhraseAt, type PhraseIndex } from './phraseIndex.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import naturalDistance from 'natural/lib/natural/distance/levenshtein_distance.js';

/** Prefix of a stem inside a negation scope ("no numbness" -> "not", "NEG_numb"). */
export const NEG_PREFIX = 'NEG_';
/** How many words after a negator are marked. */
export const NEGATION_WINDOW = 3;
/** Words that open a negation scope. ("cannot" is deliberately absent: "I cannot feel my
 * legs" reports a loss, it does not deny a symptom.) */
const NEGATORS = new Set(['no', 'not', 'never', 'without', 'nor', 'neither', 'none']);
/** Words and punctuation that close a negation scope. */
const SCOPE_BREAKERS = new Set([
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  'but',
  'just',
  'only',
  'and',
  'though',
  'although',
  'however',
  'except',
  'apart',
  'yet',
  'still',
  'so',
]);
const PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?']);

// ---------------------------------------------------------------------------- tokenizing

/** Lowercase, strip accents and apostrophes, collapse letter runs. No tokenization. */
export function cleanText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u02bc`\u00b4]/g, "'")
    .replace(/'/g, '')
    .replace(/([a-z])\1{2,}/g, '$1$1');
}

const TOKEN_RE = /[a-z0-9]+|[.,;:!?]/g;

/** Words, numbers and the punctuation marks . , ; : ! ? in order. */
export function tokenize(text: string): string[] {
  return cleanText(text).match(TOKEN_RE) ?? [];
}

/** Words and numbers only (no punctuation). */
export function words(text: string): string[] {
  return tokenize(text).filter((t) => !PUNCTUATION.has(t));
}

// ---------------------------------------------------------------------------- stemming

const stemCache = new Map<string, string>();

/** Porter stem of one lowercase word (cached). Numbers are returned unchanged. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[0-9]+$/.test(word) ? word : PorterStemmer.stem(word);
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

// ---------------------------------------------------------------------------- lexicon

export interface Lexicon {
  /** canonical form -> variants, as written in the file */
  entries: ReadonlyMap<string, readonly string[]>;
  /** first word of a variant -> {variant words, replacement words}, longest variant first */
  readonly index: PhraseIndex<readonly string[]>;
  /** every word that occurs in a variant or a canonical form (part of the spelling vocabulary) */
  readonly vocabulary: ReadonlySet<string>;
  /** sha256 (hex) of the text the lexicon was parsed from (identifies it in caches) */
  readonly hash: string;
}

/** YAML "plain" scalars that are plain strings for every YAML parser: no indicator at the
 * start, no ": " / " #", nothing that could be a number, boolean or null. */
export function isSafePlainScalar(value: string, inFlow = false): boolean {
  if (value === '' || value !== value.trim()) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value)) return false;
  if (/: |:$| #|\t/.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  if (/^[-+.]?[0-9]/.test(value) || /^\.(inf|nan)$/i.test(value)) return false;
  if (/^(true|false|null|~)$/i.test(value)) return false; // yes/no/on/off are strings in YAML 1.2
  return true;
}

/**
 * The lexicon file in its usual shape (comments and `canonical: [a, b, 'c']` lines) parsed
 * without the YAML library, which takes tens of ms on it; undefined for anything else (the
 * caller then uses the YAML parser). A unit test checks both give the same result.
 */
export function parseSimpleLexiconYaml(text: string): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^([a-z][a-z0-9 ]*[a-z0-9]|[a-z]): \[(.*)\]$/.exec(line);
    if (!m) return undefined;
    const key = m[1] as string;
    if (!isSafePlainScalar(key) || Object.prototype.hasOwnProperty.call(out, key)) return undefined;
    const body = (m[2] as string).trim();
    const items: string[] = [];
    if (body !== '') {
      for (const part of body.split(',')) {
        const item = part.trim();
        const quoted = /^'([^']*)'$/.exec(item);
        if (quoted) items.push(quoted[1] as string);
        else if (isSafePlainScalar(item, true)) items.push(item);
        else return undefined;
      }
    }
    out[key] = items;
  }
  return out;
}

/** Builds a lexicon from YAML text (`canonical: [variants]`). Throws naming `origin` on bad input. */
export function parseLexicon(yamlText: string, origin = 'lexicon.yaml'): Lexicon {
  let raw: unknown = parseSimpleLexiconYaml(yamlText);
  if (raw === undefined) {
    try {
      raw = parseYaml(yamlText);
    } catch (e) {
      throw new Error(`${origin}: invalid YAML: ${(e as Error).message}`, { cause: e });
    }
  }
  const hash = createHash('sha256').update(yamlText).digest('hex');
  if (raw === null || raw === undefined) return buildLexicon(new Map(), hash);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`${origin}: expected a map "canonical form: [variants]"`);
  }
  const entries = new Map<string, string[]>();
  for (const [canonical, variants] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(variants)) {
      throw new Error(`${origin}: "${canonical}" must map to a list of variants`);
    }
    entries.set(
      canonical,
      variants.map((v) => {
        if (typeof v !== 'string' && typeof v !== 'number') {
          throw new Error(`${origin}: "${canonical}" has a variant that is not text`);
        }
        return String(v);
      }),
    );
  }
  return buildLexicon(entries, hash, origin);
}

/** Rebuilds a lexicon from its entries (e.g. stored in a model cache) without YAML. */
export function lexiconFromEntries(entries: Iterable<[string, string[]]>, hash: string): Lexicon {
  return buildLexicon(new Map(entries), hash);
}

function buildLexicon(entries: Map<string, string[]>, hash: string, origin = 'lexicon'): Lexicon {
  const byVariant = new Map<string, { words: string[]; replacement: string[]; canonical: string }>();
  const vocabulary = new Set<string>();
  for (const [canonical, variants] of entries) {
    const replacement = words(canonical);
    if (replacement.length === 0) throw new Error(`${origin}: empty canonical form "${canonical}"`);
    for (const w of replacement) vocabulary.add(w);
    for (const variant of [canonical, ...variants]) {
      const vw = words(variant);
      if (vw.length === 0) continue;
      const key = vw.join(' ');
      const previous = byVariant.get(key);
      if (previous && previous.canonical !== canonical) {
        throw new Error(`${origin}: "${variant}" is listed under both "${previous.canonical}" and "${canonical}"`);
      }
      byVariant.set(key, { words: vw, replacement, canonical });
      for (const w of vw) vocabulary.add(w);
    }
  }
  const index = buildPhraseIndex([...byVariant.values()].map(({ words: vw, replacement }) => ({ words: vw, value: replacement })));
  return { entries, index, vocabulary, hash };
}

/** Reads a lexicon file. */
export function loadLexicon(file: string): Lexicon {
  return parseLexicon(readFileSync(file, 'utf8'), file);
}

/** An empty lexicon (no substitutions). */
/** Applies the lexicon to a token list (longest match, one pass). Punctuation never matches. */
export function applyLexicon(tokens: readonly string[], lexicon: Lexicon): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const found = longestPhraseAt(lexicon.index, tokens, i);
    if (found) {
      for (const r of found.value) out.push(r);
      i += found.words.length;
      continue;
    }
    out.push(tokens[i]!);
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------- typo correction

/** A rare training word this close to a word seen this often is treated as a typo. */
export const TYPO_PRUNE_MIN_FREQUENCY = 5;

/** Shortest word we try to correct; shorter words are too easily turned into other words. */
export const MIN_CORRECTABLE_LENGTH = 5;

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap adjacent letters),
 * giving up as soon as it must exceed `max` (returns max + 1). A fast pre-filter for
 * natural's DamerauLevenshteinDistance(..., { restricted: true }), which confirms the winner.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  let prev2 = new Int32Array(m + 1);
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[m] as number, max + 1);
}

function maxEditsFor(length: number): number {
  if (length < MIN_CORRECTABLE_LENGTH) return 0;
  return length >= 8 ? 2 : 1;
}

/** All strings obtained from `word` by deleting 1..depth characters (depth 1 or 2). */
function deletes(word: string, depth: number, out: Set<string>): void {
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const d1 = word.slice(0, i) + word.slice(i + 1);
    out.add(d1);
    if (depth > 1) {
      for (let j = i; j < n - 1; j++) out.add(d1.slice(0, j) + d1.slice(j + 1));
    }
  }
}

/**
 * Corrects misspelled words against a vocabulary. Candidates come from a SymSpell-style
 * index of deletions; natural's Damerau-Levenshtein distance confirms them; ties go to the
 * more frequent word, then alphabetical order. Every answer is cached, so a repeated word
 * costs one Map lookup.
 */
export class SpellCorrector {
  private readonly frequency: Map<string, number>;
  private readonly deletionIndex = new Map<string, string[]>();
  private indexed = false;
  private readonly cache = new Map<string, string>();
  private readonly known = new Map<string, string>();

  /** The deletion index is built on the first unknown word (or by warmUp()), so training,
   * whose words are all known, never pays for it. */
  constructor(vocabulary: ReadonlyMap<string, number>) {
    this.frequency = new Map(vocabulary);
  }

  /** Builds the deletion index now (a few tens of ms) instead of on the first typo. */
  warmUp(): void {
    if (this.indexed) return;
    this.indexed = true;
    for (const word of this.frequency.keys()) this.index(word);
  }

  /** Adds a word's deletions to the index. A word within 2 edits of a correctable query
   * (5+ letters, 2 edits only from 8 letters) has at least 4 letters, and needs depth 2
   * only from 6 letters. */
  private index(word: string): void {
    if (word.length < MIN_CORRECTABLE_LENGTH - 1 || /[0-9]/.test(word)) return;
    const ds = new Set<string>([word]);
    deletes(word, word.length >= 6 ? 2 : 1, ds);
    for (const d of ds) {
      const list = this.deletionIndex.get(d);
      if (list) list.push(word);
      else this.deletionIndex.set(d, [word]);
    }
  }

  frequencyOf(word: string): number {
    return this.frequency.get(word) ?? 0;
  }

  has(word: string): boolean {
    return this.frequency.has(word);
  }

  words(): IterableIterator<string> {
    return this.frequency.keys();
  }

  vocabulary(): Map<string, number> {
    return new Map(this.frequency);
  }

  /** Presets the correction of a word (used for typos found in the training texts, whose
   * corrections are known without the deletion index). */
  remember(word: string, correction: string): void {
    this.known.set(word, correction);
  }

  /** The corrected word, or the word itself when it is known or nothing is close enough. */
  correct(word: string): string {
    const cached = this.cache.get(word) ?? this.known.get(word);
    if (cached !== undefined) return cached;
    const result = this.lookup(word);
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }

  private lookup(word: string): string {
    if (this.frequency.has(word)) return word;
    return this.nearest(word, maxEditsFor(word.length), 1) ?? word;
  }

  /** The best known word other than `word` within `maxEdits` whose frequency is at least
   * `minFrequency`, or undefined. */
  nearest(word: string, maxEdits: number, minFrequency: number): string | undefined {
    if (maxEdits === 0 || /[0-9]/.test(word)) return undefined;
    this.warmUp();
    const probes = new Set<string>([word]);
    deletes(word, maxEdits, probes);
    let best: string | undefined;
    let bestDistance = maxEdits + 1;
    let bestFrequency = -1;
    const seen = new Set<string>();
    for (const probe of probes) {
      const list = this.deletionIndex.get(probe);
      if (!list) continue;
      for (const candidate of list) {
        if (seen.has(candidate) || candidate === word) continue;
        seen.add(candidate);
        const frequency = this.frequency.get(candidate) ?? 0;
        if (frequency < minFrequency) continue;
        const distance = boundedEditDistance(word, candidate, maxEdits);
        if (distance > maxEdits) continue;
        if (
          distance < bestDistance ||
          (distance === bestDistance && (frequency > bestFrequency || (frequency === bestFrequency && best !== undefined && candidate < best)))
        ) {
          best = candidate;
          bestDistance = distance;
          bestFrequency = frequency;
        }
      }
    }
    // natural's Damerau-Levenshtein (optimal string alignment) has the last word
    if (best !== undefined && naturalDistance.DamerauLevenshteinDistance(word, best, { restricted: true }) > maxEdits) {
      return undefined;
    }
    return best;
  }
}

// ---------------------------------------------------------------------------- normalizer

export interface NormalizedText {
  /** Words after typo correction and lexicon substitution, unstemmed, no punctuation. */
  words: string[];
  /** Stems of `words`; stems inside a negation scope carry NEG_PREFIX. "?" is kept as a
   * token when the message contains a question mark. */
  stems: string[];
  /** Typo corrections made. */
  corrections: { from: string; to: string }[];
}

/** Counts the words of texts (the spelling vocabulary of a training set). */
export function vocabularyOf(texts: Iterable<string>, lexicon?: Lexicon): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  if (lexicon) for (const w of lexicon.vocabulary) if (!counts.has(w)) counts.set(w, 1);
  return counts;
}

/** Full normalisation of user text for one lexicon and one spelling vocabulary. */
export class Normalizer {
  readonly lexicon: Lexicon;
  readonly speller: SpellCorrector;
  /** Typos found in the training texts -> their corrections. */
  readonly typos: ReadonlyMap<string, string>;

  constructor(lexicon: Lexicon, vocabulary: ReadonlyMap<string, number>, typos: Iterable<[string, string]> = []) {
    this.lexicon = lexicon;
    this.speller = new SpellCorrector(vocabulary);
    this.typos = new Map(typos);
    for (const [typo, correction] of this.typos) this.speller.remember(typo, correction);
  }

  /**
   * A normalizer whose spelling vocabulary is the words of `texts` plus the lexicon's.
   * Deliberate typos in the texts ("sciatca") would otherwise become vocabulary and never be
   * corrected: a word seen once, of 7+ letters, not in the lexicon and one edit away from a
   * word with the same first two letters and another stem that is seen
   * TYPO_PRUNE_MIN_FREQUENCY+ times is dropped from the vocabulary.
   */
  static fromTexts(lexicon: Lexicon, texts: Iterable<string>): Normalizer {
    const vocabulary = vocabularyOf(texts, lexicon);
    const frequent = new Map<string, number>();
    for (const [w, n] of vocabulary) if (n >= TYPO_PRUNE_MIN_FREQUENCY) frequent.set(w, n);
    const frequentSpeller = new SpellCorrector(frequent);
    const typos = new Map<string, string>();
    for (const [word, count] of vocabulary) {
      if (count !== 1 || word.length < 7 || lexicon.vocabulary.has(word)) continue;
      const near = frequentSpeller.nearest(word, 1, 1);
      if (near !== undefined && near.slice(0, 2) === word.slice(0, 2) && stem(near) !== stem(word)) {
        typos.set(word, near);
      }
    }
    for (const typo of typos.keys()) vocabulary.delete(typo);
    return new Normalizer(lexicon, vocabulary, typos);
  }

  /** The spelling vocabulary (word -> frequency), e.g. to store in a model cache. */
  vocabulary(): Map<string, number> {
    return this.speller.vocabulary();
  }

  normalize(text: string): NormalizedText {
    const raw = tokenize(text);
    const corrections: { from: string; to: string }[] = [];
    const corrected = raw.map((t) => {
      if (PUNCTUATION.has(t)) return t;
      const c = this.speller.correct(t);
      if (c !== t) corrections.push({ from: t, to: c });
      return c;
    });
    const substituted = applyLexicon(corrected, this.lexicon);
    const outWords: string[] = [];
    const stems: string[] = [];
    let scope = 0;
    let question = false;
    for (const t of substituted) {
      if (PUNCTUATION.has(t)) {
        scope = 0;
        if (t === '?') question = true;
        continue;
      }
      outWords.push(t);
      if (NEGATORS.has(t)) {
        stems.push(t === 'none' ? 'no' : t);
        scope = NEGATION_WINDOW;
      } else if (SCOPE_BREAKERS.has(t)) {
        stems.push(stem(t));
        scope = 0;
      } else if (scope > 0) {
        stems.push(NEG_PREFIX + stem(t));
        scope--;
      } else {
        stems.push(stem(t));
      }
    }
    if (question) stems.push('?');
    return { words: outWords, stems, corrections };
  }
}
