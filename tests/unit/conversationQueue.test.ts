import { describe, expect, it } from 'vitest';
import { ConversationQueue } from '../../src/bot/conversationQueue.js';

const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConversationQueue (one turn at a time per conversation)', () => {
  it('runs tasks of one key one after another, in arrival order, even when one fails', async () => {
    const queue = new ConversationQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([queue.run('c1', task('a')), queue.run('c1', task('b', true)), queue.run('c1', task('c'))]);
    expect(most).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('different conversations do not wait for each other', async () => {
    const queue = new ConversationQueue();
    let release!: () => void;
    const blocked = queue.run('slow', () => new Promise<void>((resolve) => (release = resolve)));
    expect(await queue.run('other', async () => 'done')).toBe('done');
    release();
    await blocked;
  });
});
