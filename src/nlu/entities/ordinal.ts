// Which option: "the second one", "2nd", "number 2", "option two", "the last one".
// The ordinal model gives "last", "next" and "penultimate" all as 0, so relative words come
// from the vocabulary; it ignores bare numbers, so those come from the number model, but
// only when nothing else is said ("2", "number 2"): "I have 2 kids" is not a choice.
import { findOrdinals } from './models.js';
import { findNumberHits } from './numbers.js';
import { MappedText, tokenIndexAt, tokenOffsets, tokensOf } from './text.js';
import { vocabulary } from './vocabulary.js';

export interface PositionHit {
  /** 1 = first; negative counts from the end: -1 = last, -2 = second to last. */
  position: number;
  kind: 'ordinal' | 'cardinal';
}

export function findPosition(text: string): PositionHit | undefined {
  const vocab = vocabulary();
  const tokens = tokensOf(text);
  if (tokens.length === 0) return undefined;
  // A choice is short: skip the recognizers for a sentence ("second to last" has 2 content words).
  const contentWords = tokens.filter((token) => !vocab.choiceFiller.has(token)).length;
  if (contentWords > vocab.ordinalExtraWords + 2) return undefined;
  const covered = new Array<boolean>(tokens.length).fill(false);
  const positions = new Set<number>();

  for (let i = 0; i < tokens.length;) {
    let matched = 0;
    for (let n = Math.min(vocab.relativeLongestPhrase, tokens.length - i); n >= 1; n--) {
      const position = vocab.relativePositions.get(tokens.slice(i, i + n).join(' '));
      if (position === undefined) continue;
      positions.add(position);
      covered.fill(true, i, i + n);
      matched = n;
      break;
    }
    i += matched || 1;
  }

  const normalized = tokens.join(' ');
  const offsets = tokenOffsets(tokens);
  for (const hit of findOrdinals(normalized)) {
    const first = tokenIndexAt(offsets, hit.start);
    const last = tokenIndexAt(offsets, hit.end);
    if (covered.slice(first, last + 1).some(Boolean)) continue;
    covered.fill(true, first, last + 1);
    const value = Number(hit.resolution?.value);
    if (vocab.ignoreOrdinals.has(tokens.slice(first, last + 1).join(' '))) continue;
    if (Number.isInteger(value) && value >= 1) positions.add(value);
  }

  const extraWords = () => tokens.filter((token, i) => !covered[i] && !vocab.choiceFiller.has(token)).length;
  if (positions.size > 1) return undefined;
  if (positions.size === 1) {
    return extraWords() <= vocab.ordinalExtraWords ? { position: [...positions][0]!, kind: 'ordinal' } : undefined;
  }

  const numbers = findNumberHits(MappedText.of(normalized));
  const only = numbers[0];
  if (numbers.length !== 1 || !only || !Number.isInteger(only.value) || only.value < 1) return undefined;
  covered.fill(true, tokenIndexAt(offsets, only.start), tokenIndexAt(offsets, only.end - 1) + 1);
  return extraWords() === 0 ? { position: only.value, kind: 'cardinal' } : undefined;
}

/** 0-based index into `optionCount` options, or undefined when there is no such option. */
export function recognizeOrdinal(text: string, optionCount: number): number | undefined {
  const hit = findPosition(text);
  if (!hit || optionCount < 1) return undefined;
  const index = hit.position > 0 ? hit.position - 1 : optionCount + hit.position;
  return index >= 0 && index < optionCount ? index : undefined;
}
