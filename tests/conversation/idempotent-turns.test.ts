// Issue #13: behind HAProxy (`retry-on empty-response`) an instance can save a turn and die
// before answering; the proxy then sends the same activity to another instance. A message whose
// id was already handled in the conversation is not run again; a new id with the same text is.
import { afterAll, describe, expect, it } from 'vitest';
import { loadState } from '../../src/conversation/store.js';
import { readTranscript } from '../../src/handoff/transcript.js';
import { SEEN_LIMIT } from '../../src/bot/seenActivities.js';
import { Chat, testBackline } from '../helpers/backline.js';

const backline = testBackline({ METRICS_TOKEN: 'idempotent-turns-token-0123' });
afterAll(() => backline.close());

const keyOf = (c: Chat) => ({ channelId: c.conversation.channelId, conversationId: c.conversation.conversationId });
const duplicates = async () => (await backline.observability.metrics!.duplicateTurns.get()).values.reduce((sum, v) => sum + v.value, 0);
const userLines = async (c: Chat) =>
  (await readTranscript(backline.storage, keyOf(c))).items.flatMap((item) => item.entries).filter((e) => e.role === 'user').length;

/** Sends a message with the given activity id, as a proxy retry would resend it. */
async function sendWithId(c: Chat, id: string, text: string) {
  c.last = await c.conversation.send({ type: 'message', id, text });
  return c.last;
}

describe('a message is handled once per activity id', () => {
  it('the same activity twice: the answer is applied once, the repeat gets no replies and changes nothing', async () => {
    const c = await new Chat(backline).open();
    await c.tap("Check if it's serious");
    const first = c.askedEvidence();
    expect(first).toBeDefined();

    await sendWithId(c, 'retried-1', 'no');
    const second = c.askedEvidence();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const before = await loadState(backline.storage, keyOf(c));
    const linesBefore = await userLines(c);
    const counted = await duplicates();

    const again = await sendWithId(c, 'retried-1', 'no');
    expect(again).toEqual([]);
    const after = await loadState(backline.storage, keyOf(c));
    // Not even saved again: same eTag, same state (the check question was not skipped).
    expect(after.eTag).toBe(before.eTag);
    expect(after.state).toEqual(before.state);
    expect(await userLines(c)).toBe(linesBefore);
    expect(await duplicates()).toBe(counted + 1);

    // People do type the same thing twice: a new id with the same text is an answer like any other.
    await sendWithId(c, 'retried-2', 'no');
    expect(c.last.length).toBeGreaterThan(0);
    expect(c.askedEvidence()).not.toBe(second);
    expect(await userLines(c)).toBe(linesBefore + 1);
  });

  it('a repeated message that reports a warning sign gets the urgent advice again (the first answer may be the lost one), nothing saved', async () => {
    const c = await new Chat(backline).open();
    await sendWithId(c, 'retried-flag', "I can't feel anything when I wipe and I've wet myself");
    expect(c.last.some((a) => (a.channelData as { backline?: { urgent?: boolean } })?.backline?.urgent === true)).toBe(true);
    const before = await loadState(backline.storage, keyOf(c));
    const again = await sendWithId(c, 'retried-flag', "I can't feel anything when I wipe and I've wet myself");
    expect(again.some((a) => (a.channelData as { backline?: { urgent?: boolean } })?.backline?.urgent === true)).toBe(true);
    expect((await loadState(backline.storage, keyOf(c))).eTag).toBe(before.eTag);
  });

  it('the helpers send a fresh id each time, so the same text said twice is handled twice', async () => {
    const c = await new Chat(backline).open();
    const counted = await duplicates();
    await c.say('hello');
    await c.say('hello');
    expect(c.last.length).toBeGreaterThan(0);
    expect(await userLines(c)).toBe(2);
    expect(await duplicates()).toBe(counted);
  });

  it('remembers only the last few ids, as short hashes (never the ids themselves)', async () => {
    const c = await new Chat(backline).open();
    for (let i = 0; i < SEEN_LIMIT + 3; i++) await sendWithId(c, `long-id-${i}`, 'hello');
    const { state } = await loadState(backline.storage, keyOf(c));
    expect(state.seen).toHaveLength(SEEN_LIMIT);
    expect(JSON.stringify(state)).not.toContain('long-id-');
    // The oldest id has been forgotten (it is handled again); a recent one has not.
    expect(await sendWithId(c, `long-id-${SEEN_LIMIT + 2}`, 'hello')).toEqual([]);
    expect((await sendWithId(c, 'long-id-0', 'hello')).length).toBeGreaterThan(0);
  });

  it('a message without an id is handled as before, every time', async () => {
    const c = await new Chat(backline).open();
    await c.conversation.send({ type: 'message', id: undefined, text: 'hello' });
    const replies = await c.conversation.send({ type: 'message', id: undefined, text: 'hello' });
    expect(replies.length).toBeGreaterThan(0);
    expect(await userLines(c)).toBe(2);
  });
});
