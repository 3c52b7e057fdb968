// Support hours (SUPPORT_HOURS): when people from the team can be expected to answer a chat.
//
//   always                                   every day, all day (the default)
//   never                                    no live chat: everyone is offered a call-back
//   Mon-Fri 09:00-17:00; Sat 10:00-14:00; Europe/London
//
// Windows are separated by ";". Days are a range (Mon-Fri), a list (Mon,Wed,Fri), one day, or
// "daily". A window that ends before it starts runs past midnight (22:00-06:00). One part may
// be an IANA time zone (default UTC); times are read in that zone, daylight saving included.

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface Window {
  days: Set<number>;
  /** Minutes after midnight. */
  start: number;
  end: number;
}

export interface SupportHours {
  kind: 'always' | 'never' | 'windows';
  windows: Window[];
  timeZone: string;
  /** The hours as configured, without the time zone, for the bot to quote. */
  display: string;
}

export class SupportHoursError extends Error {}

function parseDay(name: string): number {
  const index = DAY_NAMES.indexOf(name.slice(0, 3).toLowerCase() as (typeof DAY_NAMES)[number]);
  if (index < 0 || name.length < 3) throw new SupportHoursError(`"${name}" is not a day (use Mon, Tue, ... Sun)`);
  return index;
}

function parseDays(spec: string): Set<number> {
  const days = new Set<number>();
  if (/^(daily|every ?day)$/i.test(spec)) return new Set([0, 1, 2, 3, 4, 5, 6]);
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = part.split('-').map((p) => p.trim());
    if (range.length === 1) days.add(parseDay(range[0]!));
    else if (range.length === 2) {
      const from = parseDay(range[0]!);
      const to = parseDay(range[1]!);
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else throw new SupportHoursError(`"${part}" is not a day range`);
  }
  if (days.size === 0) throw new SupportHoursError(`"${spec}" names no days`);
  return days;
}

function parseTime(value: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) throw new SupportHoursError(`"${value}" is not a time (use HH:MM, 24-hour)`);
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) throw new SupportHoursError(`"${value}" is not a time of day`);
  return hours * 60 + minutes;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function parseSupportHours(spec: string): SupportHours {
  const trimmed = spec.trim();
  if (/^always$/i.test(trimmed) || trimmed === '') return { kind: 'always', windows: [], timeZone: 'UTC', display: 'always' };
  if (/^never$/i.test(trimmed)) return { kind: 'never', windows: [], timeZone: 'UTC', display: 'never' };
  const windows: Window[] = [];
  const shown: string[] = [];
  let timeZone = 'UTC';
  for (const part of trimmed
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(.+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!match) {
      if (!/\s/.test(part) && isTimeZone(part)) {
        timeZone = part;
        continue;
      }
      throw new SupportHoursError(`"${part}" is neither "DAYS HH:MM-HH:MM" nor a time zone such as Europe/London`);
    }
    const start = parseTime(match[2]!);
    const end = parseTime(match[3]!);
    if (start === end) throw new SupportHoursError(`"${part}" starts and ends at the same time`);
    windows.push({ days: parseDays(match[1]!), start, end });
    shown.push(part);
  }
  if (windows.length === 0) throw new SupportHoursError('no opening hours given');
  return { kind: 'windows', windows, timeZone, display: shown.join('; ') };
}

/** Weekday (0 = Sunday) and minutes after midnight of `at` in `timeZone`. */
function localTime(at: Date, timeZone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: parseDay(get('weekday')), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isWithinSupportHours(hours: SupportHours, at: Date): boolean {
  if (hours.kind === 'always') return true;
  if (hours.kind === 'never') return false;
  const { day, minutes } = localTime(at, hours.timeZone);
  const yesterday = (day + 6) % 7;
  return hours.windows.some((w) => {
    if (w.start < w.end) return w.days.has(day) && minutes >= w.start && minutes < w.end;
    // Past midnight: the evening part today, or the early part of a window that opened yesterday.
    return (w.days.has(day) && minutes >= w.start) || (w.days.has(yesterday) && minutes < w.end);
  });
}
