// The day's figures are counted per turn but written together: fewer storage writes, nothing lost,
// and a read of the figures through the wrapped storage sees every counted turn.
import { describe, expect, it } from 'vitest';
import { DailyStatsBuffer, flushingBeforeStatsRead, mergeIncrements } from '../../src/bot/dailyStatsBuffer.js';
import { readStats } from '../../src/handoff/stats.js';
import { silentLogger } from '../../src/logger.js';
import { InMemoryStorage, type StoreItem } from '../../src/storage/index.js';

class CountingStorage extends InMemoryStorage {
  writes = 0;
  failNext = 0;
  override async write(changes: StoreItem): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('storage unavailable');
    }
    this.writes++;
    return super.write(changes);
  }
}

const NOON = Date.parse('2026-03-10T12:00:00Z');

describe('mergeIncrements', () => {
  it('adds numbers and per-key counts and keeps waits in order', () => {
    expect(
      mergeIncrements(
        { messages: 1, outcomes: { emergency: 1 }, checkAsked: { 'red_flags.q_saddle': 1 }, waits: [30] },
        { messages: 2, conversations: 1, outcomes: { emergency: 1, self_care: 1 }, checkAsked: { 'red_flags.q_bladder': 1 }, waits: [45] },
      ),
    ).toEqual({
      messages: 3,
      conversations: 1,
      outcomes: { emergency: 2, self_care: 1 },
      checkAsked: { 'red_flags.q_saddle': 1, 'red_flags.q_bladder': 1 },
      waits: [30, 45],
    });
  });
});

describe('DailyStatsBuffer', () => {
  it('many turns, one write; the figures read through the wrapped storage include all of them', async () => {
    const storage = new CountingStorage();
    const buffer = new DailyStatsBuffer(storage, silentLogger, 60_000);
    for (let i = 0; i < 50; i++) buffer.add({ messages: 1, ...(i % 10 === 0 ? { conversations: 1 } : {}) }, NOON + i);
    expect(storage.writes).toBe(0);
    const report = await readStats(flushingBeforeStatsRead(storage, buffer), '2026-03-10', '2026-03-10');
    expect(report.totals.conversations).toBe(5);
    expect(storage.writes).toBe(1);
    await buffer.close();
  });

  it('writes by itself within its interval, each day to its own record', async () => {
    const storage = new CountingStorage();
    const buffer = new DailyStatsBuffer(storage, silentLogger, 50);
    buffer.add({ conversations: 1 }, Date.parse('2026-03-10T23:59:59Z'));
    buffer.add({ conversations: 2 }, Date.parse('2026-03-11T00:00:01Z'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(storage.writes).toBe(2);
    const read = await storage.read(['h/stats/day/2026-03-10', 'h/stats/day/2026-03-11']);
    expect((read['h/stats/day/2026-03-10'] as { conversations: number }).conversations).toBe(1);
    expect((read['h/stats/day/2026-03-11'] as { conversations: number }).conversations).toBe(2);
    await buffer.close();
  });

  it('keeps counts whose write failed for the next flush, and writes what is left when closed', async () => {
    const storage = new CountingStorage();
    const buffer = new DailyStatsBuffer(storage, silentLogger, 60_000);
    buffer.add({ messages: 2 }, NOON);
    storage.failNext = 1;
    await buffer.flush();
    buffer.add({ messages: 3 }, NOON);
    await buffer.close();
    const report = await readStats(storage, '2026-03-10', '2026-03-10');
    expect(report.totals.messages).toBe(5);
  });
});
