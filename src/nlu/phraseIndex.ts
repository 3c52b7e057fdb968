// One index of word phrases by their first word, shared by the lexicon's substitutions
// (normalize.ts: the longest variant at a position replaces it) and the learned detector's
// concept words (learnedFeatures.ts: every phrase at every position lights its concept).

export interface Phrase<T> {
  readonly words: readonly string[];
  readonly value: T;
}

/** first word -> the phrases starting with it, longest first. */
export type PhraseIndex<T> = ReadonlyMap<string, readonly Phrase<T>[]>;

export function buildPhraseIndex<T>(phrases: Iterable<Phrase<T>>): PhraseIndex<T> {
  const index = new Map<string, Phrase<T>[]>();
  for (const phrase of phrases) {
    const first = phrase.words[0];
    if (first === undefined) continue;
    let list = index.get(first);
    if (!list) index.set(first, (list = []));
    list.push(phrase);
  }
  // Stable: phrases of one length keep their order.
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length);
  return index;
}

/** Does the phrase stand at tokens[at]? */
export function phraseAt(phrase: Phrase<unknown>, tokens: readonly string[], at: number): boolean {
  const { words } = phrase;
  if (at + words.length > tokens.length) return false;
  for (let j = 1; j < words.length; j++) if (tokens[at + j] !== words[j]) return false;
  return true;
}

/** The longest phrase standing at tokens[at], if any. */
export function longestPhraseAt<T>(index: PhraseIndex<T>, tokens: readonly string[], at: number): Phrase<T> | undefined {
  const candidates = index.get(tokens[at]!);
  if (candidates) for (const p of candidates) if (phraseAt(p, tokens, at)) return p;
  return undefined;
}
