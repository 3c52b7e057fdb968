// Feelings first (issue #14): scepticism ("just give me a straight answer") and a carer's
// exhaustion ("worn out looking after mum") are acknowledged in one sentence as the first reply,
// then the message is answered as usual. Wordings differ from the persona sets on purpose.
import { describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/backline.js';
import { useSharedBackline } from '../helpers/sharedBackline.js';

const shared = useSharedBackline();
const chat = () => shared.chat();

const ACKNOWLEDGES = /sorry|understand|hear (?:that|you)|sounds|must be|difficult|hard|fair enough/i;
const CANT_TELL = /\bcan(?:'|’)t tell\b/i;

describe('scepticism is heard before the plain answer', () => {
  it.each([
    'Just give me a straight answer: is it a slipped disc?',
    "you won't tell me anything useful anyway. have I got sciatica, yes or no",
    'bots never answer anything. do I have stenosis',
  ])('%j', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.last[0]!.text).toMatch(ACKNOWLEDGES);
    expect(c.text()).toMatch(CANT_TELL);
  });

  it('"typical" in an ordinary question is not scepticism', async () => {
    const c = await chat();
    await c.say('what are the typical symptoms of sciatica');
    expect(c.text()).not.toMatch(/straight answer/i);
  });
});

describe("a carer's exhaustion is heard first", () => {
  it.each([
    "I'm completely worn out caring for my mum, her back is so bad",
    'knackered from looking after my husband, he can barely walk with his back',
    "his sciatica is killing him and me, I can't cope with looking after him",
  ])('%j', async (text) => {
    const c = await chat();
    await c.say(text);
    expect(c.last[0]!.text).toMatch(ACKNOWLEDGES);
    expect(c.last.some((a) => dataOf(a)?.crisis)).toBe(false);
  });
});
