// NLU scores on labelled files. tests/nlu-heldout.yaml is the fourth blind set: written by
// someone who saw neither training data, patterns nor the earlier sets, and never used to
// train or tune anything. tests/nlu-dev*.yaml were blind sets first and were then used to
// improve the red-flag detector, so they now guard against regressions.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content.js';
import { INTENT_IDS, RED_FLAG_IDS } from '../../src/contract.js';
import { loadNluTestFile, scoreNlu, type NluReport } from '../../src/eval/nluEvaluate.js';
import { createNluEngine, type NluEngine } from '../../src/nlu/understand.js';

let engine: NluEngine;
const reports = new Map<string, NluReport>();
const score = (file: string) => {
  if (!reports.has(file))
    reports.set(
      file,
      scoreNlu(loadNluTestFile(file), (text) => engine.understand(text)),
    );
  return reports.get(file)!;
};

beforeAll(() => {
  const content = loadContent('.', '911');
  engine = createNluEngine({ root: '.', cacheDir: 'data/test-nlu-cache', redFlagPatterns: content.redFlagPatterns });
}, 120_000); // trains the models when the test cache is cold

describe('held-out NLU file (blind)', () => {
  const file = 'tests/nlu-heldout.yaml';
  const items = loadNluTestFile(file);

  it('has at least 10 items per intent, 5 per red flag and 40 near misses', () => {
    for (const intent of INTENT_IDS) expect(items.filter((i) => i.intent === intent).length, intent).toBeGreaterThanOrEqual(10);
    for (const flag of RED_FLAG_IDS) expect(items.filter((i) => i.red_flags?.includes(flag)).length, flag).toBeGreaterThanOrEqual(5);
    expect(items.filter((i) => i.red_flags && i.red_flags.length === 0).length).toBeGreaterThanOrEqual(40);
  });

  it('intent accuracy is at least 0.92', () => {
    expect(score(file).accuracy).toBeGreaterThanOrEqual(0.92);
  });

  it('out-of-scope recall is at least 0.85', () => {
    expect(score(file).outOfScopeRecall).toBeGreaterThanOrEqual(0.85);
  });

  it('red-flag recall is 1.0: no danger sign is missed', () => {
    const report = score(file);
    const missed = report.errors.filter((e) => (e.expectedRedFlags ?? []).some((f) => !(e.gotRedFlags ?? []).includes(f)));
    expect(missed).toEqual([]);
    expect(report.redFlags.recall).toBe(1);
  });

  it('red-flag false alarm rate on near misses is at most 0.05', () => {
    expect(score(file).redFlags.falseAlarmRate).toBeLessThanOrEqual(0.05);
  });

  it('urgent advice at once (no question first) for at least 0.95 of the expected flags', () => {
    expect(score(file).redFlags.urgentRecall).toBeGreaterThanOrEqual(0.95);
  });
});

describe.each(['tests/nlu-dev.yaml', 'tests/nlu-dev-2.yaml', 'tests/nlu-dev-3.yaml'])('development set %s', (file) => {
  it('red-flag recall is 1.0 and false alarms at most 0.05', () => {
    const report = score(file);
    const missed = report.errors.filter((e) => (e.expectedRedFlags ?? []).some((f) => !(e.gotRedFlags ?? []).includes(f)));
    expect(missed).toEqual([]);
    expect(report.redFlags.falseAlarmRate).toBeLessThanOrEqual(0.05);
  });
  it('intent accuracy is at least 0.92', () => {
    expect(score(file).accuracy).toBeGreaterThanOrEqual(0.92);
  });
});
