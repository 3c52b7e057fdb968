// Daily figures for the console's "Figures" tab: counts only, never message text, answers or ids.
// One record per day (UTC) under h/stats/day/<YYYY-MM-DD>, incremented by the bot's turn effects
// and by claims (waits), read back as a date range by GET /agent/api/stats.
import type { TriageLevel } from '../contract.js';
import type { EngineContent } from '../engine/runtime.js';
import type { Reply } from '../engine/replies.js';
import type { ConversationState } from '../engine/state.js';
import { ETAG_IF_ABSENT, retryOnConflict, type BacklineStorage } from '../storage/index.js';

export const DAILY_STATS_PREFIX = 'h/stats/day/';
/** Waits kept per day for the median and p90 (seconds; numbers only). */
const WAITS_PER_DAY = 2000;
export const MAX_STATS_DAYS = 366;

export interface DailyStats {
  day: string;
  conversations: number;
  /** Final triage outcomes by level. */
  outcomes: Partial<Record<TriageLevel, number>>;
  redFlagReplies: number;
  crisisReplies: number;
  handoffs: number;
  callbacks: number;
  trialLeads: number;
  /** Messages from people, and those the bot could not place (out of scope, asked again). */
  messages: number;
  unplaced: number;
  /** Check (warning-sign) questions asked, and moved past, by dialog node id. */
  checkAsked: Record<string, number>;
  checkPassed: Record<string, number>;
  /** Seconds from joining the queue to a team member joining. */
  waits: number[];
}

export type StatsIncrement = Partial<Omit<DailyStats, 'day' | 'waits'>> & { waits?: number[] };

export function dayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function emptyDay(day: string): DailyStats {
  return {
    day,
    conversations: 0,
    outcomes: {},
    redFlagReplies: 0,
    crisisReplies: 0,
    handoffs: 0,
    callbacks: 0,
    trialLeads: 0,
    messages: 0,
    unplaced: 0,
    checkAsked: {},
    checkPassed: {},
    waits: [],
  };
}

function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>> | undefined): Partial<Record<K, number>> {
  const out = { ...into };
  for (const [k, v] of Object.entries(from ?? {}) as [K, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
}

function isEmpty(increment: StatsIncrement): boolean {
  return Object.values(increment).every((v) => (typeof v === 'number' ? v === 0 : Array.isArray(v) ? v.length === 0 : !v || Object.keys(v).length === 0));
}

/** Adds counts to a day's record (eTag-checked, retried on a conflict). */
export async function addDailyStats(storage: BacklineStorage, increment: StatsIncrement, now: number = Date.now()): Promise<void> {
  if (isEmpty(increment)) return;
  const day = dayOf(now);
  const key = DAILY_STATS_PREFIX + day;
  await retryOnConflict(async () => {
    const stored = (await storage.read([key]))[key] as (DailyStats & { eTag?: string }) | undefined;
    const { eTag, ...current } = stored ?? { ...emptyDay(day) };
    const base = { ...emptyDay(day), ...current };
    const next: DailyStats = {
      day,
      conversations: base.conversations + (increment.conversations ?? 0),
      outcomes: addCounts(base.outcomes, increment.outcomes),
      redFlagReplies: base.redFlagReplies + (increment.redFlagReplies ?? 0),
      crisisReplies: base.crisisReplies + (increment.crisisReplies ?? 0),
      handoffs: base.handoffs + (increment.handoffs ?? 0),
      callbacks: base.callbacks + (increment.callbacks ?? 0),
      trialLeads: base.trialLeads + (increment.trialLeads ?? 0),
      messages: base.messages + (increment.messages ?? 0),
      unplaced: base.unplaced + (increment.unplaced ?? 0),
      checkAsked: addCounts(base.checkAsked, increment.checkAsked) as Record<string, number>,
      checkPassed: addCounts(base.checkPassed, increment.checkPassed) as Record<string, number>,
      waits: [...base.waits, ...(increment.waits ?? []).map((w) => Math.max(0, Math.round(w)))].slice(-WAITS_PER_DAY),
    };
    await storage.write({ [key]: { ...next, eTag: eTag ?? ETAG_IF_ABSENT } });
  });
}

/** The warning-sign check's questions (nodes that ask about an evidence id), as "tree.node". */
export function checkQuestionNodes(content: EngineContent): Set<string> {
  const nodes = new Set<string>();
  for (const tree of content.dialogs.trees.values()) {
    for (const [id, node] of Object.entries(tree.nodes)) {
      if ('ask' in node && typeof (node as { evidence?: unknown }).evidence === 'string') nodes.add(`${tree.id}.${id}`);
    }
  }
  return nodes;
}

export interface TurnForStats {
  isNew: boolean;
  /** The person wrote something (a message turn). */
  fromPerson: boolean;
  /** The bot could not place the message (out of scope, or asked the question again). */
  unplaced: boolean;
  before: ConversationState | undefined;
  after: ConversationState;
  replies: Reply[];
  effects: { type: string }[];
}

/** What one saved turn adds to the day's counts. */
export function turnIncrement(turn: TurnForStats, checkNodes: ReadonlySet<string>): StatsIncrement {
  const inc: StatsIncrement = {};
  if (turn.isNew) inc.conversations = 1;
  if (turn.fromPerson) {
    inc.messages = 1;
    if (turn.unplaced) inc.unplaced = 1;
  }
  const was = turn.before?.at ? `${turn.before.at.tree}.${turn.before.at.node}` : undefined;
  const now = turn.after.at ? `${turn.after.at.tree}.${turn.after.at.node}` : undefined;
  for (const reply of turn.replies) {
    if (reply.triage?.final) inc.outcomes = addCounts(inc.outcomes ?? {}, { [reply.triage.level]: 1 });
    if (reply.urgent) inc.redFlagReplies = (inc.redFlagReplies ?? 0) + 1;
    if ((reply as { crisis?: boolean }).crisis) inc.crisisReplies = (inc.crisisReplies ?? 0) + 1;
    const node = reply.ask?.node;
    // Asked again after an unclear answer is still the same question: counted once.
    if (node && node !== was && reply.ask?.evidence && checkNodes.has(node))
      inc.checkAsked = addCounts(inc.checkAsked ?? {}, { [node]: 1 }) as Record<string, number>;
  }
  // A check question that was waiting for an answer and is no longer: the person moved past it.
  if (was && checkNodes.has(was) && now !== was) inc.checkPassed = { [was]: 1 };
  for (const effect of turn.effects) {
    if (effect.type === 'handoff') inc.handoffs = (inc.handoffs ?? 0) + 1;
    if (effect.type === 'record_callback') inc.callbacks = (inc.callbacks ?? 0) + 1;
    if (effect.type === 'record_trial_lead') inc.trialLeads = (inc.trialLeads ?? 0) + 1;
  }
  return inc;
}

/** A day's counters (or their sum over a range), without the per-question maps and the waits. */
type DayCounts = Omit<DailyStats, 'day' | 'waits' | 'checkAsked' | 'checkPassed'>;

export interface StatsReport {
  from: string;
  to: string;
  days: (DayCounts & { day: string })[];
  totals: DayCounts & {
    /** unplaced / messages, 0 to 1 (0 when there were no messages). */
    fallbackRate: number;
    waits: { count: number; medianSeconds: number | null; p90Seconds: number | null };
    /** Check questions people stopped at: asked but never moved past, by node id, most first. */
    dropOuts: { node: string; count: number }[];
  };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && out.length < MAX_STATS_DAYS; t += 86_400_000) out.push(dayOf(t));
  return out;
}

/** The days from..to (inclusive, YYYY-MM-DD), with totals; days without a record count zero. */
export async function readStats(storage: BacklineStorage, from: string, to: string): Promise<StatsReport> {
  const days = daysBetween(from, to);
  const keys = days.map((d) => DAILY_STATS_PREFIX + d);
  const found = keys.length > 0 ? await storage.read(keys) : {};
  const records = days.map((day, i) => {
    const stored = found[keys[i]!] as (DailyStats & { eTag?: string }) | undefined;
    const { eTag: _eTag, ...rest } = stored ?? { ...emptyDay(day) };
    return { ...emptyDay(day), ...rest, day };
  });
  const sum = (pick: (d: DailyStats) => number) => records.reduce((n, d) => n + pick(d), 0);
  const waits = records.flatMap((d) => d.waits).sort((a, b) => a - b);
  const asked = records.reduce<Record<string, number>>((acc, d) => addCounts(acc, d.checkAsked) as Record<string, number>, {});
  const passed = records.reduce<Record<string, number>>((acc, d) => addCounts(acc, d.checkPassed) as Record<string, number>, {});
  const dropOuts = Object.entries(asked)
    .map(([node, count]) => ({ node, count: Math.max(0, count - (passed[node] ?? 0)) }))
    .filter((d) => d.count > 0)
    .sort((a, b) => b.count - a.count || a.node.localeCompare(b.node));
  const messages = sum((d) => d.messages);
  const unplaced = sum((d) => d.unplaced);
  return {
    from,
    to,
    days: records.map(({ waits: _w, checkAsked: _a, checkPassed: _p, ...counts }) => counts),
    totals: {
      conversations: sum((d) => d.conversations),
      outcomes: records.reduce<Partial<Record<TriageLevel, number>>>((acc, d) => addCounts(acc, d.outcomes), {}),
      redFlagReplies: sum((d) => d.redFlagReplies),
      crisisReplies: sum((d) => d.crisisReplies),
      handoffs: sum((d) => d.handoffs),
      callbacks: sum((d) => d.callbacks),
      trialLeads: sum((d) => d.trialLeads),
      messages,
      unplaced,
      fallbackRate: messages === 0 ? 0 : Math.round((unplaced / messages) * 1000) / 1000,
      waits: { count: waits.length, medianSeconds: percentile(waits, 0.5), p90Seconds: percentile(waits, 0.9) },
      dropOuts,
    },
  };
}
