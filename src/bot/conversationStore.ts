// Where a conversation's state, trial leads and support cases are kept. Every key of one
// conversation shares a prefix, so "forget me" can erase them all at once.
import { newConversationState, type ConversationState } from '../engine/state.js';
import type { BacklineStorage, StoreItem } from '../storage/index.js';

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
  /** eTag of the stored copy; the save fails if someone else saved in between. */
  eTag?: string;
  isNew: boolean;
}

export async function loadState(storage: BacklineStorage, key: ConversationKey): Promise<LoadedState> {
  const storageKey = stateKey(key);
  const items = await storage.read([storageKey]);
  const item = items[storageKey] as { state?: ConversationState; eTag?: string } | undefined;
  if (!item?.state || item.state.v !== 1) return { state: newConversationState(), isNew: true };
  return { state: item.state, eTag: item.eTag, isNew: false };
}

/** Saves the state; `alongside` items (the turn's transcript) are written in the same atomic write. */
export async function saveState(storage: BacklineStorage, key: ConversationKey, state: ConversationState, eTag: string | undefined, alongside: StoreItem = {}): Promise<void> {
  const storageKey = stateKey(key);
  // A new conversation is written with no eTag; a racing first write is then last-writer-wins,
  // which only happens for two simultaneous first messages.
  await storage.write({ ...alongside, [storageKey]: { state, ...(eTag ? { eTag } : {}) } });
}

/** Erases everything stored for this conversation; returns how many items went. */
export async function forgetConversation(storage: BacklineStorage, key: ConversationKey): Promise<number> {
  return storage.deleteByPrefix(conversationPrefix(key));
}
