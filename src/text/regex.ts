// A literal text inside a regular expression: every character with a meaning there escaped.
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The flags that change what a pattern matches (g and y only change where a search starts). */
const MEANING_FLAGS = /[imsuv]/g;
/** A numbered or named back-reference: its number or name would change inside a union. */
const BACK_REFERENCE = /\\[1-9]|\\k</;

/**
 * One regex that matches a text whenever any of `patterns` matches it anywhere: a pre-screen
 * that lets a detector skip a long list of patterns on a text none of them can match (most
 * messages), and then tests each one as before, so what it finds does not change. When the
 * patterns cannot be joined exactly (different matching flags, back-references) the union
 * matches everything and nothing is skipped.
 */
export function unionOf(patterns: readonly RegExp[]): RegExp {
  if (patterns.length === 0) return /(?!)/;
  const flags = (patterns[0]!.flags.match(MEANING_FLAGS) ?? []).join('');
  const joinable = patterns.every((p) => (p.flags.match(MEANING_FLAGS) ?? []).join('') === flags && !BACK_REFERENCE.test(p.source));
  return joinable ? new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), flags) : /(?:)/;
}
