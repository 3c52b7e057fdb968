// Session 7's conversation mechanisms (issue #14), each shown with wordings that are in no persona
// file, so a pass means the rule generalises rather than a sentence being known:
// - a short follow-up about the condition in context asks whether one has it ("is my mum's doctor
//   right then?"), and a condition named bare ("maybe stenosis?") is asked about too;
// - loneliness and being dismissed by doctors are heard before anything else;
// - a complaint in the check is not a request to stop (asking to stop still needs the confirmation);
// - a medicine with other medicines, pregnancy or a health condition goes to a pharmacist or doctor;
// - a dose question asked again, even after other topics, gets the short "As I said" form;
// - an insult with a question in it gets the question answered;
// - misspelt headline words are not "outside what I can help with".
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const CANT_TELL = /I can't tell/;
const OUT_OF_SCOPE = /outside what I can help with/;
const ACKNOWLEDGES = /sorry|understand|hear|worr|frustrat|hard|must be/i;
const DOSE = /\b\d+\s?(?:mg|ml|tablets?|pills?|capsules?)\b|\bevery\s+\d+\s*hours?\b|\b(?:once|twice|\d+ times)\s+a\s+day\b/i;
const DOSE_ANSWER = /I can't give doses/;

const first = (c: Chat): string => c.last[0]?.text ?? '';
const inCheckAt = (c: Chat): string | undefined => c.askedEvidence();

describe('short follow-ups about the condition in context get the plain "can\'t tell"', () => {
  it('"is my mum\'s doctor right then?" after reading about spinal stenosis', async () => {
    const c = await chat();
    await c.say("what's spinal stenosis");
    await c.say("is my mum's doctor right then?");
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/stenosis/i);
  });

  it('"my physio reckons its that, is she right?" after reading about piriformis, then "so i have it then?" gets the short form', async () => {
    const c = await chat();
    await c.say('what is piriformis syndrome');
    await c.say('my physio reckons its that, is she right?');
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(/piriformis/i);
    const full = c.text();
    await c.say('so i have it then?');
    expect(c.text()).toMatch(/^As I said, I can't tell/);
    expect(c.text()).not.toBe(full);
  });

  it('"does my husband have it then?" after reading about sciatica is worded for him', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    await c.say('does my husband have it then?');
    expect(c.text()).toMatch(/I can't tell what's causing his pain/);
  });

  it.each(['maybe stenosis?', 'so its a disc then?'])('a condition named bare, "%s", is asked about', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(CANT_TELL);
  });

  it('"arthritis or not?" after another topic gets "As I said", not the same reply', async () => {
    const c = await chat();
    await c.say('could it be arthritis?');
    expect(c.text()).toMatch(CANT_TELL);
    await c.say('what helps at home');
    await c.say('arthritis or not?');
    expect(c.text()).toMatch(/^As I said, I can't tell/);
  });

  it('a comment on what was read ("is that true?") is not taken for a diagnosis question', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    await c.say('so that is true then?');
    expect(c.text()).not.toMatch(CANT_TELL);
  });

  it('"could this be a tumour?" is worry heard first, then the plain "can\'t tell"', async () => {
    const c = await chat();
    await c.say('could this be a tumour?');
    expect(first(c)).toMatch(ACKNOWLEDGES);
    expect(c.text()).toMatch(CANT_TELL);
  });
});

describe('feelings are heard before anything else', () => {
  it('living alone with it', async () => {
    const c = await chat();
    await c.say('i live by myself and have nobody to help me with this back');
    expect(first(c)).toMatch(/on your own/);
  });

  it('being dismissed by a doctor, with the pain described', async () => {
    const c = await chat();
    await c.say('my gp just dismisses me every time, says its nothing. my back hurts lifting my leg');
    expect(first(c)).toMatch(/brushed off/);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });

  it('an insult with a question in it: heard, then the question answered', async () => {
    const c = await chat();
    await c.say("you're useless, do i have a slipped disc or not");
    expect(first(c)).toMatch(ACKNOWLEDGES);
    expect(c.text()).toMatch(CANT_TELL);
  });
});

describe('in the check, a complaint is not a request to stop', () => {
  it('"this is ridiculous, stupid questions" keeps the question; "i want to stop the check" asks to confirm', async () => {
    const c = await chat();
    await c.say('do the check');
    await c.say('no');
    const at = inCheckAt(c);
    expect(at).toBeDefined();
    await c.say('this is ridiculous, stupid questions');
    expect(first(c)).toMatch(ACKNOWLEDGES);
    expect(inCheckAt(c)).toBe(at);
    await c.say('no');
    expect(inCheckAt(c)).toBeDefined();
    expect(inCheckAt(c)).not.toBe(at);
    await c.say('i want to stop the check');
    expect(c.text()).toMatch(/Stop the check\?/);
    const ask = [...c.last]
      .reverse()
      .map(dataOf)
      .find((d) => d?.ask)?.ask;
    expect(ask?.kind).toBe('yes_no');
  });
});

describe("medicine questions: no doses, someone else's prescription never, safety checked by a pharmacist", () => {
  it.each(['is naproxen safe during pregnancy?', "I'm breastfeeding, can I take ibuprofen for my back?"])(
    '"%s" goes to a pharmacist or doctor',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.text()).toMatch(/pharmacist/);
      expect(c.text()).not.toMatch(DOSE);
    },
  );

  it('"i\'m on warfarin though" after a medicine was named', async () => {
    const c = await chat();
    await c.say('is naproxen ok for my back');
    await c.say("i'm on warfarin though");
    expect(c.text()).toMatch(/pharmacist or doctor/);
    expect(c.text()).not.toMatch(DOSE);
  });

  it('"can I use my husband\'s pregabalin for my back" is never encouraged', async () => {
    const c = await chat();
    await c.say("can I use my husband's pregabalin for my back");
    expect(c.text()).toMatch(/prescribed for someone else/);
    expect(c.text()).not.toMatch(DOSE);
  });

  it('a dose question after other topics gets the short form, not the same reply', async () => {
    const c = await chat();
    await c.say('how many co-codamol can I have');
    expect(c.text()).toMatch(DOSE_ANSWER);
    const full = c.last[0]?.text;
    await c.say('what exercises help');
    await c.say('and how many co-codamol again?');
    expect(first(c)).toMatch(/^As I said, I can't give doses/);
    expect(c.last.map((a) => a.text)).not.toContain(full);
    expect(c.text()).not.toMatch(DOSE);
  });

  it('"how many should i take" after a painkiller question is a dose question', async () => {
    const c = await chat();
    await c.say('whats the best painkiller i can get at the chemist');
    await c.say('how many should i take');
    expect(c.text()).toMatch(DOSE_ANSWER);
    expect(c.text()).not.toMatch(DOSE);
  });
});

describe('misspelt headline words', () => {
  it.each(['my bakc is sore agian wen i lift my leg', 'my bak hurts agen'])('"%s" is about the headline topic', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });
});

describe('at a question outside the check, something asked "in the meantime" is not an answer', () => {
  it('"ok, meanwhile what is sciatica?" at the call-back offer: answered, and the offer asked again (not taken as yes)', async () => {
    const c = await chat();
    await c.say('can I talk to a real person please');
    expect(c.text()).toMatch(/call or email you back/);
    await c.say('ok, meanwhile what is sciatica?');
    expect(c.text()).toMatch(/sciatic nerve/i);
    expect(c.text()).not.toMatch(/phone number or email address should they use/);
    expect(c.text()).toMatch(/call or email you back/);
  });
});
