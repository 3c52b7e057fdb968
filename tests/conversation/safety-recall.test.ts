// Safety v2 (issue #11), the recall half in conversation: warning signs said the ways the
// detectors used to miss (a fall told as an event, a wet bed, retention in slang, a carer's
// possessive, the saddle area said indirectly) and a crisis told across two clauses each get
// urgent advice or crisis help in the VERY NEXT reply, also inside an answer to a question.
// Wordings are written for these tests, never taken from the development sets.
import { describe, expect, it } from 'vitest';
import { expectCrisisFirst, expectNoCrisis, expectUrgentFirst, SAFETY_NUMBERS, saidInTheCheck, safetyChats } from '../helpers/safety.js';

const chat = safetyChats();

describe('warning signs said the ways that were missed: urgent advice in the next reply', () => {
  it.each([
    ["my mum's 81, she missed the last stair and came down hard on her bottom last night, now her back hurts when she lifts her leg", 'emergency'],
    ['the carers found my grandad on the floor of his bedroom this morning and now his back is sore', 'emergency'],
    ["woke up this morning and the mattress was wet, I'm 45 and that has never happened, my back is killing me", 'emergency'],
    ['not had a wee since yesterday lunchtime n i dont even feel like i need one, back is agony', 'emergency'],
    ['my husband has pins and needles in both of his feet now and his back is bad', 'emergency'],
    ['my wife says the bit between her legs feels numb, like after a filling at the dentist', 'emergency'],
    ['we tried to make love last night and he felt nothing at all, his back went last week', 'emergency'],
  ])('"%s" -> %s advice first', async (text, level) => {
    const c = await chat(text);
    expectUrgentFirst(c, level);
  });

  it('a wet bed told inside an answer to the age question still gets the advice at once', async () => {
    const c = await chat("check if it's serious");
    for (let i = 0; i < 25 && c.inCheck() && c.asked()?.kind !== 'age'; i++) await c.answerNo();
    expect(c.asked()?.kind).toBe('age');
    await c.say("I'm 52 and the bed was wet when I woke up, never happened before");
    expectUrgentFirst(c, 'emergency');
  });
});

describe('crisis told across two clauses, or in non-native wording: crisis help in the next reply', () => {
  it.each([
    // a medicine in one sentence and more than a day allows in the next: the overdose help, with the poison line
    ["I've been on tramadol for my back. Took about 12 today", SAFETY_NUMBERS.POISON_LINE],
    ['i no want to live no more with this back', SAFETY_NUMBERS.CRISIS_LINE],
  ])('"%s" (with %s)', async (text, number) => {
    const c = await chat(text);
    expectCrisisFirst(c);
    expect(c.last[0]!.text).toContain(number);
  });

  it('during the warning-sign check, an overdose in a "no, but..." answer is crisis help first', async () => {
    expectCrisisFirst(await saidInTheCheck(chat, 'no. but i took my co-codamol earlier... had 15 since this morning'));
  });

  it('an ordinary question about a daily amount gets no crisis help', async () => {
    expectNoCrisis(await chat('I take ibuprofen for my back. Is it ok to have 10 a day?'));
  });
});
