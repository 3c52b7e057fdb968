// What the safety conversation tests assert about the very next reply. The test servers run
// with EMERGENCY_NUMBER 112 and CRISIS_LINE 116 123 (SAFETY_NUMBERS), so the numbers are checked too.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, dataOf, testBackline } from './backline.js';

export const SAFETY_NUMBERS = { EMERGENCY_NUMBER: '112', CRISIS_LINE: '116 123', POISON_LINE: '0344 892 0111' } as const;

/** The first reply of the turn gives urgent advice at this level, with the emergency number. */
export function expectUrgentFirst(c: Chat, level: string): void {
  const first = dataOf(c.last[0]!);
  expect(first?.triage?.level, c.text()).toBe(level);
  expect(first?.urgent).toBe(true);
  expect(c.last[0]!.text).toMatch(/112/);
}

/** The first reply of the turn is crisis help with the crisis line. */
export function expectCrisisFirst(c: Chat): void {
  const first = dataOf(c.last[0]!);
  expect(first?.crisis, c.text()).toBe(true);
  expect(c.last[0]!.text).toMatch(/116 123/);
}

/** Crisis help first, and it is the overdose help: urgent, with the emergency number now. */
export function expectOverdoseHelpFirst(c: Chat): void {
  expectCrisisFirst(c);
  expect(dataOf(c.last[0]!)?.urgent, c.text()).toBe(true);
  expect(c.last[0]!.text).toContain(SAFETY_NUMBERS.EMERGENCY_NUMBER);
}

/** No reply of the turn is crisis help. */
export function expectNoCrisis(c: Chat): void {
  expect(
    c.last.some((a) => dataOf(a)?.crisis === true),
    c.text(),
  ).toBe(false);
}

/**
 * The reply gives no urgent advice, no triage level and no confirming question about a sign
 * (starting the ordinary symptom check is not an alarm).
 */
export function expectNoAlarm(c: Chat): void {
  expect(
    c.last.some((a) => dataOf(a)?.urgent),
    c.text(),
  ).toBe(false);
  expect(c.triageLevels(), c.text()).toEqual([]);
  expect(c.askedNode(), c.text()).not.toBe('confirm_flags');
}

/**
 * One test server for the file (with SAFETY_NUMBERS), started before its tests and closed after
 * them; returns a function that opens a fresh conversation on it and says `lines` in turn.
 */
export function safetyChats(): (...lines: string[]) => Promise<Chat> {
  let backline: Backline;
  beforeAll(() => {
    backline = testBackline(SAFETY_NUMBERS);
  });
  afterAll(async () => {
    await backline.close();
  });
  return async (...lines) => {
    const c = await new Chat(backline).open();
    for (const line of lines) await c.say(line);
    return c;
  };
}

/** A fresh conversation that starts the warning-sign check, then says `line` at its first question. */
export async function saidInTheCheck(open: () => Promise<Chat>, line: string): Promise<Chat> {
  const c = await open();
  await c.say("check if it's serious");
  expect(c.inCheck()).toBe(true);
  await c.say(line);
  return c;
}
