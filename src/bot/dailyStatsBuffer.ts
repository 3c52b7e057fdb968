// The day's figures (src/handoff/stats.ts), counted per turn but written a moment later, many
// turns at once. Every turn used to read and rewrite the one record of the day: two storage calls
// per turn, and on PostgreSQL a row that every turn on every instance contended for. Now a turn
// adds its counts here (no storage call) and the sum is written at most once a second, at shutdown,
// and before anyone reads the figures through this instance (`flushingBeforeStatsRead`), so what
// a console shows after a turn includes it. A crash loses at most the last second's counts
// (counts only, never the conversation, which is saved with the turn).
import type { Logger } from '../logger.js';
import { addDailyStats, DAILY_STATS_PREFIX, dayOf, type StatsIncrement } from '../handoff/stats.js';
import type { BacklineStorage } from '../storage/index.js';
import { overriding } from '../storage/overriding.js';
import { errorName } from '../util/errors.js';

const FLUSH_EVERY_MS = 1000;

type CountMap = Partial<Record<string, number>>;

function addCountMaps(a: CountMap | undefined, b: CountMap | undefined): CountMap | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: CountMap = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + (v ?? 0);
  return out;
}

/** Two increments as one: numbers and per-key counts added, waits kept in order. */
export function mergeIncrements(a: StatsIncrement, b: StatsIncrement): StatsIncrement {
  const out: Record<string, unknown> = { ...a };
  for (const [field, value] of Object.entries(b) as [keyof StatsIncrement, unknown][]) {
    if (value === undefined) continue;
    const mine = out[field];
    if (typeof value === 'number') out[field] = ((mine as number | undefined) ?? 0) + value;
    else if (Array.isArray(value)) out[field] = [...((mine as number[] | undefined) ?? []), ...(value as number[])];
    else out[field] = addCountMaps(mine as CountMap | undefined, value as CountMap);
  }
  return out as StatsIncrement;
}

export class DailyStatsBuffer {
  /** Counts not written yet, by UTC day (a turn just before midnight counts for its own day). */
  private pending = new Map<string, { increment: StatsIncrement; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** Flushes run one after another, never two at once. */
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly storage: BacklineStorage,
    private readonly logger: Logger,
    private readonly flushEveryMs = FLUSH_EVERY_MS,
  ) {}

  /** Counts a turn's increment (written within `flushEveryMs`). */
  add(increment: StatsIncrement, now: number = Date.now()): void {
    if (Object.keys(increment).length === 0) return;
    const day = dayOf(now);
    const entry = this.pending.get(day);
    this.pending.set(day, { increment: entry ? mergeIncrements(entry.increment, increment) : increment, at: entry?.at ?? now });
    this.schedule();
  }

  /** Writes everything counted so far; resolves when it is stored (or its failure logged and kept for the next try). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => {});
    return run;
  }

  /** The last flush; nothing is scheduled after it. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.timer || this.closed || this.pending.size === 0) return;
    this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
    this.timer.unref();
  }

  private async writePending(): Promise<void> {
    // Taken when this flush runs, so a flush queued behind another writes everything added meanwhile.
    const batch = this.pending;
    this.pending = new Map();
    for (const [day, { increment, at }] of batch) {
      try {
        await addDailyStats(this.storage, increment, at);
      } catch (error) {
        // Kept for the next flush; a failure here never costs anyone a reply.
        this.logger.warn('stats_update_failed', { error: errorName(error) });
        const later = this.pending.get(day);
        this.pending.set(day, { increment: later ? mergeIncrements(increment, later.increment) : increment, at });
      }
    }
    this.schedule();
  }
}

/**
 * The same storage, except that reading a day's figures first writes what this instance has
 * counted (so the console's figures include every turn this instance has answered).
 */
export function flushingBeforeStatsRead<S extends BacklineStorage>(storage: S, buffer: DailyStatsBuffer): S {
  const read: BacklineStorage['read'] = async (keys) => {
    if (Array.isArray(keys) && keys.some((key) => typeof key === 'string' && key.startsWith(DAILY_STATS_PREFIX))) await buffer.flush();
    return storage.read(keys);
  };
  return overriding(storage, { read });
}
