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

/**
 * `fn` worked out once for each of a fixed set of texts (`fixed`: words from the app's own lists,
 * such as the answer words "no", "nope"), and called as before for any other text. Only texts of
 * that set are ever kept, so nothing a person typed outlives its turn unless it is one of those
 * words. Each call gets its own copy (`copy`), so a caller that changes a result changes nothing
 * shared. `fn` must be pure: the same text, the same result.
 */
export function rememberFixed<T>(fn: (text: string) => T, fixed: ReadonlySet<string>, copy: (value: T) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text: string): T => {
    if (!fixed.has(text)) return fn(text);
    let value = known.get(text);
    if (value === undefined) {
      value = fn(text);
      known.set(text, value);
    }
    return copy(value);
  };
}
