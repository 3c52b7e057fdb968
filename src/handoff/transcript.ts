// The transcript of a conversation: what the person typed, what the bot said, and what a team
// member wrote, in time order. One item per turn (or per message from the team) under the
// conversation's prefix, so "forget me" erases it with everything else and retention ages it out.
import type { TriageLevel } from '../contract.js';
import type { ConversationKey } from '../conversation/store.js';
import type { BacklineStorage, StoreItem } from '../storage/index.js';
import { randomUUID } from 'node:crypto';
import { timeKey, transcriptPrefix } from './keys.js';

export type TranscriptRole = 'user' | 'bot' | 'agent';

export interface TranscriptEntry {
  role: TranscriptRole;
  text: string;
  /** The team member's name, on their messages. */
  agent?: string;
  /** Urgent advice from the bot. */
  urgent?: true;
  /** Crisis help from the bot (suicidal thoughts, self-harm, overdose). */
  crisis?: true;
  level?: TriageLevel;
}

export interface TranscriptItem {
  at: string;
  entries: TranscriptEntry[];
}

/** A transcript item with its cursor (the key's last part), for "what came after this". */
export interface TranscriptPage {
  items: (TranscriptItem & { cursor: string })[];
  /** The cursor of the last item, or the one asked for when nothing is newer. */
  cursor: string;
}

/** Long article replies are kept in full up to this length; longer text is cut. */
const MAX_ENTRY_CHARS = 4000;
const READ_CHUNK = 200;
export const CURSOR_PATTERN = /^\d{16}-[0-9a-f]{6,16}$/;

/** 8 random hex digits: the start of a v4 UUID (all random bits), from Node's pooled entropy, not a sync read per call. */
function randomHex8(): string {
  return randomUUID().slice(0, 8);
}

export function transcriptItem(key: ConversationKey, entries: TranscriptEntry[], now: number = Date.now()): StoreItem {
  const item: TranscriptItem = {
    at: new Date(now).toISOString(),
    entries: entries.map((e) => ({ ...e, text: e.text.length > MAX_ENTRY_CHARS ? `${e.text.slice(0, MAX_ENTRY_CHARS)}…` : e.text })),
  };
  return { [`${transcriptPrefix(key)}${timeKey(now, randomHex8())}`]: item };
}

/** Appends one item; returns its storage key (undefined when there was nothing to add). */
export async function appendTranscript(
  storage: BacklineStorage,
  key: ConversationKey,
  entries: TranscriptEntry[],
  now: number = Date.now(),
): Promise<string | undefined> {
  if (entries.length === 0) return undefined;
  const item = transcriptItem(key, entries, now);
  await storage.write(item);
  return Object.keys(item)[0];
}

/** The transcript after `after` (a cursor), oldest first; at most the last `limit` items. */
export async function readTranscript(
  storage: BacklineStorage,
  key: ConversationKey,
  options: { after?: string; limit?: number } = {},
): Promise<TranscriptPage> {
  const prefix = transcriptPrefix(key);
  let keys = await storage.listKeys(prefix);
  if (options.after) keys = keys.filter((k) => k.slice(prefix.length) > options.after!);
  if (options.limit !== undefined && keys.length > options.limit) keys = keys.slice(keys.length - options.limit);
  const items: TranscriptPage['items'] = [];
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    const chunk = keys.slice(i, i + READ_CHUNK);
    const found = await storage.read(chunk);
    for (const k of chunk) {
      const item = found[k] as (TranscriptItem & { eTag?: string }) | undefined;
      if (!item || !Array.isArray(item.entries)) continue;
      items.push({ at: item.at, entries: item.entries, cursor: k.slice(prefix.length) });
    }
  }
  return { items, cursor: items.at(-1)?.cursor ?? options.after ?? '' };
}
