// Two phrases pick the topic whatever the classifier guessed (knowledge/nlu/direct-questions.yaml,
// phrase_intents): asking how to ease the pain, and asking what helps while waiting for an
// operation or appointment, both get what helps at home. Their conditions differ, and these
// conversations hold each one:
// - easing the pain: only when the classifier placed the message on no topic of its own (a named
//   condition keeps its article), in the check too (answered as an aside), after urgent advice too
//   (the reminder first);
// - while waiting: whatever topic the classifier saw ("operation" is not the surgery section), but
//   not in the check and not after urgent advice (there the advice is what to do while waiting).
// Either way the answer is the self-care opening: the words of the phrase ("before my exam",
// "my operation") do not pick a section of some other article. A message that also says whom it is
// about still gets its question answered.
import { describe, expect, it } from 'vitest';
import { dataOf, type Chat } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const OUT_OF_SCOPE = /outside what I can help with/i;
/** The self-care article's opening (knowledge/articles/self-care.md, "The short answer"). */
const SELF_CARE_OPENING = /can be cared for at home/i;
const isUrgent = (c: Chat, index: number): boolean => Boolean(dataOf(c.last[index]!)?.urgent);

async function afterUrgentAdvice(): Promise<Chat> {
  const c = await chat();
  await c.say('i cant feel anything when i wipe my bottom since this morning');
  expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(true);
  return c;
}

describe('asking how to ease the pain', () => {
  it.each(['whats the fastest way to make it stop hurting before my exam', 'how do I get rid of this pain quick'])(
    '%j, placed nowhere by the classifier, gets the self-care opening',
    async (text) => {
      const c = await chat();
      await c.say(text);
      expect(c.text()).toMatch(SELF_CARE_OPENING);
      expect(c.text()).not.toMatch(OUT_OF_SCOPE);
      // Not a section some other word picked ("before": the clinical trials' "Before you join").
      expect(c.text()).not.toMatch(/Before you join|study team/i);
    },
  );

  it('with a condition the classifier is sure of, the condition is answered, not the general self-care', async () => {
    const c = await chat();
    await c.say('how do I relieve the pain of spinal stenosis');
    expect(c.text()).toMatch(/stenosis/i);
    expect(c.text()).not.toMatch(SELF_CARE_OPENING);
  });

  it('after urgent advice: the advice again first, then what helps', async () => {
    const c = await afterUrgentAdvice();
    await c.say('how do I make it stop hurting');
    expect(isUrgent(c, 0)).toBe(true);
    expect(c.text()).toMatch(SELF_CARE_OPENING);
  });
});

describe('asking what helps while waiting', () => {
  it('"what can I really do while I wait for my operation": the self-care opening, not the surgery section', async () => {
    const c = await chat();
    await c.say('what can I really do while I wait for my operation');
    expect(c.text()).toMatch(SELF_CARE_OPENING);
    expect(c.text()).not.toMatch(/\*\*Surgery\*\*/);
  });

  it('after urgent advice it is not self-care: the advice is what to do now', async () => {
    const c = await afterUrgentAdvice();
    await c.say('what can I do while I wait for the ambulance');
    expect(isUrgent(c, 0)).toBe(true);
    expect(c.text()).not.toMatch(SELF_CARE_OPENING);
  });

  it('in the check it does not end or restart the check: the same question again', async () => {
    const c = await chat();
    await c.tap("Check if it's serious");
    const evidence = c.askedEvidence();
    await c.say('what can I do while I wait for my scan');
    expect(c.askedEvidence()).toBe(evidence);
  });

  it('said for someone else ("I\'m asking for my dad, ..."): the question answered, and the check then asks about him', async () => {
    const c = await chat();
    await c.say("I'm asking for my dad, what can he do while he waits for his op");
    expect(c.text()).toMatch(SELF_CARE_OPENING);
    await c.tap("Check if it's serious");
    expect(c.text()).toMatch(/your dad/i);
  });
});
