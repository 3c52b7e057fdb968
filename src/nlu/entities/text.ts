// Text helpers shared by the answer recognizers: one normalisation for phrases and replies,
// so a phrase list and a reply always compare like with like.
import { escapeRegExp } from '../../text/regex.js';

/**
 * Lower case, apostrophes dropped ("don't" -> "dont"), every run of other punctuation or
 * space turned into one space. Emoji are kept because 👍 and 👎 are answers.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]+/gu, ' ')
    .trim();
}

export function tokensOf(text: string): string[] {
  const normalized = normalizeForMatch(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/** Start offset of each token in `tokens.join(' ')`. */
export function tokenOffsets(tokens: readonly string[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const token of tokens) {
    offsets.push(at);
    at += token.length + 1;
  }
  return offsets;
}

/** Index of the token that holds `charIndex`, given `tokenOffsets`. */
export function tokenIndexAt(offsets: readonly number[], charIndex: number): number {
  let index = 0;
  while (index + 1 < offsets.length && offsets[index + 1]! <= charIndex) index++;
  return index;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition), stopping
 * early once the distance must exceed `limit`: typos like "sciatcia" cost one edit.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: width }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previousPrevious[j - 2]! + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Matches any of `phrases` as whole words; longer phrases are tried first. */
export function wordAlternation(phrases: Iterable<string>): string {
  return [...new Set(phrases)]
    .sort((a, b) => b.length - a.length)
    .map((p) => escapeRegExp(p).replace(/ /g, '\\s+'))
    .join('|');
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

interface Segment {
  start: number;
  end: number;
  originalStart: number;
  originalEnd: number;
  rewritten: boolean;
}

/**
 * Text after rewrites ("3wks" -> "3 weeks"), remembering where each part came from, so a
 * span found in the rewritten text can be reported against the user's own words.
 */
export class MappedText {
  private constructor(
    readonly text: string,
    private readonly segments: readonly Segment[],
    private readonly parent?: MappedText,
  ) {}

  static of(text: string): MappedText {
    return new MappedText(text, [{ start: 0, end: text.length, originalStart: 0, originalEnd: text.length, rewritten: false }]);
  }

  /** Applies `pattern` (must be global); `replace` returns the new text of a match, or undefined to keep it. */
  replace(pattern: RegExp, replace: (match: RegExpExecArray) => string | undefined): MappedText {
    const segments: Segment[] = [];
    let out = '';
    let last = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(this.text); match !== null; match = pattern.exec(this.text)) {
      if (match[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      const replacement = replace(match);
      if (replacement === undefined || replacement === match[0]) continue;
      if (match.index > last) {
        segments.push({ start: out.length, end: out.length + match.index - last, originalStart: last, originalEnd: match.index, rewritten: false });
        out += this.text.slice(last, match.index);
      }
      const matchEnd = match.index + match[0].length;
      segments.push({ start: out.length, end: out.length + replacement.length, originalStart: match.index, originalEnd: matchEnd, rewritten: true });
      out += replacement;
      last = matchEnd;
    }
    if (segments.length === 0) return this;
    if (last < this.text.length) {
      segments.push({ start: out.length, end: out.length + this.text.length - last, originalStart: last, originalEnd: this.text.length, rewritten: false });
      out += this.text.slice(last);
    }
    return new MappedText(out, segments, this);
  }

  /** [start, end) in this text -> [start, end) in the text `of` was given. */
  originalSpan(start: number, end: number): [number, number] {
    const first = this.segmentAt(start);
    const lastSegment = this.segmentAt(Math.max(start, end - 1));
    const mappedStart = first.rewritten ? first.originalStart : first.originalStart + (start - first.start);
    const mappedEnd = lastSegment.rewritten ? lastSegment.originalEnd : lastSegment.originalStart + (end - lastSegment.start);
    return this.parent ? this.parent.originalSpan(mappedStart, Math.max(mappedStart, mappedEnd)) : [mappedStart, mappedEnd];
  }

  private segmentAt(index: number): Segment {
    for (const segment of this.segments) if (index < segment.end) return segment;
    return this.segments[this.segments.length - 1]!;
  }
}
