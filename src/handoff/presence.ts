// Who from the team is online, and how long people have waited lately. Both live in storage so
// every instance agrees; neither holds anything about the people chatting.
import { ETAG_IF_ABSENT, readThrough, retryOnConflict, type BacklineStorage, type PrefetchedRead } from '../storage/index.js';
import { PRESENCE_KEY, STATS_KEY } from './keys.js';

/** A team member counts as online if their console was seen this recently. */
export const ONLINE_WINDOW_MS = 60_000;
/** Presence is rewritten at most this often per team member. */
const REFRESH_MS = 10_000;
/** Entries older than this are dropped when presence is rewritten. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
/** Waits remembered for the estimate. */
const WAITS_KEPT = 20;

interface PresenceItem {
  /** away: signed in but not taking chats (the console's presence toggle); routing counts them out. */
  agents: Record<string, { name: string; seen: number; away?: boolean }>;
}

interface StatsItem {
  /** Seconds from joining the queue to a team member joining, newest last. */
  waits: number[];
}

async function modify<T extends object>(storage: BacklineStorage, key: string, empty: T, change: (current: T) => T | undefined): Promise<void> {
  await retryOnConflict(async () => {
    const stored = (await storage.read([key]))[key] as (T & { eTag?: string }) | undefined;
    const { eTag, ...current } = stored ?? ({ ...empty } as T & { eTag?: string });
    const next = change(current as T);
    if (!next) return;
    await storage.write({ [key]: { ...next, eTag: eTag ?? ETAG_IF_ABSENT } });
  });
}

export async function markPresent(storage: BacklineStorage, agent: { id: string; name: string }, now: number = Date.now()): Promise<void> {
  await modify<PresenceItem>(storage, PRESENCE_KEY, { agents: {} }, (presence) => {
    const entry = presence.agents[agent.id];
    if (entry && now - entry.seen < REFRESH_MS && entry.name === agent.name) return undefined;
    const agents = Object.fromEntries(Object.entries(presence.agents).filter(([, a]) => now - a.seen < FORGET_AFTER_MS));
    agents[agent.id] = { name: agent.name, seen: now, ...(entry?.away ? { away: true } : {}) };
    return { agents };
  });
}

export async function markAbsent(storage: BacklineStorage, agentId: string): Promise<void> {
  await modify<PresenceItem>(storage, PRESENCE_KEY, { agents: {} }, (presence) => {
    if (!presence.agents[agentId]) return undefined;
    const agents = { ...presence.agents };
    delete agents[agentId];
    return { agents };
  });
}

/** Sets a team member available or away (and seen now). */
export async function setAway(storage: BacklineStorage, agent: { id: string; name: string }, away: boolean, now: number = Date.now()): Promise<void> {
  await modify<PresenceItem>(storage, PRESENCE_KEY, { agents: {} }, (presence) => ({
    agents: { ...presence.agents, [agent.id]: { name: agent.name, seen: now, ...(away ? { away: true } : {}) } },
  }));
}

export interface TeamMemberPresence {
  id: string;
  name: string;
  status: 'available' | 'away';
}

/** Team members whose console is open now, available or away. */
/** `prefetched`: a read made moments ago under the turn lock; used if it read the presence. */
export async function onlineTeam(storage: BacklineStorage, now: number = Date.now(), prefetched?: PrefetchedRead): Promise<TeamMemberPresence[]> {
  const presence = (await readThrough(storage, [PRESENCE_KEY], prefetched))[PRESENCE_KEY] as PresenceItem | undefined;
  return Object.entries(presence?.agents ?? {})
    .filter(([, a]) => now - a.seen < ONLINE_WINDOW_MS)
    .map(([id, a]) => ({ id, name: a.name, status: a.away ? ('away' as const) : ('available' as const) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Team members online and available: what the bot's routing means by "anyone online". */
export async function onlineAgentCount(storage: BacklineStorage, now: number = Date.now(), prefetched?: PrefetchedRead): Promise<number> {
  return (await onlineTeam(storage, now, prefetched)).filter((a) => a.status === 'available').length;
}

export async function recordWait(storage: BacklineStorage, seconds: number): Promise<void> {
  await modify<StatsItem>(storage, STATS_KEY, { waits: [] }, (stats) => ({
    waits: [...(stats.waits ?? []), Math.max(0, Math.round(seconds))].slice(-WAITS_KEPT),
  }));
}

/**
 * An honest estimate from recent waits: the median, in whole minutes (at least 1); undefined
 * until there are a few to go on.
 */
export async function estimatedWaitMinutes(storage: BacklineStorage): Promise<number | undefined> {
  const stats = (await storage.read([STATS_KEY]))[STATS_KEY] as StatsItem | undefined;
  const waits = [...(stats?.waits ?? [])].sort((a, b) => a - b);
  if (waits.length < 3) return undefined;
  const median = waits[Math.floor(waits.length / 2)]!;
  return Math.max(1, Math.ceil(median / 60));
}

/** The recent waits, in seconds (for the metrics). */
export async function recentWaitSeconds(storage: BacklineStorage): Promise<number[]> {
  const stats = (await storage.read([STATS_KEY]))[STATS_KEY] as StatsItem | undefined;
  return [...(stats?.waits ?? [])];
}
