// Safety recall, session 5 (issue #11): the mechanisms behind the blind sets' remaining misses,
// each asserting what the VERY NEXT reply does.
//   - A cauda equina sign whose only doubt is its wording (a hedge, a pattern that only
//     suggests it, a topic word with a word of change) gets the urgent advice at once, with no
//     confirming question (`reported_when_unsure` in knowledge/red-flags.yaml).
//   - A sign told with "is that normal" / "is that ok" and no question mark is a report, not a
//     part said to be fine.
//   - Doubt about whether it is happening (a bare question) still gets the advice FIRST, then
//     one question; a "no" takes nothing back.
//   - Crisis said in new shapes (better without me, no reason for living, death as a relief,
//     a goodbye then silence, burning on purpose, an empty packet found), by the person or a
//     carer, gets crisis help first; figures of speech do not.
// Wordings are written for these tests, never taken from the development or blind sets.
import { describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/backline.js';
import { expectCrisisFirst, expectNoCrisis, expectUrgentFirst, saidInTheCheck, safetyChats } from '../helpers/safety.js';

const chat = safetyChats();

describe('a cauda equina sign whose only doubt is its wording: advice at once, no question first', () => {
  it.each([
    // a hedge
    ['I think I might have wet myself without noticing, my back went on Friday'],
    // a topic word with a word of change (the topic fallback)
    ['something weird going on with my bowels since the back went'],
    // patterns that only suggest it ("leak", "water works")
    ['i leak when i walk about now'],
    ['my water works are playing up since my back went'],
  ])('"%s"', async (text) => {
    const c = await chat(text);
    expectUrgentFirst(c, 'emergency');
    expect(c.askedNode(), c.text()).not.toBe('confirm_flags');
  });
});

describe('a sign told with "is that normal" and no question mark is a report', () => {
  it.each([
    ['both my legs went numb this morning is that normal'],
    ['i cant feel my bum when i sit on the loo is that ok'],
    ['my mum cant feel herself wee anymore is that normal for a bad back'],
  ])('"%s" -> emergency advice first', async (text) => {
    const c = await chat(text);
    expectUrgentFirst(c, 'emergency');
  });
});

describe('a possible cauda equina sign (doubt about whether): the advice first, then one question', () => {
  it('a bare question about numbness down below: advice, then a neutral question; a "no" takes nothing back', async () => {
    const c = await chat('is it normal to have numbness down below?');
    expectUrgentFirst(c, 'emergency');
    expect(c.askedNode(), c.text()).toBe('confirm_flags');
    await c.say('no');
    expect(
      c.last.some((a) => dataOf(a)?.triage?.level === 'self_care'),
      c.text(),
    ).toBe(false);
  });

  it('the same sign typed at a question of the check gets the advice in that reply', async () => {
    expectUrgentFirst(await saidInTheCheck(chat, 'not sure, something weird going on with my bowels since the back went'), 'emergency');
  });
});

describe('crisis in new shapes, by the person or a carer: crisis help first', () => {
  it.each([
    ['i feel like everyone better without me'],
    ['i have no reason for living with this pain'],
    ['i keep thinking dying would be a relief from this back'],
    ["what's the point of going on like this, every day the same pain"],
    ['she burned her arm with a lighter on purpose last night'],
    ['we found dad next to an empty packet of his sleeping tablets'],
  ])('"%s"', async (text) => {
    expectCrisisFirst(await chat(text));
  });

  it('said in the middle of the warning-sign check', async () => {
    expectCrisisFirst(await saidInTheCheck(chat, 'no. honestly i have no reason for living with this pain'));
  });

  it('a figure of speech is not a crisis', async () => {
    expectNoCrisis(await chat('the overdose of exercise at the gym wrecked my back lol'));
  });
});
