// Session 9's conversation leftovers (issue #14), each a mechanism shown with several wordings:
// - a question about an activity or exercise ("ok but swimming though?", "can I still go to the
//   gym?") is answered from the articles' words about staying active, or honestly in short with
//   who can advise; never "outside what I can help with". Right after urgent advice it gets the
//   advice again first, and no "it's fine to exercise";
// - a diagnosis question beside another question ("do I have sciatica and what helps the pain?")
//   gets the plain "can't tell" and then the other question's answer: neither is dropped;
// - at a confirmation (deleting one's data, consent to be contacted), a question or an unrelated
//   message is no yes, whatever "ok" it starts with: the question is answered, or the message
//   heard, and the confirmation asked again. A clear yes ("yes please delete it all") still is one.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const OUT_OF_SCOPE = /outside what I can help with/i;
const CANT_TELL = /I can't tell/;
const DELETED = /I have deleted/i;
const DELETE_QUESTION = /delete everything saved from this conversation/i;
const CONSENT_QUESTION = /May the research teams? contact you/;
/** Answers that fit every example trial (tests/conversation/trials.test.ts). */
const ELIGIBLE: Record<string, string> = {
  diagnosed: 'yes',
  age: "I'm 40",
  leg_pain: 'yes',
  medication: 'yes',
  blood_thinners: 'no',
  pregnant: 'no',
  recent_surgery: 'no',
};
const urgentFirst = (c: Chat): boolean => Boolean(dataOf(c.last[0]!)?.urgent);

describe('a question about an activity or exercise', () => {
  it.each([
    ['is swimming good for my back?', /swimming/i],
    ['can I still go to the gym with this?', /physical therapist|doctor/i],
    ['what about yoga?', /yoga/i],
    ['is it ok to go running with a bad back', /physical therapist|doctor/i],
    ['should i stop walking my dog', /walk/i],
    ['is yoga or pilates better for sciatica', /yoga/i],
    ['can i go swimming with my herniated disc', /swimming/i],
  ])('%j is answered about staying active, with who can advise', async (text, named) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    expect(c.text()).not.toMatch(/Did you mean/i);
    expect(c.text()).toMatch(/activ|moving|exercise/i);
    expect(c.text()).toMatch(named);
  });

  it('after an article, "ok but swimming though?" is answered too', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    await c.say('ok but swimming though?');
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    expect(c.text()).toMatch(/swimming/i);
  });

  it.each(['ok but swimming though?', 'can I still go to the gym tonight?'])(
    '%j right after urgent advice: the advice again first, the activity answered, never out of scope or "fine to exercise"',
    async (text) => {
      const c = await chat();
      await c.say('i cant feel anything when i wipe my bottom since this morning');
      expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(true);
      await c.say(text);
      expect(urgentFirst(c)).toBe(true);
      expect(c.text()).not.toMatch(OUT_OF_SCOPE);
      expect(c.text()).toMatch(/swim|gym|exercis|activit/i);
      expect(c.text()).not.toMatch(/can be cared for at home|keep moving/i);
    },
  );

  it('in the check, an activity question is no answer: answered, then the same question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const evidence = c.askedEvidence();
    await c.say('is swimming ok?');
    expect(c.askedEvidence()).toBe(evidence);
    expect(c.text()).toMatch(/swimming/i);
    expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(false);
  });
});

describe('a diagnosis question beside another question: both answered', () => {
  it.each([
    ['do I have sciatica and what helps the pain?', /at home|moving|heat/i],
    ['is it a herniated disc? and will I need surgery?', /surgery|operation/i],
    ['could it be arthritis, also is an MRI needed?', /MRI|scan/i],
  ])('%j: "can\'t tell" first, then the other answer', async (text, other) => {
    const c = await chat();
    await c.say(text);
    const replies = c.last.map((a) => a.text ?? '');
    const cantTell = replies.findIndex((r) => CANT_TELL.test(r));
    const answer = replies.findIndex((r, i) => i > cantTell && other.test(r));
    expect(cantTell).toBeGreaterThanOrEqual(0);
    expect(answer).toBeGreaterThan(cantTell);
  });

  it('a diagnosis question alone still gets what usually points to the condition', async () => {
    const c = await chat();
    await c.say('do I have sciatica?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/usually points to it/i);
  });
});

describe('at a confirmation, a question or another topic is no yes', () => {
  async function atDeleteQuestion(): Promise<Chat> {
    const c = await chat();
    await c.say('forget me');
    expect(c.text()).toMatch(DELETE_QUESTION);
    return c;
  }

  it.each([
    'ok. is arachnoiditis even real or just made up',
    'yes but what happens to my trial request?',
    'ok my dog needs walking',
    'fine whatever, is this thing even run by doctors',
  ])('%j at "delete everything?" deletes nothing and asks again', async (text) => {
    const c = await atDeleteQuestion();
    await c.say(text);
    expect(c.text()).not.toMatch(DELETED);
    expect(c.text()).toMatch(DELETE_QUESTION);
  });

  it('a clear yes still deletes ("yes please delete it all")', async () => {
    const c = await atDeleteQuestion();
    await c.say('ok. is arachnoiditis even real or just made up');
    await c.say('yes please delete it all');
    expect(c.text()).toMatch(DELETED);
  });

  it.each(['ok, but will it cost me anything?', 'sure whatever, are these trials even safe'])(
    '%j at the consent to be contacted about a trial is no consent: asked again, no contact details asked for',
    async (text) => {
      const c = await chat();
      await c.tap('Clinical trials');
      await c.say('yes');
      for (let node = c.askedNode(); node?.startsWith('trials.screen.'); node = c.askedNode()) await c.say(ELIGIBLE[node.slice('trials.screen.'.length)]!);
      expect(c.text()).toMatch(CONSENT_QUESTION);
      await c.say(text);
      expect(c.text()).toMatch(CONSENT_QUESTION);
      expect(c.askedNode()).not.toBe('trials.q_contact');
      await c.say('yes');
      expect(c.askedNode()).toBe('trials.q_contact');
    },
  );
});
