// How long, in weeks. The date-time library's duration extractor handles "about three weeks",
// "10 days", "a couple of weeks", "3 and a half weeks", "a fortnight"; it misses short forms
// ("3wks", "2 mths"), reads "a day or two" as one day, and has nothing for answers tied to a
// date ("since yesterday", "3 days ago", "since March"): those go to the full date-time
// model, which is about ten times slower, so it only runs when an anchor word is present.
import { findDateTimes, findDurations } from './models.js';
import { mayHoldNumber, prepare, recognizeNumber } from './numbers.js';
import { MappedText, roundTo, tokensOf, wordAlternation } from './text.js';
import { vocabulary, type DurationUnit } from './vocabulary.js';

const SECONDS_PER_WEEK = 7 * 24 * 3600;
const MS_PER_DAY = 24 * 3600 * 1000;
/** Weeks in one unit; a month is 30 days, as the recognizer counts it. */
const WEEKS_PER_UNIT: Record<DurationUnit, number> = { hours: 1 / 168, days: 1 / 7, weeks: 1, months: 30 / 7, years: 365 / 7 };

export interface DurationOptions {
  /** "Now" for answers tied to a date ("since yesterday"). Defaults to the current time. */
  now?: Date;
  /**
   * Unit for a bare number ("3"). Without it a bare number is ambiguous and gives undefined;
   * a question that says its unit ("How many weeks?") can pass it.
   */
  bareNumberUnit?: DurationUnit;
}

export interface WeeksHit {
  weeks: number;
  /** [start, end) in the user's own text. */
  start: number;
  end: number;
}

const SMALL_NUMBER = '\\d+(?:\\.\\d+)?|two|three|four|five|six|seven|eight|nine|ten';

const A_UNIT_OR_TWO = new RegExp(`\\b(?:a|an|one|${SMALL_NUMBER})\\s+(hour|day|week|month|year)s?\\s+or\\s+(${SMALL_NUMBER})\\b`, 'gi');
let barePluralUnit: RegExp | undefined;

function rewriteForDuration(prepared: MappedText): MappedText {
  const vocab = vocabulary();
  return (
    prepared
      // "3wks" (already "3 wks" after prepare), "2 mths", "10 yrs"
      .replace(vocab.unitAbbreviation, (m) => vocab.unitAbbreviations.get(m[1]!.toLowerCase()))
      // "a day or two", "a week or 2": the upper end
      .replace(A_UNIT_OR_TWO, (m) => `${m[2]} ${m[1]}s`)
      // "fortnight" on its own is one fortnight
      .replace(/(?<!\b(?:a|an|one|\d+|two|three)\s+)\bfortnight\b/gi, () => 'a fortnight')
  );
}

/** Date strings from the recognizer are local times: "2026-03-09" or "2026-03-10 08:00:00". */
function parseLocal(value: unknown): { date: Date; dateOnly: boolean } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(String(value));
  if (!m) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  return { date, dateOnly: m[4] === undefined };
}

function weeksSince(start: { date: Date; dateOnly: boolean }, now: Date): number {
  if (start.dateOnly) {
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    return Math.round((today.getTime() - start.date.getTime()) / MS_PER_DAY) / 7;
  }
  return (now.getTime() - start.date.getTime()) / (7 * MS_PER_DAY);
}

const DATE_TYPES = /^datetimeV2\.(date|daterange|datetime|datetimerange)$/;

/** "since yesterday", "3 days ago", "since last Monday": the time from that start until now. */
function findDateAnchoredWeeks(text: string, now: Date, freeText: boolean): WeeksHit[] {
  const found: WeeksHit[] = [];
  for (const hit of findDateTimes(text, now)) {
    if (!DATE_TYPES.test(hit.typeName)) continue;
    const values = (hit.resolution?.values ?? []) as Record<string, unknown>[];
    const since = values.some((v) => v.Mod === 'since') || /\bago\b/i.test(hit.text);
    // In free text, "today" or "last week" alone says when, not how long.
    if (freeText && !since && !/\b(?:started|start|began|begun|since)\s*$/i.test(text.slice(0, hit.start))) continue;
    const starts = values
      .map((v) => parseLocal(v.start ?? v.value))
      .filter((s): s is NonNullable<typeof s> => s !== undefined && s.date.getTime() <= now.getTime());
    if (starts.length === 0) continue;
    const latest = starts.reduce((a, b) => (b.date > a.date ? b : a));
    found.push({ weeks: Math.max(0, weeksSince(latest, now)), start: hit.start, end: hit.end + 1 });
  }
  return found;
}

/** Every duration in the prepared text, with spans in the user's own text. */
export function findDurationHits(prepared: MappedText, now: Date, freeText: boolean): WeeksHit[] {
  const vocab = vocabulary();
  const tokens = tokensOf(prepared.text);
  const aboutTime = tokens.some((t) => vocab.unitWords.has(t) || vocab.anchorWords.has(t));
  if (!aboutTime && !mayHoldNumber(prepared.text)) return [];

  const text = rewriteForDuration(prepared);

  // Adjacent durations joined by "and" or a comma add up: "1 year and 2 months".
  const groups: WeeksHit[] = [];
  let previousEnd = -1;
  for (const hit of findDurations(text.text, now)) {
    // The extractor reads "last week", "this week", "next week" as a week. As an answer to
    // "how long?" the first two are fair; in free text only "for the past week" is a duration.
    if (/^(?:hour|day|week|month|year)$/i.test(hit.text.trim())) {
      const before = text.text.slice(0, hit.start);
      if (/\bnext\s*$/i.test(before)) continue;
      if (freeText && !/\b(?:for|over|during|in)\s+the\s+(?:last|past)\s*$/i.test(before)) continue;
    }
    const weeks = hit.seconds / SECONDS_PER_WEEK;
    const last = groups[groups.length - 1];
    if (last && previousEnd >= 0 && /^\s*(?:,|and|,\s*and)?\s*$/i.test(text.text.slice(previousEnd, hit.start))) {
      last.weeks += weeks;
      last.end = hit.start + hit.length;
    } else {
      groups.push({ weeks, start: hit.start, end: hit.start + hit.length });
    }
    previousEnd = hit.start + hit.length;
  }
  let found = groups;
  if (found.length === 0 && tokens.some((t) => vocab.anchorWords.has(t))) found = findDateAnchoredWeeks(text.text, now, freeText);
  if (found.length === 0 && !freeText) {
    // "for weeks", "months": at least two of that unit.
    barePluralUnit ??= new RegExp(`\\b(${wordAlternation(vocab.barePluralUnits.keys())})\\b`, 'i');
    const bare = barePluralUnit.exec(text.text);
    const unit = bare?.[1]?.toLowerCase() as DurationUnit | undefined;
    const count = unit ? vocab.barePluralUnits.get(unit) : undefined;
    if (bare && unit && count !== undefined) found = [{ weeks: count * WEEKS_PER_UNIT[unit], start: bare.index, end: bare.index + bare[0].length }];
  }
  return found.map((hit) => {
    const [start, end] = text.originalSpan(hit.start, hit.end);
    return { weeks: roundTo(hit.weeks, 2), start, end };
  });
}

/**
 * How long, in weeks, rounded to 2 decimals. Several separate durations give the longest
 * (the pain has lasted at least that long). A bare number is ambiguous unless
 * `options.bareNumberUnit` says the unit; vague answers ("a while", "ages") give undefined.
 */
export function recognizeDurationWeeks(text: string, options: DurationOptions = {}): number | undefined {
  const now = options.now ?? new Date();
  const hits = findDurationHits(prepare(text), now, false);
  if (hits.length > 0) return Math.max(...hits.map((hit) => hit.weeks));
  if (options.bareNumberUnit) {
    const value = recognizeNumber(text);
    if (value !== undefined && value >= 0) return roundTo(value * WEEKS_PER_UNIT[options.bareNumberUnit], 2);
  }
  return undefined;
}
