// Understanding people as they write (issue #14, session 6): the check starts however it is
// asked for, a message that is not an answer never ends it, sentences are read for what they say,
// two things in one message are both handled, playing down urgent advice hears it again, pushing
// crisis help away is heard, follow-ups are answered from the article in context, and a question
// asked again later gets "As I said" with its key point. Wordings here differ on purpose from the
// persona files: the behaviour is general, not matched to a sentence.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const DID_YOU_MEAN = /did you mean/i;
const OUT_OF_SCOPE = /outside what I can help|didn't catch/i;
const urgent = (c: Chat) => c.last.some((a) => dataOf(a)?.urgent === true);
const progressIndex = (c: Chat) => c.asked()?.progress?.index;

/** Starts the check and answers "No" `count` times. */
async function checkWithNos(count: number): Promise<Chat> {
  const c = await chat();
  await c.tap("Check if it's serious");
  for (let i = 0; i < count; i++) await c.answerNo();
  return c;
}

describe("asking for the check in one's own words", () => {
  it.each([
    'is my leg pain dangerous? it started on monday',
    'how serious is this back thing',
    'I want to find out if I should see a doctor',
    'could you check on my dad for me please',
  ])('"%s" starts the check at its first question, with progress', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.inCheck(), c.text()).toBe(true);
    expect(progressIndex(c)).toBe(1);
  });

  it('for someone else, the questions are about them', async () => {
    const c = await chat();
    await c.say('can you do the check for my husband');
    expect(c.inCheck()).toBe(true);
    expect(c.text()).toMatch(/your husband/i);
  });

  it.each(["Can we do the check for him? I'll answer for him", "I'll answer the questions for her, can we do the check"])(
    '"%s" is a carer: the check is worded about the person, not "do you"',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.inCheck(), c.text()).toBe(true);
      expect(c.text()).toMatch(/the person you're asking for/i);
      expect(c.text()).not.toMatch(/\b(?:do|are|have|can) you\b/i);
    },
  );

  it('after urgent advice, "is it serious?" gets the advice again first', async () => {
    const c = await chat();
    await c.say("I suddenly can't feel my bum or privates and I've wet myself");
    expect(urgent(c)).toBe(true);
    await c.say('is it serious?');
    expect(c.last[0]?.text).toMatch(/please don't wait: Go to the emergency room/i);
  });
});

describe('a check that never derails', () => {
  it('"no clue what that even means" asks the same question again in simpler words', async () => {
    const c = await checkWithNos(2);
    const before = c.asked();
    await c.say('no clue what that even means lol');
    expect(c.asked()?.evidence).toBe(before?.evidence);
    expect(c.text()).toMatch(/more simply/i);
    expect(urgent(c)).toBe(false);
  });

  it('"start again from the top" mid-check asks the first question again; the "no" answers are dropped', async () => {
    const c = await checkWithNos(3);
    expect(progressIndex(c)).toBe(4);
    await c.say('sorry can I start again from the top');
    expect(c.inCheck()).toBe(true);
    expect(progressIndex(c)).toBe(1);
    expect(c.text()).toMatch(/start the check again/i);
    await c.answerNo();
    expect(progressIndex(c)).toBe(2);
  });
});

describe('answers in sentences', () => {
  it('"only when I sneeze" at a yes/no question is a yes (here: urgent advice)', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    expect(c.asked()?.evidence).toBe('saddle_anaesthesia');
    await c.say('only when I sneeze really');
    expect(urgent(c)).toBe(true);
  });

  it('"not that I\'ve noticed" and "nothing like that" are a no: the next question', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    await c.say("not that I've noticed");
    expect(urgent(c)).toBe(false);
    expect(progressIndex(c)).toBe(2);
    await c.say('nothing like that, no');
    expect(urgent(c)).toBe(false);
    expect(progressIndex(c)).toBe(3);
  });

  it('"no, only at night" and "it\'s fine" are not clear: the same question, in simpler words, never a yes or a no', async () => {
    for (const text of ['no, only at night', "it's fine"]) {
      const c = await chat();
      await c.tap("Check if it's serious");
      await c.say(text);
      expect(urgent(c), text).toBe(false);
      expect(c.asked()?.evidence, text).toBe('saddle_anaesthesia');
      expect(c.text(), text).toMatch(/more simply/i);
    }
  });
});

describe('two things in one message', () => {
  it('"no - how many more are there?" answers the count and takes the no', async () => {
    const c = await checkWithNos(1);
    expect(progressIndex(c)).toBe(2);
    await c.say('no - how many more are there?');
    expect(c.text()).toMatch(/questions? left/i);
    expect(progressIndex(c)).toBe(3);
  });

  it('"nope. will I need an operation?" answers about surgery and goes on to the next question', async () => {
    const c = await checkWithNos(1);
    await c.say('nope. will I need an operation?');
    expect(c.text()).toMatch(/surgery/i);
    expect(c.inCheck()).toBe(true);
    expect(progressIndex(c)).toBe(3);
  });

  /** How many times the turn's message (or a part of it) went through the decision: crisis detection runs once per decision. */
  async function decisionsFor(c: Chat, text: string): Promise<number> {
    const { nlu } = shared.backline;
    const original = nlu.detectCrisis;
    let calls = 0;
    nlu.detectCrisis = (t) => {
      calls += 1;
      return original.call(nlu, t);
    };
    try {
      await c.say(text);
    } finally {
      nlu.detectCrisis = original;
    }
    return calls;
  }

  it('is decided once when the answer is plain: the aside, then the answer taken at the question', async () => {
    const c = await checkWithNos(1);
    expect(await decisionsFor(c, 'no - how many more are there?')).toBe(1);
    expect(progressIndex(c)).toBe(3);
  });

  it('"yes - how many more?" at a cauda equina question: the whole message decided (twice at most), urgent advice at once', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    expect(c.asked()?.evidence).toBe('saddle_anaesthesia');
    expect(await decisionsFor(c, 'yes - how many more are there?')).toBeLessThanOrEqual(2);
    expect(urgent(c)).toBe(true);
  });

  it('a warning sign in the question part ("no, but is it normal I can\'t feel my bum when I wipe?") decides the whole message: urgent advice', async () => {
    const c = await checkWithNos(1);
    expect(await decisionsFor(c, "no, but is it normal I can't feel my bum when I wipe?")).toBeLessThanOrEqual(2);
    expect(urgent(c)).toBe(true);
  });

  it('"no, is it a slipped disc?" says plainly it can\'t tell, then the next question', async () => {
    const c = await checkWithNos(1);
    await c.say('no, is it a slipped disc?');
    expect(c.text()).toMatch(/can't tell/i);
    expect(progressIndex(c)).toBe(3);
  });
});

describe('a question in the middle of the check', () => {
  it('"no, but what is cauda equina?" is answered from the section that names it, then the next question', async () => {
    const c = await checkWithNos(1);
    await c.say('no, but what is cauda equina?');
    expect(c.text()).toMatch(/cauda equina syndrome/i);
    expect(c.text()).not.toMatch(/Most low back pain gets better at home/);
    expect(progressIndex(c)).toBe(3);
  });
});

describe('after urgent advice, playing it down', () => {
  it('"bet it\'s just a pulled muscle" gets the advice again, taken seriously, and is no yes to carry on', async () => {
    const c = await chat();
    await c.say("my bum's gone numb and I can't tell when I need to pee");
    expect(urgent(c)).toBe(true);
    await c.say("bet it's just a pulled muscle though, right?");
    expect(c.text()).toMatch(/can't tell/i);
    expect(c.text()).toMatch(/emergency room|911/i);
    expect(c.inCheck()).toBe(false);
    const first = c.text();
    await c.say("it'll pass, I'll sleep it off");
    expect(c.text()).toMatch(/911/);
    expect(c.text()).not.toBe(first);
  });
});

describe('after crisis help, pushing it away', () => {
  it('"I don\'t want a helpline, just info about my back" is heard first, the line kept, and the back answered', async () => {
    const c = await chat();
    await c.say('some days I just want to die, the pain never stops');
    expect(c.last.some((a) => dataOf(a)?.crisis === true)).toBe(true);
    await c.say("I don't want a helpline, just give me info about my back");
    expect(c.last[0]?.text).toMatch(/I hear you/);
    expect(c.last[0]?.text).toMatch(/988/);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    expect(c.text()).not.toMatch(/delete/i);
    expect(c.text()).toMatch(/back pain/i);
  });
});

describe('follow-ups on the topic in context', () => {
  it('"what\'s happening in there then?" after the sciatica article: how it causes the pain', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    await c.say("what's happening in there then?");
    expect(c.text()).toMatch(/How it causes back and leg pain/);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });

  it('asked again when that section was shown: "As I said" and the next section, not the same words', async () => {
    const c = await chat();
    await c.say('what is sciatica');
    await c.say("what's going on in there");
    const shown = c.text();
    await c.say('ok but how does it even work');
    expect(c.text()).toMatch(/As I said/);
    expect(c.text()).not.toContain(shown.split('\n')[0]);
  });
});

describe('non-native and mixed-language descriptions of the pain', () => {
  it('"I have pain in my back when lifting leg, what this is?" gets the headline topic, not a "Did you mean"', async () => {
    const c = await chat();
    await c.say('Hello. I have pain in my back when lifting leg, what this is?');
    expect(c.text()).not.toMatch(DID_YOU_MEAN);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
    expect(c.text()).toMatch(/nerve/i);
  });

  it('French mixed with English about the pain: the French line, then the answer in English', async () => {
    const c = await chat();
    await c.say("bonjour, j'ai mal au dos when I lift my leg");
    expect(c.text()).toMatch(/Backline ne parle qu'anglais/);
    expect(c.text()).toMatch(/nerve/i);
    expect(c.text()).not.toMatch(OUT_OF_SCOPE);
  });

  it('"my physio said piriformis. do I have it?" gets the plain "can\'t tell"', async () => {
    const c = await chat();
    await c.say('my physio said piriformis. do I have it?');
    expect(c.text()).toMatch(/can't tell/i);
    expect(c.text()).toMatch(/piriformis/i);
  });
});

describe('a question asked again later', () => {
  it('"do I need surgery?" after another topic gets "As I said" with its key point, not the section again', async () => {
    const c = await chat();
    await c.say('do I need surgery?');
    const section = c.last.map((a) => a.text ?? '').find((t) => /^\*\*Surgery\*\*/.test(t));
    expect(section).toBeDefined();
    await c.say('what exercises help');
    await c.say('do I need surgery?');
    expect(c.text()).toMatch(/As I said: Surgery/);
    expect(c.text()).not.toContain(section!);
  });
});

// Session 6, after the blind persona measurement: the check asked for by one of its names, a lost
// question asked again, and the number asked for without the helper verb (non-native writers).
describe('the check by its names, a lost question, the number asked for plainly', () => {
  it.each(['run the red flag check please', 'can we go through the warning sign questions for my mum', 'start the safety checklist'])(
    '"%s" starts the check at its first question',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.inCheck(), c.text()).toBe(true);
      expect(progressIndex(c)).toBe(1);
    },
  );

  it.each(['sorry, what was the question?', 'can u repeat that', 'what did you just ask'])(
    'in the check, "%s" asks the same question again (no stop, no restart)',
    async (text) => {
      const c = await checkWithNos(2);
      const before = c.asked()?.progress?.index;
      await c.say(text);
      expect(c.inCheck(), c.text()).toBe(true);
      expect(c.text()).not.toMatch(/stop the check/i);
      expect(progressIndex(c)).toBe(before);
    },
  );

  it('after urgent advice for a relative, "what number I ring?" and "what we do now" get the number', async () => {
    const c = await chat();
    await c.say("my dad is 80 and since this morning he can't feel when he's weeing");
    expect(urgent(c)).toBe(true);
    await c.say('what number I ring?');
    expect(c.text()).toMatch(/911/);
    expect(c.text()).not.toMatch(/no one from the team|call you back/i);
    await c.say('what we do now');
    expect(c.text()).toMatch(/911|emergency room/i);
  });
});
