// The features the intent classifier and the learned red-flag detector read from normalised
// text: word stems and stem bigrams, and character n-grams coded as int32.
import type { NormalizedText } from './normalize.js';

/** Word features: every stem (unigrams) and, with `bigrams`, every pair of neighbouring stems. */
export function wordFeatures(n: NormalizedText, bigrams = true): string[] {
  const out = new Set<string>();
  const s = n.stems;
  if (bigrams && s.length > 0) out.add('^' + (s[0] as string));
  for (let i = 0; i < s.length; i++) {
    const a = s[i] as string;
    out.add(a);
    if (bigrams && i + 1 < s.length) {
      const b = s[i + 1] as string;
      if (b !== '?') out.add(a + ' ' + b);
    }
  }
  if (s.length === 0) out.add('<empty>');
  return [...out];
}

/** Base of the character n-gram codes: space, a-z, 0-9. */
const CHAR_BASE = 37;
/** Longest character n-gram with an int32 code. */
export const MAX_CHAR_N = 5;
/** CHAR_OFFSET[n - 1]: first code of the n-grams; n-gram codes fill [offset, offset + 37^n). */
const CHAR_OFFSET: number[] = [0];
for (let n = 1; n < MAX_CHAR_N; n++) CHAR_OFFSET.push((CHAR_OFFSET[n - 1] as number) + CHAR_BASE ** n);

function charDigit(code: number): number {
  if (code >= 97 && code <= 122) return code - 96; // a-z -> 1..26
  if (code >= 48 && code <= 57) return code - 21; // 0-9 -> 27..36
  return 0; // space (words only contain a-z, 0-9)
}

/** The int32 code of a character n-gram (1 <= n <= MAX_CHAR_N), unique over all lengths. */
export function charGramCode(gram: string): number {
  let v = 0;
  for (let i = 0; i < gram.length; i++) v = v * CHAR_BASE + charDigit(gram.charCodeAt(i));
  return (CHAR_OFFSET[gram.length - 1] as number) + v;
}

/**
 * Character n-grams of " word word " (words after spelling and lexicon, unstemmed) as
 * int32 codes (see charGramCode) -> count. No substring is allocated.
 */
export function charFeatures(n: NormalizedText, minN: number, maxN: number): Map<number, number> {
  if (minN < 1 || maxN > MAX_CHAR_N || minN > maxN) throw new Error(`char n-grams must be within 1..${MAX_CHAR_N}`);
  const text = ' ' + n.words.join(' ') + ' ';
  const out = new Map<number, number>();
  for (let len = minN; len <= maxN; len++) {
    const offset = CHAR_OFFSET[len - 1] as number;
    for (let i = 0; i + len <= text.length; i++) {
      let v = 0;
      for (let j = i; j < i + len; j++) v = v * CHAR_BASE + charDigit(text.charCodeAt(j));
      const code = offset + v;
      out.set(code, (out.get(code) ?? 0) + 1);
    }
  }
  return out;
}
