// The state a turn reads under the PostgreSQL turn lock, in the lock's own round trip (app.ts,
// src/cluster/turnLock.ts), stands in for the turn's first read only: when it is stale (someone
// saved since) the eTag check refuses the save and the turn decides again on a fresh read; a read
// of another key is never taken for this conversation's state.
import { afterAll, describe, expect, it } from 'vitest';
import type { TurnContext } from '@microsoft/agents-hosting';
import { InProcessConversation } from '../../src/channels/inProcess.js';
import { BacklineBot } from '../../src/bot/backlineBot.js';
import { stateKey } from '../../src/conversation/store.js';
import { PRESENCE_KEY } from '../../src/handoff/keys.js';
import { InMemoryStorage, type PrefetchedRead, type StoreItem } from '../../src/storage/index.js';
import { testBackline } from '../helpers/backline.js';

const storage = new InMemoryStorage();
const backline = testBackline({}, storage);
afterAll(() => backline.close());

const texts = (activities: { text?: string }[]) => activities.map((a) => a.text ?? '').join('\n');
const asked = (activities: { channelData?: unknown }[]) =>
  activities.map((a) => (a.channelData as { backline?: { ask?: { node?: string } } } | undefined)?.backline?.ask?.node).find(Boolean);

describe('a state read made under the turn lock', () => {
  it('is used as the first read; stale, the turn decides again on the stored state', async () => {
    const conversationId = 'prefetch-stale';
    const key = stateKey({ channelId: 'webchat', conversationId });
    let prefetched: PrefetchedRead | undefined;
    const handler = (context: TurnContext) => backline.bot.handle(context, prefetched);
    const chat = new InProcessConversation(backline.adapter, handler, { channelId: 'webchat', conversationId });
    await chat.join();
    await chat.say("Check if it's serious");
    // What was stored after the first question: a read made now is the state one answer back.
    const stale = await storage.read([key]);
    const first = await chat.say('no');
    const node = asked(first);
    expect(node).toBeDefined();
    // Used: a read with the stored eTag but the state one answer back is what the turn decides on
    // (the same question again), which shows the turn took it instead of reading.
    const current = (await storage.read([key]))[key] as { eTag: string };
    prefetched = { keys: [key], items: { [key]: { ...(stale[key] as object), eTag: current.eTag } } };
    expect(asked(await chat.say('no'))).toBe(node);
    // The next turn gets a stale read, as if another instance's turn had saved in between.
    prefetched = { keys: [key], items: stale };
    const second = await chat.say('no');
    prefetched = undefined;
    // Decided on the stored state: the next question, not the one just answered again.
    expect(asked(second)).toBeDefined();
    expect(asked(second)).not.toBe(node);
    const stored = (await storage.read([key]))[key] as { eTag: string };
    expect(stored.eTag).not.toBe((stale[key] as { eTag: string }).eTag);
  });

  it('empty (as if absent) for a stored conversation: the create-if-absent save fails and the turn decides on the stored state', async () => {
    const conversationId = 'prefetch-other-key';
    let prefetched: PrefetchedRead | undefined = undefined;
    const chat = new InProcessConversation(backline.adapter, (context) => backline.bot.handle(context, prefetched), { channelId: 'webchat', conversationId });
    await chat.join();
    await chat.say("Check if it's serious");
    prefetched = { keys: [stateKey({ channelId: 'webchat', conversationId })], items: {} };
    const reply = await chat.say('no');
    expect(texts(reply)).not.toMatch(/something went wrong/i);
    expect(asked(reply)).toBeDefined();
  });

  it('is asked for only for the activities whose turn reads the state: a message its state and the presence', () => {
    const base = { conversation: { id: 'c1' }, channelId: 'webchat' };
    const key = stateKey({ channelId: 'webchat', conversationId: 'c1' });
    expect(BacklineBot.readKeysOf({ ...base, type: 'message' } as never)).toEqual([key, PRESENCE_KEY]);
    expect(BacklineBot.readKeysOf({ ...base, type: 'conversationUpdate' } as never)).toEqual([key]);
    expect(BacklineBot.readKeysOf({ ...base, type: 'typing' } as never)).toBeUndefined();
    expect(BacklineBot.readKeysOf({ type: 'message' } as never)).toBeUndefined();
  });

  it('holding the presence is what the turn counts as the team online; one without it reads the presence itself', async () => {
    const conversationId = 'prefetch-presence';
    const key = stateKey({ channelId: 'webchat', conversationId });
    const now = Date.now();
    const online: StoreItem = { [PRESENCE_KEY]: { agents: { a1: { name: 'Sam', seen: now } } } };
    const support = backline.support.service;
    // The defaults: the console, always open; nobody has signed in to this storage's console.
    expect((await support.facts()).support_reason).toBe('offline');
    expect((await support.facts({ keys: [key, PRESENCE_KEY], items: {} })).support_reason).toBe('offline');
    expect((await support.facts({ keys: [key, PRESENCE_KEY], items: online })).support_available).toBe('yes');
    // A read ahead that did not cover the presence is not taken for "nobody online": storage is read.
    expect((await support.facts({ keys: [key], items: online })).support_reason).toBe('offline');
    await storage.write(online);
    expect((await support.facts({ keys: [key], items: {} })).support_available).toBe('yes');
    await storage.delete([PRESENCE_KEY]);
  });
});
