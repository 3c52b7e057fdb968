// Red-flag detector: the typo index (edit distance 1 for words of 5+ letters) and the English
// word list that ships with `natural`, whose real words are never "corrected".

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Compiled, FUZZY_MIN_LENGTH, FUZZY_PREFIX_MARK } from './redFlagPatternSchema.js';

/** True when a and b differ by at most one insertion, deletion, substitution or swap. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  if (la === lb) {
    let i = 0;
    while (i < la && a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [short, long] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

let englishWords: ReadonlySet<string> | null | undefined;

/** The English lexicon that ships with `natural`, or null when it cannot be found. */
export function englishLexiconPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('natural/package.json'));
    return join(root, 'lib', 'natural', 'brill_pos_tagger', 'data', 'English', 'lexicon_from_posjs.json');
  } catch {
    return null;
  }
}

/**
 * English words from the lexicon that ships with `natural` (its Brill tagger data). A real
 * word is never "corrected": "getting" must not become "wetting", nor "never" "fever".
 */
export function loadEnglishWords(): ReadonlySet<string> | null {
  if (englishWords !== undefined) return englishWords;
  try {
    const path = englishLexiconPath();
    if (!path) throw new Error('the natural package is not installed');
    const lexicon = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    englishWords = new Set(Object.keys(lexicon).map((w) => w.toLowerCase()));
  } catch (error) {
    process.emitWarning(`red-flag detector: English word list unavailable, typo matching is less strict (${(error as Error).message})`);
    englishWords = null;
  }
  return englishWords;
}

export class TypoIndex {
  private readonly byDeletion = new Map<string, string[]>();
  private readonly long = new Set<string>();
  private readonly cache = new Map<string, readonly string[]>();

  constructor(
    private readonly vocabulary: ReadonlySet<string>,
    private readonly prefixes: readonly string[],
    /** Real English words are never corrected (null: no word list, correct anything). */
    private readonly english: ReadonlySet<string> | null,
  ) {
    for (const word of vocabulary) {
      if (word.length < FUZZY_MIN_LENGTH || !/^[a-z]+$/.test(word)) continue;
      this.long.add(word);
      for (const d of deletions(word)) {
        const list = this.byDeletion.get(d) ?? [];
        if (!list.includes(word)) list.push(word);
        this.byDeletion.set(d, list);
      }
    }
  }

  /** The vocabulary words a token stands for: itself if known, else its corrections. */
  forms(token: string): readonly string[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let forms: readonly string[] = [token];
    if (!this.english?.has(token)) {
      const corrections = this.corrections(token);
      if (corrections.length > 0) forms = [token, ...corrections];
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(token, forms);
    return forms;
  }

  /**
   * What a token not in the vocabulary could be a misspelling of: vocabulary words one edit
   * away, and marked word beginnings ("*shiver") its start is one edit from. Empty for
   * known, short or non-alphabetic tokens.
   */
  corrections(token: string): string[] {
    const out: string[] = [];
    if (!this.vocabulary.has(token) && token.length >= FUZZY_MIN_LENGTH && /^[a-z]+$/.test(token)) {
      const found = new Set<string>();
      const consider = (candidates: readonly string[] | undefined) => {
        for (const c of candidates ?? []) if (withinOneEdit(token, c)) found.add(c);
      };
      consider(this.byDeletion.get(token)); // a letter missing
      for (const d of deletions(token)) {
        if (this.long.has(d)) found.add(d); // a letter extra
        consider(this.byDeletion.get(d)); // a letter changed or two swapped
      }
      // "shivring" for shiver*: the token's start is one edit from the prefix.
      const fuzzyStarts: string[] = [];
      for (const p of this.prefixes) {
        if (token[0] !== p[0] || token.startsWith(p)) continue;
        const n = p.length;
        if (withinOneEdit(token.slice(0, n), p) || withinOneEdit(token.slice(0, n + 1), p) || withinOneEdit(token.slice(0, n - 1), p)) {
          fuzzyStarts.push(FUZZY_PREFIX_MARK + p);
        }
      }
      out.push(...found, ...fuzzyStarts);
    }
    return out;
  }
}

/**
 * The English words the typo index must know to leave alone: those it would otherwise
 * "correct". Every other English word has no correction anyway, so this small set stands
 * in for the whole 80,000-word list (and is what the cache keeps).
 */
export function englishWordsAtRisk(compiled: Compiled, english: ReadonlySet<string>): string[] {
  const index = new TypoIndex(compiled.vocabulary, compiled.fuzzyPrefixes, null);
  return [...english].filter((word) => index.corrections(word).length > 0).sort();
}
