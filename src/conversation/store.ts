// Where a conversation's state, trial leads and support cases are kept. Every key of one
// conversation shares a prefix, so "forget me" can erase them all at once.
import { newConversationState, type ConversationState } from '../engine/state.js';
import { ETAG_IF_ABSENT, readThrough, type BacklineStorage, type PrefetchedRead, type StoreItem } from '../storage/index.js';

export interface ConversationKey {
  channelId: string;
  conversationId: string;
}

export function conversationPrefix(key: ConversationKey): string {
  return `c/${encodeURIComponent(key.channelId)}/${encodeURIComponent(key.conversationId)}/`;
}

const STATE = 'state';

export function stateKey(key: ConversationKey): string {
  return conversationPrefix(key) + STATE;
}

export interface LoadedState {
  state: ConversationState;
  /** eTag of the stored copy (also of an unreadable one, which the save replaces); the save fails if someone else saved in between. */
  eTag?: string;
  isNew: boolean;
}

/** `prefetched`: a read made moments ago under the turn lock; used if it read this state (saves a round trip). */
export async function loadState(storage: BacklineStorage, key: ConversationKey, prefetched?: PrefetchedRead): Promise<LoadedState> {
  const storageKey = stateKey(key);
  const items = await readThrough(storage, [storageKey], prefetched);
  const item = items[storageKey] as { state?: ConversationState; eTag?: string } | undefined;
  if (!item?.state || item.state.v !== 1) return { state: newConversationState(), isNew: true, ...(item?.eTag ? { eTag: item.eTag } : {}) };
  return { state: item.state, eTag: item.eTag, isNew: false };
}

/** Saves the state; `alongside` items (the turn's transcript) are written in the same atomic write. */
export async function saveState(
  storage: BacklineStorage,
  key: ConversationKey,
  state: ConversationState,
  eTag: string | undefined,
  alongside: StoreItem = {},
): Promise<void> {
  const storageKey = stateKey(key);
  // A new conversation is created only if nobody else created it first (two simultaneous first
  // messages, possibly on two instances): the loser decides again on the winner's state.
  await storage.write({ ...alongside, [storageKey]: { state, eTag: eTag ?? ETAG_IF_ABSENT } });
}

/** Erases everything stored for this conversation; returns how many items went. */
export async function forgetConversation(storage: BacklineStorage, key: ConversationKey): Promise<number> {
  return storage.deleteByPrefix(conversationPrefix(key));
}
