// False-alarm mechanisms of session 5 (issue #11): one conversation per mechanism the gate now
// reads, written afresh (not the development sets' sentences). Each asserts the very next reply:
// no urgent advice, no triage level, no confirming question; a question about a sign is answered
// with safety-netting. Controls beside them: a sign reported with a question, after a question,
// or after a list of denials, still gets urgent advice at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, testBackline } from '../helpers/backline.js';
import { SAFETY_NUMBERS, expectNoAlarm, expectUrgentFirst } from '../helpers/safety.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ ...SAFETY_NUMBERS });
}, 120_000);
afterAll(async () => {
  await backline.close();
});

const chat = () => new Chat(backline).open();
const say = async (text: string) => {
  const c = await chat();
  await c.say(text);
  return c;
};

describe('questions about a sign: an answer, not a flag or a confirming question', () => {
  it('a question that defines a cauda equina sign, with "when should I worry" (no question mark)', async () => {
    expectNoAlarm(await say('what exactly is urinary retention and when should i worry about it'));
  });

  it('a general question about a risk, with nobody named as having it', async () => {
    expectNoAlarm(await say('do steroid inhalers thin your bones?'));
  });

  it('why the doctors ask about a sign', async () => {
    expectNoAlarm(await say('why do physios always ask about numbness between the legs?'));
  });
});

describe('who and when: someone else, or over', () => {
  it('a relative with a history, and another relative who has the back pain', async () => {
    expectNoAlarm(await say('my grandma had bowel cancer a long time ago and now my wife has a bad back when she lifts her leg, any exercises?'));
  });

  it('an infection fully treated', async () => {
    expectNoAlarm(await say('had a water infection in the summer, fully treated, now just the usual back ache when i lift my leg'));
  });

  it('chest pains long explained, "no problems since"', async () => {
    expectNoAlarm(await say('had chest pains two years ago that turned out to be indigestion, no problems since. my back hurts lifting my leg'));
  });

  it('an accident ten year ago (singular), with no injury', async () => {
    expectNoAlarm(await say('i was in a car crash 20 year ago but it was nothing, this back ache started last week from the garden'));
  });
});

describe('other senses of the words', () => {
  it('hot and sweaty from a run', async () => {
    expectNoAlarm(await say('i get really hot and sweaty after a run and then my back stiffens up when i lift my leg'));
  });

  it('fainting at a bill, not with the pain', async () => {
    expectNoAlarm(await say('nearly fainted when the garage gave me the bill, my back is still stiff though'));
  });

  it('legs weak after the gym', async () => {
    expectNoAlarm(await say('my leg feels weak after squats at the gym, is stretching good for my back?'));
  });

  it('pain in bed that a pillow between the knees settles', async () => {
    expectNoAlarm(await say('my back aches in bed but a pillow between my knees makes it much better'));
  });
});

describe('denials over several clauses', () => {
  it('"no numbness anywhere, no wee problems, no temperature"', async () => {
    expectNoAlarm(await say('no numbness anywhere, no wee problems, no temperature, just a sore back when i lift my leg'));
  });
});

describe('controls: the same shapes with a real sign still get urgent advice at once', () => {
  it('a sign reported with a question', async () => {
    expectUrgentFirst(await say("I can't feel my bum or my bits since this morning, is that serious?"), 'emergency');
  });

  it('asked about, then said to be happening', async () => {
    const c = await say('is it bad if both your legs go numb? mine have since this morning');
    // Urgent advice in this very turn (after, at most, one line acknowledging the worry).
    expect(c.triageLevels(), c.text()).toContain('emergency');
  });

  it('a list of denials, then the sign in its own clause', async () => {
    expectUrgentFirst(await say("no fever, no weakness, but I can't feel my bum when I wipe since yesterday"), 'emergency');
  });

  it('a sorted sign that came back', async () => {
    expectUrgentFirst(await say('had numbness down below after a disc problem years ago that physio sorted, but it came back yesterday'), 'emergency');
  });

  it('a relative with a history who is the one with the back pain', async () => {
    const c = await say('my dad had bowel cancer a few years ago and now his back hurts at night and when he lifts his leg');
    expect(c.triageLevels().length + (c.askedNode() === 'confirm_flags' ? 1 : 0), c.text()).toBeGreaterThan(0);
  });
});
