// The held-out file is never used for training or to choose thresholds; these are the
// release bars from the issues.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content.js';
import { INTENT_IDS, RED_FLAG_IDS } from '../../src/contract.js';
import { loadNluTestFile, scoreNlu, type NluReport } from '../../src/nlu/evaluate.js';
import { createNluEngine } from '../../src/nlu/understand.js';

const items = loadNluTestFile('tests/nlu-heldout.yaml');
let report: NluReport;

beforeAll(() => {
  const content = loadContent('.', '911');
  const engine = createNluEngine({ root: '.', cacheDir: 'data/test-nlu-cache', redFlagPatterns: content.redFlagPatterns });
  report = scoreNlu(items, (text) => engine.understand(text));
});

describe('held-out NLU file', () => {
  it('has at least 10 items per intent, 5 per red flag and 40 near misses', () => {
    for (const intent of INTENT_IDS) expect(items.filter((i) => i.intent === intent).length, intent).toBeGreaterThanOrEqual(10);
    for (const flag of RED_FLAG_IDS) expect(items.filter((i) => i.red_flags?.includes(flag)).length, flag).toBeGreaterThanOrEqual(5);
    expect(items.filter((i) => i.red_flags && i.red_flags.length === 0).length).toBeGreaterThanOrEqual(40);
  });

  it('intent accuracy is at least 0.92', () => {
    expect(report.accuracy).toBeGreaterThanOrEqual(0.92);
  });

  it('out-of-scope recall is at least 0.85', () => {
    expect(report.outOfScopeRecall).toBeGreaterThanOrEqual(0.85);
  });

  it('red-flag recall is 1.0: no danger sign is missed', () => {
    const missed = report.errors.filter((e) => (e.expectedRedFlags ?? []).some((f) => !(e.gotRedFlags ?? []).includes(f)));
    expect(missed).toEqual([]);
    expect(report.redFlags.recall).toBe(1);
  });

  it('red-flag false alarm rate on near misses is at most 0.05', () => {
    expect(report.redFlags.falseAlarmRate).toBeLessThanOrEqual(0.05);
  });
});
