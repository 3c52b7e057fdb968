// Direct Line conversations and their activity logs, kept in BacklineStorage so that several
// server instances could share one store. Nothing here lives in process memory.
//
//   dl/<conversationId>/meta          { userId, createdAt, locale, next }   next = the next sequence number
//   dl/<conversationId>/a/<00000001>  one activity; its id is "<conversationId>|<00000001>"
//
// Appending reads meta, then writes meta (next + n) and the n activities in one write with meta's
// eTag: if another writer appended in between, the write stores nothing and we retry. So sequence
// numbers are never reused, a watermark is simply the last sequence number a client has, and the
// activities after it are computed keys (no listing).
import type { BacklineStorage } from '../storage/index.js';
import { ETAG_IF_ABSENT, retryOnConflict, StorageConflictError } from '../storage/index.js';

export interface ConversationMeta {
  conversationId: string;
  userId: string;
  createdAt: string;
  locale?: string;
  /** Sequence number the next activity gets; the first is 1. */
  next: number;
  /**
   * The client's own ids (Web Chat's channelData.clientActivityID) of the last few messages, with
   * their sequence numbers: a post retried after its answer was lost (a proxy retrying on another
   * instance) is the message already stored, not a second one.
   */
  recentClientIds?: [string, number][];
}

/** How many client ids a conversation remembers (a retry comes within seconds). */
const RECENT_CLIENT_IDS = 20;

/** An activity as stored and sent to clients: the wire JSON, with its id set. */
export type WireActivity = Record<string, unknown> & { id: string; type: string };

export interface ActivitySet {
  activities: WireActivity[];
  /** The sequence number of the last activity returned (or the one asked for when none). */
  watermark: number;
}

export class ConversationNotFoundError extends Error {
  override readonly name = 'ConversationNotFoundError';
}

const PREFIX = 'dl/';
const SEQUENCE_DIGITS = 8;
/** Most activities one read returns; a client with an older watermark gets the rest next time. */
export const MAX_ACTIVITIES_PER_READ = 200;

export function conversationPrefix(conversationId: string): string {
  return `${PREFIX}${encodeURIComponent(conversationId)}/`;
}

const metaKey = (conversationId: string) => `${conversationPrefix(conversationId)}meta`;
const activityPrefix = (conversationId: string) => `${conversationPrefix(conversationId)}a/`;
const activityKey = (conversationId: string, seq: number) => `${activityPrefix(conversationId)}${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** A watermark from a URL: a whole number, or 0 (everything) for anything else. */
export function parseWatermark(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return 0;
  return Number(value);
}

export class DirectLineStore {
  constructor(private readonly storage: BacklineStorage) {}

  /** Creates the conversation; false when it exists already (a racing start included). */
  async create(meta: Omit<ConversationMeta, 'next' | 'createdAt'>): Promise<boolean> {
    const stored: ConversationMeta = { ...meta, createdAt: new Date().toISOString(), next: 1 };
    try {
      await this.storage.write({ [metaKey(meta.conversationId)]: { ...stored, eTag: ETAG_IF_ABSENT } });
      return true;
    } catch (error) {
      if (error instanceof StorageConflictError) return false;
      throw error;
    }
  }

  async meta(conversationId: string): Promise<ConversationMeta | undefined> {
    const key = metaKey(conversationId);
    const item = (await this.storage.read([key]))[key] as (ConversationMeta & { eTag?: string }) | undefined;
    if (!item) return undefined;
    const { eTag: _eTag, ...meta } = item;
    return meta;
  }

  /** Appends activities in order, giving each its id; returns them as stored. */
  async append(conversationId: string, activities: Record<string, unknown>[]): Promise<WireActivity[]> {
    if (activities.length === 0) return [];
    return (await this.appendOnce(conversationId, activities, undefined)).stored;
  }

  /**
   * Appends a person's message, unless its client id says it is one already stored (then that one
   * is returned, `repeat` true, and nothing is written). The turn is still run for a repeat: the
   * bot skips an activity id it has already handled, and runs one whose first attempt died.
   */
  async appendMessage(conversationId: string, activity: Record<string, unknown>): Promise<{ stored: WireActivity; repeat: boolean }> {
    const { stored, repeat } = await this.appendOnce(conversationId, [activity], clientActivityId(activity));
    return { stored: stored[0]!, repeat };
  }

  /** The one writer: the meta's sequence and the activities in one compare-and-set, retried on conflict. */
  private appendOnce(
    conversationId: string,
    activities: Record<string, unknown>[],
    clientId: string | undefined,
  ): Promise<{ stored: WireActivity[]; repeat: boolean }> {
    const key = metaKey(conversationId);
    return retryOnConflict(async () => {
      const item = (await this.storage.read([key]))[key] as (ConversationMeta & { eTag: string }) | undefined;
      if (!item) throw new ConversationNotFoundError('Direct Line conversation not found');
      const known = clientId === undefined ? undefined : item.recentClientIds?.find(([id]) => id === clientId);
      if (known) {
        const aKey = activityKey(conversationId, known[1]);
        const earlier = ((await this.storage.read([aKey]))[aKey] as { activity?: WireActivity } | undefined)?.activity;
        if (earlier) return { stored: [earlier], repeat: true };
      }
      const first = item.next;
      const stored = activities.map((activity, i) => ({ ...activity, id: activityId(conversationId, first + i) }) as WireActivity);
      const meta: ConversationMeta & { eTag: string } = { ...item, next: first + stored.length };
      if (clientId !== undefined) {
        meta.recentClientIds = [...(item.recentClientIds ?? []).filter(([id]) => id !== clientId), [clientId, first] as [string, number]].slice(
          -RECENT_CLIENT_IDS,
        );
      }
      const changes: Record<string, unknown> = { [key]: meta };
      stored.forEach((activity, i) => {
        changes[activityKey(conversationId, first + i)] = { activity };
      });
      await this.storage.write(changes);
      return { stored, repeat: false };
    });
  }

  /** Activities after `watermark`, oldest first, at most MAX_ACTIVITIES_PER_READ. */
  async since(conversationId: string, watermark: number, next?: number): Promise<ActivitySet> {
    const end = next ?? (await this.meta(conversationId))?.next;
    if (end === undefined) throw new ConversationNotFoundError('Direct Line conversation not found');
    const from = Math.max(1, watermark + 1);
    const to = Math.min(end - 1, from + MAX_ACTIVITIES_PER_READ - 1);
    if (to < from) return { activities: [], watermark: Math.min(watermark, end - 1) };
    const keys: string[] = [];
    for (let seq = from; seq <= to; seq++) keys.push(activityKey(conversationId, seq));
    const items = await this.storage.read(keys);
    // Keys can be missing (retention, "forget me"): skip them, the watermark still moves on.
    const activities = keys.map((k) => (items[k] as { activity?: WireActivity } | undefined)?.activity).filter((a): a is WireActivity => Boolean(a));
    return { activities, watermark: to };
  }

  /** Deletes the conversation and its transcript. */
  async remove(conversationId: string): Promise<number> {
    return this.storage.deleteByPrefix(conversationPrefix(conversationId));
  }

  /** Deletes the conversation's transcript, keeping its meta (so sequence numbers never repeat). */
  async purgeActivities(conversationId: string): Promise<number> {
    return this.storage.deleteByPrefix(activityPrefix(conversationId));
  }
}

function clientActivityId(activity: Record<string, unknown>): string | undefined {
  const id = (activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}
