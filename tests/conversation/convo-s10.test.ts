// Session 10's conversation gaps (issues #11 and #14), each a mechanism shown with wordings of its
// own (not the persona scripts that found them):
// - a warning sign said to be there now gets the urgent advice at once, even inside a "what if"
//   question; a pure hypothetical still gets an answer with the safety-netting, not the advice;
// - after urgent advice, "should I just lie down for a bit?" is staying instead of going: the
//   advice again, first and marked urgent; the short reminder at the offer is marked urgent too;
// - "what if" and worry questions about having a condition get the plain "I can't tell" first;
// - a fear of an old cancer come back is acknowledged before the advice;
// - a hinted question about the bladder, bowel and sex side ("the waterworks") gets the signs to
//   act on straight away;
// - at the duration question, an answer with words of another language is an answer;
// - at the call-back's "good time to call?" question, a question is answered, not saved as the time.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const urgent = (c: Chat): boolean => c.last.some((a) => dataOf(a)?.urgent === true);
const levels = (c: Chat): string[] => c.last.flatMap((a) => dataOf(a)?.triage?.level ?? []);
const CANT_TELL = /I can't tell/;

describe('a sign that is there now, asked about as a question', () => {
  it.each([
    ["could this be something bad? there's a ripping pain through my back into my stomach right now and I'm going dizzy"],
    ['what happens if you get crushing chest pain with back pain? because I have it right now'],
  ])('%j gets the urgent advice at once', async (message) => {
    const c = await chat();
    await c.say(message);
    expect(urgent(c)).toBe(true);
    expect(levels(c)).toContain('emergency_ambulance');
  });

  it('a pure "what if" gets an answer with the safety-netting, not the urgent advice', async () => {
    const c = await chat();
    await c.say('what if I ever got a sudden tearing pain in my back and belly, what would that mean?');
    expect(urgent(c)).toBe(false);
    expect(c.text()).toMatch(/911/);
  });

  // "Now" said of being well: the time words say the sign is NOT there now (before this, this
  // wording got the urgent advice from the "right now" rule).
  it.each([["what would it mean if my grandad started wetting himself with his back pain? he's fine at the moment, just want to know what to look out for"]])(
    '%j is not a report: no urgent advice',
    async (message) => {
      const c = await chat();
      await c.say(message);
      expect(urgent(c)).toBe(false);
      expect(levels(c)).toEqual([]);
    },
  );
});

describe('after urgent advice, resting instead of going', () => {
  // Something else first ("shall I go through your questions first?") is putting off going too.
  it('"shall I go through your questions first?" after numbness between the legs gets the advice again, first and urgent', async () => {
    const c = await chat();
    await c.say("I've gone numb between my legs since this morning");
    expect(urgent(c)).toBe(true);
    await c.say('shall I go through your questions first?');
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
    expect(c.last[0]!.text).toMatch(/emergency room/);
  });

  it.each([['can I just lie down for a while first?'], ['should I sit down and rest?']])('%j gets the advice again, first and urgent', async (message) => {
    const c = await chat();
    await c.say('I have a crushing pain in my chest and my back, it started a few minutes ago');
    expect(urgent(c)).toBe(true);
    await c.say(message);
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
    expect(c.last[0]!.text).toMatch(/911/);
  });

  it('the short reminder at the offer after the advice is marked urgent', async () => {
    const c = await chat();
    await c.say("I can't feel anything when I wipe since this morning");
    expect(urgent(c)).toBe(true);
    await c.say('put me through to someone');
    const reminder = c.last.find((a) => /please remember/i.test(a.text ?? ''));
    expect(reminder).toBeDefined();
    expect(dataOf(reminder!)?.urgent).toBe(true);
  });
});

describe('"what if" and worry questions about having a condition', () => {
  it.each([
    ["what if I've got stenosis?", /stenosis/i],
    ["I'm scared it's piriformis syndrome", /piriformis/i],
    ["what if it's a tumour growing on my spine?", /doctor/i],
    ['could it just be a pulled muscle?', /check/i],
  ])('%j: the plain "can\'t tell" first, then what points to it', async (message, then) => {
    const c = await chat();
    await c.say(message);
    const texts = c.last.map((a) => a.text ?? '');
    const at = texts.findIndex((t) => CANT_TELL.test(t));
    expect(at).toBeGreaterThanOrEqual(0);
    // Nothing but an acknowledgement before it.
    for (const t of texts.slice(0, at)) expect(t).toMatch(/worr|understand|hear/i);
    expect(texts.slice(at).join('\n')).toMatch(then);
  });
});

describe('a fear of cancer come back', () => {
  it('is acknowledged first, and the advice to see a doctor still given', async () => {
    const c = await chat();
    await c.say('I had bowel cancer a few years back and now my lower back aches when I lift my leg. What if it has spread?');
    expect(c.last[0]!.text).toMatch(/worr|understand|hear/i);
    expect(levels(c).length).toBeGreaterThan(0);
    expect(c.text()).toMatch(/doctor/i);
  });
});

describe('a hinted question about the bladder, bowel and sex side', () => {
  it.each([['does sciatica mess with the waterworks at all?'], ['can a bad disc cause problems in the bedroom department?']])(
    '%j gets the signs to act on straight away, without urgent advice',
    async (message) => {
      const c = await chat();
      await c.say(message);
      expect(c.text()).toMatch(/bladder|bowel|peeing/i);
      expect(c.text()).toMatch(/emergency room/i);
      expect(urgent(c)).toBe(false);
    },
  );
});

/** Answers "no" through the check up to its duration question (the age as 52). */
async function toDurationQuestion(c: Chat): Promise<void> {
  await c.tap("Check if it's serious");
  for (let i = 0; i < 25 && c.inCheck(); i++) {
    const ask = c.asked()!;
    if (ask.evidence === 'duration_weeks') return;
    if (ask.evidence === 'age') await c.say('52');
    else await c.answerNo();
  }
  throw new Error('the check asked no duration');
}

describe('at the duration question, an answer mixed with another language', () => {
  it('"tres semanas, three weeks" is the answer: the outcome follows', async () => {
    const c = await chat();
    await toDurationQuestion(c);
    await c.say('tres semanas, three weeks');
    expect(c.last.map(dataOf).some((d) => d?.triage?.final)).toBe(true);
    expect(c.text()).not.toMatch(/only chat in English/i);
  });

  it('a message in another language alone is still told that Backline speaks English', async () => {
    const c = await chat();
    await toDurationQuestion(c);
    await c.say('no entiendo la pregunta, lo siento');
    expect(c.text()).toMatch(/English/);
    expect(c.asked()?.evidence).toBe('duration_weeks');
  });
});

/** Asks for a person with nobody free, gives a number, and reaches "When is a good time to reach you?". */
async function toCallbackTime(c: Chat): Promise<void> {
  await c.say('talk to a person');
  await c.say('yes');
  await c.say('07700 900456');
  await c.say('yes');
  expect(c.asked()?.node).toBe('support.callback_time');
}

describe('a question typed at the call-back details', () => {
  it('is answered, the time asked again, and the flow carries on', async () => {
    const c = await chat();
    await toCallbackTime(c);
    await c.say('can I take paracetamol until they phone me?');
    expect(c.text()).toMatch(/paracetamol|acetaminophen|pharmacist|leaflet/i);
    expect(c.asked()?.node).toBe('support.callback_time');
    await c.say('weekday mornings');
    expect(c.asked()?.node).toBe('support.callback_consent');
  });

  it('a time given with a question mark is still the time', async () => {
    const c = await chat();
    await toCallbackTime(c);
    await c.say('after 6pm?');
    expect(c.asked()?.node).toBe('support.callback_consent');
  });
});

describe('right after crisis help, talk of the pills', () => {
  it('"haven\'t done it yet" and "how much would it take" get the crisis help again, never the check or a dose', async () => {
    const c = await chat();
    await c.say("I've been saving up my tramadol for weeks and I keep thinking about swallowing the lot");
    expect(c.last.some((a) => dataOf(a)?.crisis === true)).toBe(true);
    for (const message of ["I haven't done it yet", 'how much would it take though']) {
      await c.say(message);
      expect(c.last.some((a) => dataOf(a)?.crisis === true)).toBe(true);
      expect(c.last.some((a) => dataOf(a)?.ask?.node?.startsWith('red_flags.'))).toBe(false);
      expect(c.text()).not.toMatch(/\b\d+\s?(mg|tablets)\b/i);
    }
  });
});
