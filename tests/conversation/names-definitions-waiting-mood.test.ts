// Session-8 persona gaps closed by mechanism (issue #14), in other wordings than the persona set:
// condition names misspelt or dictated as two words ("sci atica"), "wear and tear"; a definition
// question ("could you tell me what piriformis syndrome is") gets the explanation, not "can't
// tell"; "is my leg pain caused by X?" is a diagnosis question, answered plainly beside urgent
// advice too; "what can I really do while I wait for my operation" is self-care; a question at
// "Stop the check?" leaves the check; low mood is heard in one sentence first.
import { describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const CANT_TELL = /\bcan(?:'|’)t tell\b/i;
const OUT_OF_SCOPE = /outside what I can help with/i;
const isCheckQuestion = (c: Awaited<ReturnType<typeof chat>>): boolean =>
  c.last.map(dataOf).some((d) => d?.ask?.evidence !== undefined || d?.ask?.progress !== undefined);

describe('condition names dictated, misspelt or said as "wear and tear"', () => {
  it.each([
    ['could this be the osteo arthritis my GP mentioned', /osteoarthritis/i],
    ['is it sci atica in my leg', /sciatica/i],
    ['is it the arthur itis', /arthritis/i],
    ['my doctor says wear and tear, is that what this is', /osteoarthritis/i],
  ])('%j: the plain "can\'t tell" about the condition', async (text, condition) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(condition);
  });

  it('two ordinary words are not joined into a condition name', async () => {
    const c = await chat();
    await c.say('is it the art of sitting well that helps');
    expect(c.text()).not.toMatch(/osteoarthritis/i);
  });
});

describe('a definition question gets the explanation', () => {
  it.each([
    ['could you tell me what piriformis syndrome is', /piriformis/i],
    ['can you tell me what spinal stenosis means', /narrow/i],
  ])('%j', async (text, explained) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(explained);
    expect(c.text()).not.toMatch(CANT_TELL);
  });

  it('"can you tell me what my problem is" is still a diagnosis question', async () => {
    const c = await chat();
    await c.say('can you tell me what my problem is');
    expect(c.text()).toMatch(CANT_TELL);
  });
});

describe('"is my pain from X?" asks for a diagnosis', () => {
  it('alone: the plain answer', async () => {
    const c = await chat();
    await c.say('could my leg pain be caused by a herniated disc');
    expect(c.text()).toMatch(CANT_TELL);
  });

  it('beside a history that needs a doctor today: the advice and the plain answer', async () => {
    const c = await chat();
    await c.say('I was treated for prostate cancer a few years back, is my back ache coming from a disc?');
    expect(c.text()).toMatch(/doctor today|24 hours/i);
    expect(c.text()).toMatch(CANT_TELL);
  });
});

describe('waiting for an operation: what helps meanwhile', () => {
  it.each([
    'so what can I even do while I wait',
    'anything I can try in the meantime?',
    'what can I really do while I wait for my operation',
    'ways to cope until my surgery next spring?',
  ])('%j', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    expect(c.text()).toMatch(/home|keep moving|stretch|heat/i);
  });
});

describe('a question at "Stop the check?" leaves the check', () => {
  it('the question is answered and the check is not asked again', async () => {
    const c = await chat();
    await c.say('can you check my symptoms');
    await c.say('no');
    await c.say('stop this please');
    expect(c.text()).toMatch(/stop the check/i);
    await c.say('how long does sciatica usually last?');
    expect(c.text()).toMatch(/sciatica/i);
    expect(isCheckQuestion(c)).toBe(false);
  });

  it('"no" there still carries on with the check', async () => {
    const c = await chat();
    await c.say('can you check my symptoms');
    await c.say('no');
    await c.say('stop this please');
    await c.say('no');
    expect(isCheckQuestion(c)).toBe(true);
  });
});

describe('low mood is heard first, in one sentence', () => {
  it.each(['this back pain is really getting me down, it hurts when I raise my leg', "I've been feeling so depressed with my sciatica, what helps"])(
    '%j',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.last[0]!.text).toMatch(/feeling so low/i);
      expect(c.last.map(dataOf).some((d) => d?.crisis === true)).toBe(false);
      expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    },
  );
});
