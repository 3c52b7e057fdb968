// The honest "can't tell" (issue #14) wherever a message asks for a diagnosis: "do I have it?"
// about the condition last discussed (or in general when none was), a cause asked about ("could it
// be from my old injury?"), a "what is it" after a description of the pain, and a diagnosis
// question among other questions in one message (each of them answered). Wordings differ from the
// persona sets on purpose: the mechanism is tested, not one sentence.
import { describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const CANT_TELL = /\bcan(?:'|’)t tell\b/i;
const DOSE = /\b\d+\s?(?:mg|tablets?|pills?|capsules?)\b|\bevery\s+\d+\s*hours?\b/i;

describe('"do I have it?" with a pronoun', () => {
  it('is about the condition an aside named at a question outside the check', async () => {
    const c = await chat();
    await c.say('can I talk to a real person please');
    const node = c.askedNode();
    expect(node).toBeDefined();
    await c.say('meanwhile, what is arachnoiditis? my GP brought it up');
    expect(c.text()).toMatch(/arachnoiditis/i);
    await c.say('so have I got it?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/arachnoiditis/i);
    // The question waiting is asked again, not dropped.
    expect(c.askedNode()).toBe(node);
  });

  it('in the check, after an aside about a condition: the short answer, and the same question again', async () => {
    const c = await chat();
    await c.say('please check my symptoms for warning signs');
    const evidence = c.askedEvidence();
    await c.say('what is piriformis syndrome');
    expect(c.text()).toMatch(/piriformis/i);
    expect(c.askedEvidence()).toBe(evidence);
    await c.say('do I have that?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.askedEvidence()).toBe(evidence);
    expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(false);
  });

  it('with nothing discussed yet: the general "can\'t tell", no condition guessed', async () => {
    const c = await chat();
    await c.say('does my husband have it?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).not.toMatch(/if it's (sciatica|piriformis|spinal stenosis|arachnoiditis|herniated)/i);
  });
});

describe('"have it" about something else is no diagnosis question', () => {
  it.each(['could I have it?', 'may I have it now'])('%j after a medicine was named', async (text) => {
    const c = await chat();
    await c.say("there's some naproxen in the cupboard");
    await c.say(text);
    expect(c.text()).not.toMatch(/can(?:'|’)t tell (?:you )?what/i);
  });
});

describe('a cause asked about', () => {
  it.each(['could it be from my old football injury?', 'is it my heavy handbag pressing on a nerve?', 'might this be because of my new mattress'])(
    '%j gets the plain "can\'t tell"',
    async (text) => {
      const c = await chat();
      await c.say('my lower back hurts when I raise my leg');
      await c.say(text);
      expect(c.text()).toMatch(CANT_TELL);
    },
  );
});

describe('"what is it" after a description of the pain', () => {
  it.each(['Sharp pain down my right leg when I bend over, since Monday. Whats that?', 'my back aches when i lift my leg up in bed. any idea what it is'])(
    '%j',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.text()).toMatch(CANT_TELL);
      expect(c.text()).not.toMatch(/outside what I can help with/i);
    },
  );

  it('"what is it" alone after an article is not a diagnosis question', async () => {
    const c = await chat();
    await c.say('tell me about spinal stenosis');
    await c.say('what is it');
    expect(c.text()).not.toMatch(CANT_TELL);
  });
});

describe('a diagnosis question among other questions', () => {
  it.each([
    'Do I have arthritis? Also how much paracetamol can I take',
    'is it piriformis or stenosis + can I take 3 tablets at a time',
    'how many naproxen can I have, and is this a trapped nerve?',
  ])('%j: the plain "can\'t tell" and the dose answer, no dose', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/pharmacist|leaflet/i);
    expect(c.text()).not.toMatch(DOSE);
  });
});
