// Support hours (SUPPORT_HOURS): parsing, time zones, daylight saving, windows past midnight.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { isWithinSupportHours, parseSupportHours, SupportHoursError } from '../../src/config/supportHours.js';
import { parseAgents, AgentConfigError } from '../../src/config/agents.js';

const at = (iso: string) => new Date(iso);

describe('support hours', () => {
  it('"always" and "never"', () => {
    expect(isWithinSupportHours(parseSupportHours('always'), at('2026-01-04T03:00:00Z'))).toBe(true);
    expect(isWithinSupportHours(parseSupportHours('never'), at('2026-01-05T12:00:00Z'))).toBe(false);
  });

  it('weekday hours are read in the configured time zone, daylight saving included', () => {
    const hours = parseSupportHours('Mon-Fri 09:00-17:00; Europe/London');
    expect(hours.timeZone).toBe('Europe/London');
    // Monday 5 January 2026 (GMT = UTC).
    expect(isWithinSupportHours(hours, at('2026-01-05T08:59:00Z'))).toBe(false);
    expect(isWithinSupportHours(hours, at('2026-01-05T09:00:00Z'))).toBe(true);
    expect(isWithinSupportHours(hours, at('2026-01-05T16:59:00Z'))).toBe(true);
    expect(isWithinSupportHours(hours, at('2026-01-05T17:00:00Z'))).toBe(false);
    // Monday 6 July 2026 (BST = UTC+1): 08:30 UTC is 09:30 in London.
    expect(isWithinSupportHours(hours, at('2026-07-06T08:30:00Z'))).toBe(true);
    expect(isWithinSupportHours(hours, at('2026-07-06T16:30:00Z'))).toBe(false);
    // Saturday.
    expect(isWithinSupportHours(hours, at('2026-01-10T12:00:00Z'))).toBe(false);
  });

  it('several windows, day lists, and a window past midnight', () => {
    const hours = parseSupportHours('Mon,Wed 10:00-12:00; Sat 22:00-02:00; America/New_York');
    expect(isWithinSupportHours(hours, at('2026-01-07T15:30:00Z'))).toBe(true); // Wed 10:30 New York
    expect(isWithinSupportHours(hours, at('2026-01-06T15:30:00Z'))).toBe(false); // Tue
    expect(isWithinSupportHours(hours, at('2026-01-11T04:00:00Z'))).toBe(true); // Sat 23:00
    expect(isWithinSupportHours(hours, at('2026-01-11T06:30:00Z'))).toBe(true); // Sun 01:30, from Saturday
    expect(isWithinSupportHours(hours, at('2026-01-11T08:00:00Z'))).toBe(false); // Sun 03:00
    expect(hours.display).toBe('Mon,Wed 10:00-12:00; Sat 22:00-02:00');
  });

  it.each([
    ['Funday 09:00-17:00', /not a day/],
    ['Mon-Fri 9-5', /neither/],
    ['Mon-Fri 25:00-26:00', /not a time of day/],
    ['Mon 09:00-09:00', /same time/],
    ['Mars/Olympus_Mons', /neither/],
  ])('%s is refused with a reason', (spec, reason) => {
    expect(() => parseSupportHours(spec)).toThrow(SupportHoursError);
    expect(() => parseSupportHours(spec)).toThrow(reason);
  });

  it('a bad SUPPORT_HOURS stops start-up with a clear message', () => {
    expect(() => loadConfig({ SUPPORT_HOURS: 'weekdays 9 to 5' })).toThrow(/SUPPORT_HOURS/);
  });
});

describe('agents from configuration', () => {
  const hash = '$2b$04$' + 'a'.repeat(53);

  it('reads "id:Name:hash" lists and JSON', () => {
    expect(parseAgents(`sam:Sam Lee:${hash}; alex:Alex Kim:${hash}`).map((a) => [a.id, a.name])).toEqual([
      ['sam', 'Sam Lee'],
      ['alex', 'Alex Kim'],
    ]);
    expect(parseAgents(JSON.stringify([{ id: 'sam', name: 'Sam', passwordHash: hash }]))[0]!.name).toBe('Sam');
  });

  it.each([
    [`sam:Sam:plaintext-password`, /bcrypt/],
    [`admin:Admin:${hash}`, /kept for the admin token/],
    [`sam:Sam:${hash};sam:Sam again:${hash}`, /appears twice/],
    ['[{"id": "sam"', /not valid JSON/],
  ])('%s is refused', (spec, reason) => {
    expect(() => parseAgents(spec)).toThrow(AgentConfigError);
    expect(() => parseAgents(spec)).toThrow(reason);
  });

  it('the config error names the problem but never echoes the value', () => {
    let message = '';
    try {
      loadConfig({ SUPPORT_AGENTS: 'sam:Sam:hunter2' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SUPPORT_AGENTS/);
    expect(message).not.toMatch(/hunter2/);
  });
});
