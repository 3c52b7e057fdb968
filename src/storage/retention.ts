import type { BacklineStorage } from './types.js';
import { errorName } from '../util/errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionSweepOptions {
  /** Where the sweep reports counts (never keys or values). Default console.info / console.warn. */
  log?: (message: string) => void;
  warn?: (message: string) => void;
  now?: () => number;
  /** Called after each sweep with how many items it deleted (metrics, tests). */
  onSweep?: (deleted: number) => void;
}

/**
 * Deletes items not written for `retentionDays`, once now and then every `intervalMs`. The
 * timer is unref'd, so it never keeps the process alive. Returns a function that stops it.
 * Sweeps never overlap: a tick while one is still running is skipped.
 */
export function startRetentionSweep(
  storage: Pick<BacklineStorage, 'deleteOlderThan'>,
  retentionDays: number,
  intervalMs: number,
  options: RetentionSweepOptions = {},
): () => void {
  if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
    throw new RangeError('retentionDays must be a positive number.');
  }
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError('intervalMs must be a positive number of milliseconds.');
  }
  const log = options.log ?? ((message: string) => console.info(message));
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const now = options.now ?? Date.now;
  let running = false;
  let stopped = false;

  const sweep = async (): Promise<void> => {
    if (running || stopped) return;
    running = true;
    try {
      const deleted = await storage.deleteOlderThan(now() - retentionDays * DAY_MS);
      if (deleted > 0) log(`[storage] retention: deleted ${deleted} item(s) not updated for ${retentionDays} day(s)`);
      options.onSweep?.(deleted);
    } catch (error) {
      // Only the error's kind: a message could quote a key.
      const code = (error as { code?: unknown } | null)?.code;
      warn(`[storage] retention sweep failed (${errorName(error)}${typeof code === 'string' ? ` ${code}` : ''})`);
    } finally {
      running = false;
    }
  };

  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
