// A conversation saved before a content release that renamed or removed its node: the next turns
// go on (from idle, answers kept) instead of failing on the missing node for as long as it is kept.
import { describe, expect, it } from 'vitest';
import { stateKey } from '../../src/conversation/store.js';
import { withoutStalePositions } from '../../src/engine/stalePositions.js';
import type { ConversationState } from '../../src/engine/state.js';
import { Chat, testBackline } from '../helpers/backline.js';

const backline = testBackline();
const content = backline.content.engine;
const key = (conversationId: string) => stateKey({ channelId: 'webchat', conversationId });

async function storedState(conversationId: string): Promise<ConversationState & Record<string, unknown>> {
  const k = key(conversationId);
  return ((await backline.storage.read([k]))[k] as { state: ConversationState & Record<string, unknown> }).state;
}

async function rewrite(conversationId: string, change: (state: ConversationState) => void): Promise<void> {
  const k = key(conversationId);
  const item = (await backline.storage.read([k]))[k] as { state: ConversationState; eTag: string };
  change(item.state);
  await backline.storage.write({ [k]: item });
}

const TURN_ERROR = /something went wrong/i;

describe('a saved position the content no longer has', () => {
  it('at a removed node of the check: "menu" gets the menu, not the turn error, and earlier answers stay', async () => {
    const chat = await new Chat(backline, { conversationId: 'stale-at' }).open();
    await chat.say("check if it's serious");
    await chat.say('no');
    const before = await storedState('stale-at');
    expect(before.at?.tree).toBe('red_flags');
    await rewrite('stale-at', (state) => {
      state.at = { tree: state.at!.tree, node: 'renamed_in_a_later_release' };
      state.suspended = { tree: 'no_such_tree', node: 'start' };
    });

    const replies = await chat.say('menu');
    const texts = replies.map((r) => r.text ?? '').join('\n');
    expect(texts).not.toMatch(TURN_ERROR);
    expect(texts).toMatch(/What would you like to do/);
    const after = await storedState('stale-at');
    expect(after.suspended).toBeUndefined();
    expect(after.answers).toMatchObject(before.answers);
  });

  it('a warning sign after it still gets urgent advice, and only that: no turn error beside it', async () => {
    const chat = await new Chat(backline, { conversationId: 'stale-urgent' }).open();
    await chat.say("check if it's serious");
    await rewrite('stale-urgent', (state) => {
      state.at = { tree: state.at!.tree, node: 'gone' };
    });
    const texts = (await chat.say("I can't feel my bum and I wet myself without noticing")).map((r) => r.text ?? '').join('\n');
    expect(texts).toMatch(/emergency room|call 911/i);
    expect(texts).not.toMatch(TURN_ERROR);
  });

  it('keeps what exists: the same state object when nothing is stale; history entries of removed nodes go', () => {
    const tree = content.dialogs.trees.get('red_flags')!;
    const here = { tree: 'red_flags', node: tree.start };
    const fine: ConversationState = { v: 1, retries: 1, answers: {}, at: here, page: 0, history: [{ at: here, prev: {}, announced: null }] };
    expect(withoutStalePositions(content, fine)).toBe(fine);

    const stale: ConversationState = {
      ...fine,
      at: { tree: 'red_flags', node: 'gone' },
      history: [
        { at: here, prev: {}, announced: null },
        { at: { tree: 'red_flags', node: 'gone' }, prev: {}, announced: null },
      ],
    };
    const cleaned = withoutStalePositions(content, stale);
    expect(cleaned.at).toBeUndefined();
    expect(cleaned.page).toBeUndefined();
    expect(cleaned.retries).toBe(0);
    expect(cleaned.history).toEqual([{ at: here, prev: {}, announced: null }]);
    expect(stale.at).toEqual({ tree: 'red_flags', node: 'gone' }); // the saved copy is not changed in place
  });
});
