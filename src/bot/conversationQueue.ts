// Turns of one conversation, one at a time within this process: a second message that arrives
// while the first is being handled waits for it, instead of racing it to the store and deciding
// again. Different conversations never wait for each other. Across processes the storage eTag
// check still orders turns (src/storage/retry.ts).
import AsyncLock from 'async-lock';

export class ConversationQueue {
  // async-lock keeps a queue per key only while something waits on it.
  private readonly lock = new AsyncLock({ maxPending: 1000 });

  /** Runs `task` after every earlier task with the same key has finished (whether it succeeded or not). */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.lock.acquire(key, task);
  }

  /** Whether a task for `key` is running or waiting (tests). */
  isBusy(key: string): boolean {
    return this.lock.isBusy(key);
  }
}
