// No reply of 40 or more characters twice in one conversation (issue #14, src/bot/repeats.ts):
// another wording of the line, or the line left out; never urgent advice, crisis help or a
// question left out, and a left-out line's buttons stay.
import type { Activity } from '@microsoft/agents-activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { saidHash } from '../../src/bot/repeats.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline();
});
afterAll(async () => {
  await backline.close();
});

const normal = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Plays the messages and returns, per turn, the replies; fails on any 40+ character reply said before. */
async function playWithoutRepeats(messages: string[]): Promise<Activity[][]> {
  const c = await new Chat(backline).open();
  const seen = new Set(c.last.map((a) => normal(a.text ?? '')).filter((t) => t.length >= 40));
  const turns: Activity[][] = [];
  for (const message of messages) {
    const replies = await c.say(message);
    for (const text of replies.map((a) => normal(a.text ?? '')).filter((t) => t.length >= 40)) {
      expect(seen.has(text), `"${message}" repeats: ${text.slice(0, 80)}`).toBe(false);
      seen.add(text);
    }
    turns.push(replies);
  }
  return turns;
}

describe('never the same reply twice', () => {
  it('three angry messages: each acknowledged first, in other words each time', async () => {
    const turns = await playWithoutRepeats(['this is so frustrating', 'honestly so frustrating', 'frustrating frustrating']);
    for (const replies of turns) expect(replies[0]?.text ?? '').toMatch(/sorry|frustrat|hear you|understand/i);
  });

  it('the same diagnosis question three times: a plain "can\'t tell" each time', async () => {
    const turns = await playWithoutRepeats(['do I have sciatica?', 'do I have sciatica?', 'do I have sciatica?']);
    for (const replies of turns) expect(replies.map((a) => a.text).join('\n')).toMatch(/can't tell/i);
  });

  it('the capability list asked three times: a short form, and the menu stays', async () => {
    const turns = await playWithoutRepeats(['what can you do', 'what can you do', 'what can you do']);
    for (const replies of turns) expect(replies.some((a) => dataOf(a)?.ask?.kind === 'choice')).toBe(true);
  });

  it('a question asked again word for word gets a line in front of it, and stays a question', async () => {
    const c = await new Chat(backline).open();
    await c.say('check if my back pain is serious');
    const node = c.askedNode();
    await c.say('hang on, someone is at the door');
    await c.say("ok I'm back");
    expect(c.askedNode()).toBe(node);
    expect(c.text()).toMatch(/question again|back to the question|question we were on|carry on with this one/i);
  });

  it('a question asked again after several asides is never the same reply twice', async () => {
    const c = await new Chat(backline).open();
    await c.say('check if my back pain is serious');
    const node = c.askedNode();
    const asked = (): string =>
      c.last
        .filter((a) => dataOf(a)?.ask)
        .map((a) => a.text ?? '')
        .join('\n');
    const seen = [asked()];
    for (const aside of ['what is sciatica', 'and what about a herniated disc?', 'what is spinal stenosis', 'is an MRI needed?']) {
      await c.say(aside);
      expect(c.askedNode()).toBe(node);
      expect(seen).not.toContain(asked());
      seen.push(asked());
    }
  });

  it('urgent advice is never left out, even when it was said before', async () => {
    const c = await new Chat(backline).open();
    await c.say('both my legs are numb and weak');
    expect(c.last.some((a) => dataOf(a)?.urgent)).toBe(true);
    await c.say('can it wait until tomorrow?');
    expect(c.text()).toMatch(/911/);
    await c.say('can it wait until tomorrow?');
    expect(c.text()).toMatch(/911/);
    await c.say('can it wait until tomorrow?');
    expect(c.text()).toMatch(/911/);
  });

  it('the state keeps a short hash per reply, not the text', async () => {
    expect(saidHash('Some reply of forty or more characters, said once.')).toMatch(/^[0-9a-z]{1,7}$/);
    expect(saidHash('A  reply')).toBe(saidHash('a reply'));
  });
});
