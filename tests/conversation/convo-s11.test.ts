// Session 11's conversation gaps (issue #14), each a mechanism shown with wordings of its own (not
// the persona scripts that found them):
// - condition names as a voice-to-text keyboard writes them ("sigh attica", "author itis", a name
//   split in two) are heard as the condition, in a definition question too ("what is lumbar sten
//   oasis, the specialist mentioned it", "... what does that mean");
// - a condition's name asked on its own beside a description of the pain ("... down my leg.
//   slipped disc?"), a clinician's word for it ("is this L4 radiculopathy"), and a tag question
//   after what a clinician said ("my chiropractor says it's arthritis, is it?") get the plain "can't tell";
// - after urgent advice, a worry about the cost ("can't pay for the ER") gets the advice again,
//   first, with the worry heard and the ambulance named (free on the NHS in the UK pack);
// - "how long until it's better?" gets how soon back pain usually gets better (a section named by
//   the phrase rule), not "which one did you mean";
// - "should I keep working?" is asked like any activity (keep moving, who can advise); a worry about
//   money or a job is acknowledged first.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const CANT_TELL = /I can't tell/;
const OUT_OF_SCOPE = /outside what I can help with/i;
const urgent = (c: Chat): boolean => c.last.some((a) => dataOf(a)?.urgent === true);

describe('condition names dictated by voice', () => {
  it.each([['could it be the sigh atica', /sciatica/i]])('%j: the plain "can\'t tell" about the condition', async (text, condition) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(condition);
  });

  it.each([
    ['what is lumbar sten oasis the surgeon mentioned it', /narrow/i],
    ['the nurse wrote author itis on my notes what does that mean', /cartilage/i],
  ])('%j: what the condition is', async (text, explained) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(explained);
    expect(c.text()).not.toMatch(CANT_TELL);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });
});

describe('asking whether it is a condition, in few words', () => {
  it.each([
    ['twisted lifting a box and now my leg tingles down to the foot. sciatica maybe?', /sciatica/i],
    ['is this L4 radiculopathy, pain goes down the outside of my shin', /sciatica/i],
    ['my chiropractor says it is arthritis, is it?', /osteoarthritis/i],
  ])('%j: the plain "can\'t tell"', async (text, condition) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(CANT_TELL);
    expect(c.text()).toMatch(condition);
  });

  it('the name alone asks what it is', async () => {
    const c = await chat();
    await c.say('stenosis?');
    expect(c.text()).toMatch(/narrow/i);
    expect(c.text()).not.toMatch(CANT_TELL);
  });
});

describe('after urgent advice, the cost of going', () => {
  it.each([['i cant pay for the ER, i have no insurance'], ['how much does an ambulance cost? can I just get the bus']])(
    '%j: the worry heard, the advice and the ambulance again, first and urgent',
    async (text) => {
      const c = await chat();
      await c.say('since this morning I cannot feel my bottom when I wipe and I cannot pee');
      expect(urgent(c)).toBe(true);
      await c.say(text);
      expect(dataOf(c.last[0]!)?.urgent).toBe(true);
      expect(c.last[0]!.text).toMatch(/cost/i);
      expect(c.last[0]!.text).toMatch(/ambulance/i);
      expect(c.last[0]!.text).toMatch(/emergency room/i);
    },
  );

  it('in the UK pack: free on the NHS', async () => {
    const c = await shared.chat({ activityDefaults: { locale: 'en-GB' } });
    await c.say('since this morning I cannot feel my bottom when I wipe and I cannot pee');
    await c.say("we can't afford a taxi to the hospital");
    expect(c.last[0]!.text).toMatch(/free on the NHS/);
  });
});

describe('how long it lasts', () => {
  it.each([['how long till the pain goes'], ['how long will sciatica usually last?']])('%j: how soon it usually gets better', async (text) => {
    const c = await chat();
    await c.say('what can I do at home for sciatica');
    await c.say(text);
    expect(c.text()).toMatch(/weeks/);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });
});

describe('working with back pain', () => {
  it.each([['should i keep working'], ['is it ok to go back to work with this']])('%j: keeping active, with who can advise', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.text()).toMatch(/keep working/i);
    expect(c.text()).toMatch(/physical therapist or doctor/i);
  });

  it('a worry about money is heard first', async () => {
    const c = await chat();
    await c.say('my back is bad and i cant afford time off work');
    expect(c.last[0]!.text).toMatch(/worrying/i);
  });
});
