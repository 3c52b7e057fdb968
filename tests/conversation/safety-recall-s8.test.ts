// Safety recall, session 8 (issue #11): worried people ASK. A real sign of one's own, now, told
// inside a question ("do I need A&E if I can't control my bowels since yesterday?", "should I
// worry that both my legs went numb this morning?") gets the urgent advice in the very next
// reply; a real question about a sign ("what would it mean if...", "if I ever...", "what is...")
// gets an answer with safety-netting (where to go if it is happening now), never an alarm.
// The line: a time that places the sign now (cues.present_report in knowledge/red-flags.yaml)
// or "should I worry THAT ..." makes it a report; "ever", "what if" or a rule someone heard keep
// it a question. Wordings are written for these tests, not taken from the development sets.
import { describe, expect, it } from 'vitest';
import type { Chat } from '../helpers/backline.js';
import { dataOf } from '../helpers/backline.js';
import { safetyChats, expectNoAlarm } from '../helpers/safety.js';

const chat = safetyChats();

/**
 * The urgent advice at this level is in this turn, with nothing asked before it: a worried
 * question may get one line of acknowledgement first ("I can hear this is worrying you"), never
 * a question.
 */
function expectUrgentNow(c: Chat, level: string): void {
  const at = c.last.findIndex((a) => dataOf(a)?.triage !== undefined);
  expect(at, c.text()).toBeGreaterThanOrEqual(0);
  const advice = c.last[at]!;
  expect(dataOf(advice)?.triage?.level, c.text()).toBe(level);
  expect(dataOf(advice)?.urgent).toBe(true);
  expect(advice.text).toMatch(/112/);
  for (const before of c.last.slice(0, at)) expect(before.text ?? '', c.text()).not.toMatch(/\?/);
}

describe("a sign of one's own, now, told inside a question: urgent advice in the next reply", () => {
  it.each([
    ['do I need to go to A&E if I cant hold my wee since this morning?', 'emergency'],
    ['do i need a doctor if my bum has been numb since yesterday?', 'emergency'],
    ['should I worry that both my legs went tingly this morning?', 'emergency'],
    ['is it bad that my left leg has gone numb as well now, the right one already was?', 'emergency'],
    ['do I need hospital if I have messed myself twice today without feeling it?', 'emergency'],
    ['do I need an ambulance if I have a sudden tearing pain in my back right now?', 'emergency_ambulance'],
    ['should I worry that I got chest pain with my back pain an hour ago?', 'emergency_ambulance'],
    ['do I need to go in if my foot keeps slapping down and I tripped twice today?', 'emergency'],
  ])('"%s" -> %s', async (text, level) => {
    const c = await chat();
    await c.say(text);
    expectUrgentNow(c, level);
  });
});

describe('a question about a sign, a hypothetical or a rule someone heard: an answer with safety-netting, no alarm', () => {
  it.each([
    ['what would it mean if I couldnt feel my bum when I wipe?'],
    ['if I ever lost control of my bowels, should I go to A&E?'],
    ['if both my legs ever went numb, would that be an emergency?'],
    ['my mate keeps saying if you cant feel your bum you must go to A&E, is that right?'],
    ['what is saddle numbness?'],
  ])('"%s"', async (text) => {
    const c = await chat();
    await c.say(text);
    expectNoAlarm(c);
    // Safety-netting: where to go if it is happening now.
    expect(c.text()).toMatch(/emergency (?:department|room)|A&E|112/i);
  });
});
