// After urgent advice, the advice is said again when a message is about going or not going
// ("can it wait?", "he says he'll be fine", "should I drive him?"), or when the bot cannot place
// a message: nobody leaves thinking it can wait. Other messages get no extra reminder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline();
});
afterAll(async () => {
  await backline.close();
});

async function afterUrgentAdvice(report: string): Promise<Chat> {
  const c = await new Chat(backline).open();
  await c.say(report);
  expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(true);
  return c;
}

describe('the urgent advice is said again', () => {
  it.each([
    ['can it wait till after my meeting this afternoon?'],
    ["he says he doesn't want to go, he'll be fine"],
    ['should I drive him to the hospital myself?'],
    ["I don't want to bother anyone"],
    ['is it bad'],
    ['she has an appointment next month, can it wait till then?'],
  ])('%j', async (message) => {
    const c = await afterUrgentAdvice("my husband can't feel his bum and he's wet himself twice today");
    await c.say(message);
    expect(c.last[0]!.text).toMatch(/don't wait/i);
    expect(c.last[0]!.text).toMatch(/emergency room|911/);
  });

  it('not on an ordinary follow-up the bot understands', async () => {
    const c = await afterUrgentAdvice('I have lost control of my bladder since yesterday');
    await c.say('what is sciatica');
    expect(c.text()).not.toMatch(/don't wait/i);
  });

  it('not before any urgent advice', async () => {
    const c = await new Chat(backline).open();
    await c.say('can it wait till after my meeting?');
    expect(c.text()).not.toMatch(/don't wait/i);
  });
});

// A question about when to see someone, misspelt so that no phrase list knows it, is answered by
// the classifier as "when to see a doctor": after urgent advice it gets the reminder and not the
// general article ("most back pain gets better at home"), which would soften the advice.
describe('a misspelt "do I need to go" after urgent advice', () => {
  it.each([['shud i realy see sum1 tonite or wait'], ['do we realy need a docter now']])('%j', async (message) => {
    const c = await afterUrgentAdvice('i cnat feel my bum wen i wipe since yestrday');
    await c.say(message);
    expect(c.text()).toMatch(/don't wait/i);
    expect(c.text()).not.toMatch(/gets better at home/i);
  });
});

// At the "carry on" offer right after urgent advice, any other message (a question on another
// topic, small talk, something not understood) gets its answer and the advice kept in one line,
// so nobody moves on thinking it can wait. "ok but <question>" is no yes to carrying on.
describe('at the offer after urgent advice, the advice is kept in a short line', () => {
  it.each([['is cycling ok for my back?'], ['what is sciatica'], ['ok but what about yoga though?'], ['my dog needs walking']])('%j', async (message) => {
    const c = await afterUrgentAdvice('i cant feel anything when i wipe my bottom since this morning');
    await c.say(message);
    expect(c.text()).toMatch(/emergency room|911/);
    expect(c.text()).not.toMatch(/back to where we were/i);
  });

  it('a plain "ok" still carries on, with no extra line', async () => {
    const c = await afterUrgentAdvice('what stretches help? also i cant feel my bum when i wipe since yesterday');
    await c.say('ok');
    expect(c.text()).toMatch(/back to where we were/i);
    expect(c.text()).not.toMatch(/please remember/i);
  });
});
