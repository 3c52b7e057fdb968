// After overdose help (issue #11 crisis layer): the reply does not go on to a question about a
// lesser possible sign (which would bury the help and take the next message as its answer), and
// saying it was not meant ("I didn't want to hurt myself", "it was an accident") gets the
// emergency advice again: the amount taken is what matters, not why. Wordings written for this test.
import { describe, expect, it } from 'vitest';
import { dataOf } from '../helpers/backline.js';
import { safetyChats, expectCrisisFirst } from '../helpers/safety.js';

const chat = safetyChats();

describe('an overdose told with words between the count and the medicine: crisis help first, no question about a lesser sign', () => {
  it.each([['took about 14 extra strength advil since lunch cause my back is killing me'], ['swallowed about 15 naproxen earlier cause nothing helps']])(
    '"%s"',
    async (text) => {
      const c = await chat(text);
      expectCrisisFirst(c);
      expect(c.askedNode(), c.text()).not.toBe('confirm_flags');
    },
  );
});

describe('after overdose help', () => {
  it.each([["I didn't mean to hurt myself, I only wanted it to stop"], ['it was an accident honestly'], ['I was not trying to harm myself']])(
    '"%s" gets the emergency advice again',
    async (text) => {
      const c = await chat('i took a whole strip of co-codamol about an hour ago');
      expectCrisisFirst(c);
      await c.say(text);
      expect(dataOf(c.last[0]!)?.urgent, c.text()).toBe(true);
      expect(c.last[0]!.text).toMatch(/112/);
    },
  );

  it('a plain "no thanks" to the offer of a person is not taken as downplaying', async () => {
    const c = await chat('i took a whole strip of co-codamol about an hour ago', 'no thanks');
    expect(
      c.last.some((a) => dataOf(a)?.urgent),
      c.text(),
    ).toBe(false);
  });
});
