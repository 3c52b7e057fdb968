// Numbers and ages. recognizers-text-number parses the words ("fifty-two", "a dozen") but
// gives NaN for "7 out of 10", 0.7 for "7/10" and "seven out of ten", and 0 for "7 out of
// ten"; it splits "3 and a half" into 3 and 0.5, and reads the pronoun in "the second one"
// as 1. The age model (number-with-unit) only fires with a unit ("52 years old", "age 41"),
// so "52", "I'm 52" and "fifty-two" fall back to the number model.
import { findAges, findNumbers } from './models.js';
import { MappedText, normalizeForMatch, tokensOf, wordAlternation } from './text.js';
import { vocabulary } from './vocabulary.js';

export interface NumberHit {
  value: number;
  /** [start, end) in the prepared text. */
  start: number;
  end: number;
}

/** Rewrites every recognizer here sees: "40ish" -> "40 ish", "52yo" -> "52 yo" ("2nd" stays). */
export function prepare(text: string): MappedText {
  return MappedText.of(text).replace(/\d(?=\p{L})(?!(?:st|nd|rd|th)\b)/giu, (m) => `${m[0]} `);
}

/** Cheap test before calling a recognizer: a digit or a number word. */
export function mayHoldNumber(text: string): boolean {
  if (/\d/.test(text)) return true;
  const words = vocabulary().numberWords;
  return tokensOf(text).some((token) => words.has(token));
}

function leadingNumber(text: string): number | undefined {
  const digits = /-?\d+(?:\.\d+)?/.exec(text);
  if (digits) return Number(digits[0]);
  const words = findNumbers(text);
  const value = words[0] ? Number(words[0].resolution?.value) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** "7 out of 10", "7/10", "seven out of ten": the score, not the fraction. */
function scoreOnScale(hitText: string): number | undefined {
  const parts = /^(.+?)\s*(?:\/|\bout\s+of\b|\bin\b)\s*(.+)$/i.exec(hitText.trim());
  if (!parts) return undefined;
  const top = leadingNumber(parts[2]!);
  if (top === undefined || !vocabulary().scaleTops.has(top)) return undefined;
  return leadingNumber(parts[1]!);
}

/** Every number in the prepared text, with the recognizer's slips corrected. */
export function findNumberHits(prepared: MappedText): NumberHit[] {
  const vocab = vocabulary();
  const text = prepared.text;
  const hits: NumberHit[] = [];
  for (const raw of findNumbers(text)) {
    const start = raw.start;
    const end = raw.end + 1;
    if (normalizeForMatch(raw.text) === 'one') {
      const before = tokensOf(text.slice(0, start));
      const previous = before[before.length - 1];
      if (previous !== undefined && vocab.pronounOneAfter.has(previous)) continue;
    }
    let value = scoreOnScale(raw.text) ?? Number(raw.resolution?.value);
    if (!Number.isFinite(value)) value = leadingNumber(raw.text) ?? Number.NaN;
    if (!Number.isFinite(value)) continue;
    const previousHit = hits[hits.length - 1];
    // "3 and a half": the recognizer gives 3 and "a half" (0.5).
    if (previousHit && value > 0 && value < 1 && /^a\s/i.test(raw.text) && /^\s+and\s+$/i.test(text.slice(previousHit.end, start))) {
      previousHit.value += value;
      previousHit.end = end;
      continue;
    }
    hits.push({ value, start, end });
  }
  return hits;
}

/** "on a scale of 1 to 10, it's 8": the scale is not the answer. */
const SCALE_PHRASE = /\b(?:on\s+)?(?:a\s+)?scale\s+(?:of\s+)?(?:from\s+)?\S+\s*(?:to|-)\s*\S+/gi;

/**
 * One number from a reply. Several numbers joined by range or correction words ("6 or 7",
 * "between 6 and 7", "7, maybe 8") give the larger: for pain, duration and age the larger
 * reading is the cautious one. Other mixes ("7 but 3 at night") are ambiguous: undefined.
 */
export function recognizeNumber(text: string): number | undefined {
  if (!mayHoldNumber(text)) return undefined;
  const prepared = prepare(text).replace(SCALE_PHRASE, () => ' ');
  const hits = findNumberHits(prepared);
  const first = hits[0];
  if (!first) return undefined;
  const joiners = vocabulary().rangeJoiners;
  for (let i = 1; i < hits.length; i++) {
    const gap = tokensOf(prepared.text.slice(hits[i - 1]!.end, hits[i]!.start));
    if (!gap.every((word) => joiners.has(word))) return undefined;
  }
  return Math.max(...hits.map((hit) => hit.value));
}

export const MIN_AGE = 1;
export const MAX_AGE = 120;

const YEARS_PER_UNIT: Record<string, number> = { Year: 1, Age: 1, Month: 1 / 12, Week: 7 / 365.25, Day: 1 / 365.25 };

export interface AgeHit {
  value: number;
  start: number;
  end: number;
}

function plausibleAge(years: number): number | undefined {
  const whole = Math.floor(years);
  return whole >= MIN_AGE && whole <= MAX_AGE ? whole : undefined;
}

let decadePattern: RegExp | undefined;

/** "in my forties", "late 50s", "forty-something": the decade plus an offset from the vocabulary. */
function findDecadeAge(text: string): AgeHit | undefined {
  const vocab = vocabulary();
  decadePattern ??= new RegExp(
    `\\b(?:(early|mid|late)[\\s-]*)?(?:([1-9]0)\\s*'?s\\b|(${wordAlternation(vocab.decades.keys())})\\b|([1-9]0|\\p{L}+ty)[\\s-]*(?:something|odd)\\b)`,
    'iu',
  );
  const match = decadePattern.exec(text);
  if (!match) return undefined;
  const decade = match[2] ? Number(match[2]) : match[3] ? vocab.decades.get(match[3].toLowerCase()) : leadingNumber(match[4] ?? '');
  if (decade === undefined || decade % 10 !== 0) return undefined;
  const modifier = match[1]?.toLowerCase() as 'early' | 'mid' | 'late' | undefined;
  const value = decade + vocab.decadeOffsets[modifier ?? 'default'];
  return { value, start: match.index, end: match.index + match[0].length };
}

/**
 * Ages in the prepared text. With `bareNumbers`, a lone number counts ("52", "fifty-two"):
 * right when the bot has just asked for an age, wrong in free text.
 */
export function findAgeHits(prepared: MappedText, bareNumbers: boolean): AgeHit[] {
  const vocab = vocabulary();
  const text = prepared.text;
  const found: AgeHit[] = [];
  const modelHits = findAges(text);
  for (const hit of modelHits) {
    const perUnit = YEARS_PER_UNIT[String(hit.resolution?.unit)];
    const value = Number(hit.resolution?.value);
    if (perUnit === undefined || !Number.isFinite(value)) continue;
    const years = plausibleAge(value * perUnit);
    if (years !== undefined) found.push({ value: years, start: hit.start, end: hit.end + 1 });
  }
  if (found.length > 0) return found;

  const decade = findDecadeAge(text);
  // In free text "the late 90s" is a time; "in my late 50s" is an age.
  const decadeBefore = decade ? normalizeForMatch(text.slice(0, decade.start)) : '';
  if (decade && (bareNumbers || /\bmy$/.test(decadeBefore) || vocab.ageCueBefore.test(decadeBefore))) return [decade];

  // A number the age model already judged ("150 years old", "6 months old") is not retried.
  const judged = (hit: NumberHit) => modelHits.some((m) => hit.start <= m.end && m.start < hit.end);
  // Not an age: a number with another unit on either side ("3 weeks", "90 kg", "5 foot 10", "100%").
  const unitNext = (hit: NumberHit) => {
    const after = text.slice(hit.end);
    const before = tokensOf(text.slice(0, hit.start));
    const previous = before[before.length - 1];
    return /^\s*%/.test(after) || vocab.notAgeUnitAfter.test(normalizeForMatch(after)) || (previous !== undefined && vocab.notAgeUnitAfter.test(previous));
  };
  const candidates = findNumberHits(prepared).filter((hit) => !judged(hit) && !unitNext(hit));
  const cued = candidates.filter((hit) => vocab.ageCueBefore.test(normalizeForMatch(text.slice(0, hit.start))));
  const chosen = cued.length > 0 ? cued : bareNumbers ? candidates : [];
  if (new Set(chosen.map((hit) => hit.value)).size !== 1) return [];
  const value = plausibleAge(chosen[0]!.value);
  return value === undefined ? [] : [{ value, start: chosen[0]!.start, end: chosen[0]!.end }];
}

/** Age in whole years, 1 to 120; anything else is undefined so the bot asks again. */
export function recognizeAge(text: string): number | undefined {
  if (!mayHoldNumber(text) && !/\d0s|ties\b|teens\b/i.test(text)) return undefined;
  return findAgeHits(prepare(text), true)[0]?.value;
}
