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
//   money or a job is acknowledged first;
// - "what else helps" is self-care; at the call-back offer, "ok. what can I do at home?" is a
//   question answered (then the offer again), not the offer's yes;
// - the check's intro says it tells whether to see a doctor and how soon ("tell me if I need a doctor" starts it);
// - "she's on levothyroxine too, does that matter?" after a dose question: a pharmacist or doctor;
// - "no" to "is this happening now?" in the middle of the check: the signs to watch for, and the check goes on;
// - after urgent advice, a message taken for a start of the check ("am I overreacting") gets the advice
//   again first; a worry ("could it be something bad?") is acknowledged as one, not as a refusal to go.
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

describe('what helps, asked any way', () => {
  it('"what else helps" is self-care, not the list of what the bot can do', async () => {
    const c = await chat();
    await c.say('ugh. what else helps at my desk');
    expect(c.text()).toMatch(/keep moving/i);
  });

  it.each([['yeah ok. how do I ease the pain meanwhile?'], ['ok. what can I do at home for now?']])(
    '%j at the call-back offer: answered, and the offer again ("ok" is no yes)',
    async (text) => {
      const c = await chat();
      await c.say('put me through to a human');
      const offer = c.asked();
      await c.say(text);
      expect(c.text()).toMatch(/heat|moving/i);
      expect(c.text()).not.toMatch(/phone number or email/i);
      expect(c.asked()?.node).toBe(offer?.node);
    },
  );
});

describe('the check says what it is for', () => {
  it('"tell me whether I need a doctor" starts it, saying it tells that', async () => {
    const c = await chat();
    await c.say('can you tell me whether I need to see a doctor');
    expect(c.asked()?.evidence).toBeDefined();
    expect(c.text()).toMatch(/if you need to see a doctor and how soon/);
  });
});

describe('another medicine by a name the bot does not know', () => {
  it('asked about with the one just named: a pharmacist or doctor, no dose', async () => {
    const c = await chat();
    await c.say('how much ibuprofen can my mum take');
    await c.say("she's on levothyroxine too, does that matter?");
    expect(c.text()).toMatch(/pharmacist or doctor/i);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });
});

describe('"no, not now" to a sign confirmed in the middle of the check', () => {
  it('the signs to watch for, then the check goes on', async () => {
    const c = await chat();
    await c.say('start the warning sign check');
    await c.say('no');
    await c.say('hang on, what counts as saddle numbness, is it numb all over down there?');
    // (Read as a report of the sign or as a question: either way the check must not end.)
    if (c.asked()?.node === 'confirm_flags') {
      await c.say('no');
      expect(c.text()).toMatch(/signs to watch for/i);
    }
    expect(c.asked()?.progress).toBeDefined();
  });
});

describe('after urgent advice, a message that starts the check', () => {
  it('"am I overreacting" taken for the check: the advice again first, marked urgent, then the questions', async () => {
    const c = await chat();
    await c.say('my legs are both numb and weak since this morning');
    expect(urgent(c)).toBe(true);
    await c.say('am i overreacting');
    expect(dataOf(c.last[0]!)?.urgent).toBe(true);
    expect(c.last[0]!.text).toMatch(/emergency room/i);
  });

  it('a worry ("could it be something bad?") is heard as a worry, not as a refusal to go', async () => {
    const c = await chat();
    await c.say('my legs are both numb and weak since this morning');
    await c.say('could it be something bad?');
    expect(c.text()).toMatch(/worrying/i);
    expect(c.text()).not.toMatch(/don't want to go/i);
    expect(c.last.some((a) => dataOf(a)?.urgent === true && /emergency room/i.test(a.text ?? ''))).toBe(true);
  });
});
