// Turns of one conversation, one at a time within this process: a second message that arrives
// while the first is being handled waits for it, instead of racing it to the store and deciding
// again. Different conversations never wait for each other. Across processes the storage eTag
// check still orders turns (src/storage/retry.ts).
import AsyncLock from 'async-lock';

/** A turn takes milliseconds; one stuck this long (a channel that never answers) stops holding up the next. */
const MAX_TURN_MS = 30_000;

export class ConversationQueue {
  // async-lock keeps a queue per key only while something runs or waits on it.
  private readonly lock = new AsyncLock({ maxPending: 1000, maxExecutionTime: MAX_TURN_MS });

  /** Runs `task` after every earlier task with the same key has finished (whether it succeeded or not). */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // A zero-argument wrapper: async-lock treats a one-argument function as callback style.
    return this.lock.acquire(key, () => task());
  }
}
