// A bounded memo for pure functions of one string that run several times per turn on the same
// text (a message read by many checks, an article's sections scored on every follow-up).
// When full it starts again empty: simple, and the next turn refills what it needs.

/** `fn` remembered for up to `max` distinct arguments. `fn` must be pure; its results are shared, so callers must not mutate them. */
export function memoizeText<T>(fn: (text: string) => T, max: number): (text: string) => T {
  const memo = new Map<string, T>();
  return (text: string): T => {
    const known = memo.get(text);
    if (known !== undefined || memo.has(text)) return known as T;
    const value = fn(text);
    if (memo.size >= max) memo.clear();
    memo.set(text, value);
    return value;
  };
}
