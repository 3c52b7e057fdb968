// The daily figures' arithmetic: per-day records added up over a range, the median and p90 wait,
// the fallback rate, and drop-outs (check questions asked but never moved past).
import { describe, expect, it } from 'vitest';
import type { ConversationState } from '../../src/engine/state.js';
import { addDailyStats, readStats, turnIncrement } from '../../src/handoff/stats.js';
import { createStorage } from '../../src/storage/index.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const state = (at?: { tree: string; node: string }): ConversationState => ({ v: 1, retries: 0, answers: {}, ...(at ? { at } : {}) });
const CHECK = new Set(['red_flags.q_saddle', 'red_flags.q_bladder']);

describe('daily figures', () => {
  it('adds days up over a range; days without a record count zero; waits give median and p90', async () => {
    const storage = createStorage({ kind: 'memory' });
    await addDailyStats(storage, { conversations: 2, messages: 10, unplaced: 1, outcomes: { emergency: 1 }, waits: [10, 20, 30, 40, 50] }, NOW - 2 * DAY);
    await addDailyStats(storage, { conversations: 3, messages: 10, unplaced: 3, outcomes: { emergency: 1, self_care: 2 }, waits: [60, 70, 80, 90, 1000] }, NOW);
    const report = await readStats(storage, '2026-03-08', '2026-03-10');
    expect(report.days.map((d) => [d.day, d.conversations])).toEqual([
      ['2026-03-08', 2],
      ['2026-03-09', 0],
      ['2026-03-10', 3],
    ]);
    expect(report.totals.conversations).toBe(5);
    expect(report.totals.outcomes).toEqual({ emergency: 2, self_care: 2 });
    expect(report.totals.fallbackRate).toBe(0.2);
    expect(report.totals.waits).toEqual({ count: 10, medianSeconds: 50, p90Seconds: 90 });
    expect((await readStats(storage, '2026-03-09', '2026-03-09')).totals.waits).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
  });

  it('a check question counts as a drop-out until someone moves past it; asked again after an unclear answer counts once', async () => {
    const storage = createStorage({ kind: 'memory' });
    const ask = (node: string) => ({ text: 'q', ask: { kind: 'yes_no', node, evidence: 'saddle_anaesthesia' as const } });
    // Asked the saddle question.
    const first = turnIncrement(
      {
        isNew: true,
        fromPerson: true,
        unplaced: false,
        before: state(),
        after: state({ tree: 'red_flags', node: 'q_saddle' }),
        replies: [ask('red_flags.q_saddle')],
        effects: [],
      },
      CHECK,
    );
    // Unclear answer: the same question again.
    const again = turnIncrement(
      {
        isNew: false,
        fromPerson: true,
        unplaced: true,
        before: state({ tree: 'red_flags', node: 'q_saddle' }),
        after: state({ tree: 'red_flags', node: 'q_saddle' }),
        replies: [ask('red_flags.q_saddle')],
        effects: [],
      },
      CHECK,
    );
    // Answered: on to the bladder question, then the person goes quiet.
    const next = turnIncrement(
      {
        isNew: false,
        fromPerson: true,
        unplaced: false,
        before: state({ tree: 'red_flags', node: 'q_saddle' }),
        after: state({ tree: 'red_flags', node: 'q_bladder' }),
        replies: [ask('red_flags.q_bladder')],
        effects: [{ type: 'handoff' }],
      },
      CHECK,
    );
    expect(first).toEqual({ conversations: 1, messages: 1, checkAsked: { 'red_flags.q_saddle': 1 } });
    expect(again).toEqual({ messages: 1, unplaced: 1 });
    for (const inc of [first, again, next]) await addDailyStats(storage, inc, NOW);
    const { totals } = await readStats(storage, '2026-03-10', '2026-03-10');
    expect(totals.dropOuts).toEqual([{ node: 'red_flags.q_bladder', count: 1 }]);
    expect(totals.handoffs).toBe(1);
    expect(totals.messages).toBe(3);
    // Nothing but numbers and node ids is stored.
    expect(JSON.stringify(await storage.read(['h/stats/day/2026-03-10']))).not.toMatch(/"q"/);
  });
});
