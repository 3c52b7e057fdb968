// The one retry loop for eTag read-modify-write: read, change, write with the eTag read; when
// another writer got in first (StorageConflictError), wait a little and do it all again on what
// they wrote. The wait grows exponentially with full jitter, so writers that collided once spread
// out instead of colliding again in lock-step (within one process and across processes on one store).
import { backOff } from 'exponential-backoff';
import { StorageConflictError } from './types.js';

export interface ConflictRetryOptions {
  /** How many times `attempt` may run in all. Default 12. */
  attempts?: number;
  /** The first wait's upper bound, in milliseconds; it doubles each time. Default 2. */
  firstDelayMs?: number;
  /** The longest wait between two attempts, in milliseconds. Default 250. */
  maxDelayMs?: number;
}

const DEFAULTS: Required<ConflictRetryOptions> = { attempts: 12, firstDelayMs: 2, maxDelayMs: 250 };

/**
 * Runs `attempt` (a whole read-modify-write, reading afresh each time) until it does not throw
 * StorageConflictError or the attempts run out; any other error ends it at once. Effects that must
 * happen once (sending, notifying) belong after this returns, never inside `attempt`.
 * When the attempts run out, the last StorageConflictError is thrown.
 */
export async function retryOnConflict<T>(attempt: (attemptNumber: number) => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  const { attempts, firstDelayMs, maxDelayMs } = { ...DEFAULTS, ...options };
  // The first attempt runs directly: almost every read-modify-write succeeds at once, and the
  // backoff library's set-up costs more than a SQLite write. Only a conflict brings it in.
  try {
    return await attempt(1);
  } catch (error) {
    if (!(error instanceof StorageConflictError) || attempts <= 1) throw error;
  }
  let attemptNumber = 1;
  return backOff(() => attempt(++attemptNumber), {
    numOfAttempts: attempts - 1,
    // The same waits as before: 2, 4, 8 ... ms (full jitter) before attempts 2, 3, 4 ...
    startingDelay: firstDelayMs,
    timeMultiple: 2,
    maxDelay: maxDelayMs,
    jitter: 'full',
    delayFirstAttempt: true,
    retry: (error: unknown) => error instanceof StorageConflictError,
  });
}
