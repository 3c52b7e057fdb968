// Scores the classifier and the red-flag detector on a labelled YAML file (CONTRACT §5).
import { z } from 'zod';
import { loadYamlList } from '../util/yamlFile.js';
import { INTENT_IDS, RED_FLAG_IDS, type IntentId } from '../contract.js';
import type { Understanding } from './types.js';

const itemSchema = z.strictObject({
  text: z.string(),
  intent: z.enum(INTENT_IDS),
  red_flags: z.array(z.enum(RED_FLAG_IDS)).optional(),
});
export type NluTestItem = z.infer<typeof itemSchema>;
export { TestFileError } from '../util/yamlFile.js';

export function loadNluTestFile(path: string): NluTestItem[] {
  return loadYamlList(path, itemSchema, 'item');
}

export interface IntentScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface NluReport {
  total: number;
  accuracy: number;
  macroF1: number;
  outOfScopeRecall: number;
  perIntent: Record<string, IntentScores>;
  redFlags: { recall: number; falseAlarmRate: number; cases: number; exact: number };
  confusedPairs: { expected: string; got: string; count: number }[];
  errors: { text: string; expected: string; got: string; expectedRedFlags?: string[]; gotRedFlags?: string[] }[];
}

const round = (value: number) => Math.round(value * 10000) / 10000;

export function scoreNlu(items: NluTestItem[], understand: (text: string) => Understanding): NluReport {
  const predictions = items.map((item) => ({ item, result: understand(item.text) }));
  const intents = new Set<IntentId>();
  for (const { item, result } of predictions) {
    intents.add(item.intent);
    intents.add(result.intent);
  }
  const perIntent: Record<string, IntentScores> = {};
  for (const intent of intents) {
    const tp = predictions.filter((p) => p.item.intent === intent && p.result.intent === intent).length;
    const fp = predictions.filter((p) => p.item.intent !== intent && p.result.intent === intent).length;
    const fn = predictions.filter((p) => p.item.intent === intent && p.result.intent !== intent).length;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perIntent[intent] = { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn };
  }
  const supported = Object.values(perIntent).filter((s) => s.support > 0);
  const correct = predictions.filter((p) => p.item.intent === p.result.intent).length;
  const outOfScope = predictions.filter((p) => p.item.intent === 'out_of_scope');

  const confusion = new Map<string, number>();
  for (const p of predictions) {
    if (p.item.intent === p.result.intent) continue;
    const key = `${p.item.intent}\u0000${p.result.intent}`;
    confusion.set(key, (confusion.get(key) ?? 0) + 1);
  }
  const confusedPairs = [...confusion.entries()]
    .map(([key, count]) => {
      const [expected, got] = key.split('\u0000');
      return { expected: expected!, got: got!, count };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);

  // Red flags: recall over every expected flag; a false alarm is a near miss (red_flags: []) that raised any.
  const flagged = predictions.filter((p) => p.item.red_flags !== undefined);
  let expectedFlags = 0;
  let foundFlags = 0;
  let nearMisses = 0;
  let falseAlarms = 0;
  let exact = 0;
  const errors: NluReport['errors'] = [];
  for (const p of flagged) {
    const expected = new Set(p.item.red_flags);
    const got = new Set(p.result.redFlags);
    expectedFlags += expected.size;
    foundFlags += [...expected].filter((f) => got.has(f)).length;
    if (expected.size === 0) {
      nearMisses += 1;
      if (got.size > 0) falseAlarms += 1;
    }
    const same = expected.size === got.size && [...expected].every((f) => got.has(f));
    if (same) exact += 1;
    else errors.push({ text: p.item.text, expected: p.item.intent, got: p.result.intent, expectedRedFlags: [...expected], gotRedFlags: [...got] });
  }
  for (const p of predictions) {
    if (p.item.intent !== p.result.intent && !errors.some((e) => e.text === p.item.text)) {
      errors.push({ text: p.item.text, expected: p.item.intent, got: p.result.intent });
    }
  }
  return {
    total: items.length,
    accuracy: round(correct / items.length),
    macroF1: round(supported.reduce((sum, s) => sum + s.f1, 0) / Math.max(1, supported.length)),
    outOfScopeRecall: round(outOfScope.length === 0 ? 0 : outOfScope.filter((p) => p.result.intent === 'out_of_scope').length / outOfScope.length),
    perIntent,
    redFlags: {
      recall: round(expectedFlags === 0 ? 1 : foundFlags / expectedFlags),
      falseAlarmRate: round(nearMisses === 0 ? 0 : falseAlarms / nearMisses),
      cases: flagged.length,
      exact,
    },
    confusedPairs,
    errors,
  };
}

export function formatNluReport(report: NluReport): string {
  const lines: string[] = [];
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  lines.push(`NLU test: ${report.total} messages`);
  lines.push(`  accuracy ${pct(report.accuracy)}   macro F1 ${report.macroF1.toFixed(3)}   out-of-scope recall ${pct(report.outOfScopeRecall)}`);
  lines.push(`  red flags: recall ${pct(report.redFlags.recall)}, false alarms ${pct(report.redFlags.falseAlarmRate)} of near misses, exact ${report.redFlags.exact}/${report.redFlags.cases}`);
  lines.push('');
  lines.push('  intent                          prec    rec     F1  support');
  for (const [intent, s] of Object.entries(report.perIntent).sort()) {
    lines.push(`  ${intent.padEnd(30)} ${s.precision.toFixed(2).padStart(5)} ${s.recall.toFixed(2).padStart(6)} ${s.f1.toFixed(2).padStart(6)} ${String(s.support).padStart(8)}`);
  }
  if (report.confusedPairs.length > 0) {
    lines.push('', '  most confused (expected -> got):');
    for (const pair of report.confusedPairs) lines.push(`    ${pair.count} x ${pair.expected} -> ${pair.got}`);
  }
  if (report.errors.length > 0) {
    lines.push('', `  errors (${report.errors.length}):`);
    for (const e of report.errors.slice(0, 40)) {
      const flags = e.expectedRedFlags ? `  flags expected [${e.expectedRedFlags.join(', ')}] got [${(e.gotRedFlags ?? []).join(', ')}]` : '';
      lines.push(`    "${e.text}"  expected ${e.expected}, got ${e.got}${flags}`);
    }
    if (report.errors.length > 40) lines.push(`    ... and ${report.errors.length - 40} more (use --json for all)`);
  }
  return lines.join('\n');
}
