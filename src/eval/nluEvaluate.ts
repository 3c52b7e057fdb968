// Scores the classifier and the red-flag detectors on a labelled YAML file (CONTRACT §5).
//
// Red flags and crisis are scored on what the bot DOES with each message sent as the first
// message of a fresh conversation (FirstReply: read from the replies' channelData.backline by
// the caller, see src/cli/nlu.ts), so the numbers follow the product's real policy:
//   recall         an expected flag got urgent advice or a confirming question;
//   urgentRecall   ... got advice in that reply, with no question first;
//   falseAlarmRate a near miss (red_flags: []) got any advice, red-flag question or urgent reply;
//   crisis         items marked crisis: true got crisis help, crisis: false did not.
// `detector` keeps the older detector-only numbers (flags ∪ possible of the union).
import { z } from 'zod';
import { loadYamlList } from '../util/yamlFile.js';
import { INTENT_IDS, RED_FLAG_IDS, type IntentId } from '../contract.js';
import type { Understanding } from '../nlu/types.js';

const itemSchema = z.strictObject({
  text: z.string(),
  intent: z.enum(INTENT_IDS),
  red_flags: z.array(z.enum(RED_FLAG_IDS)).optional(),
  /** Self-harm, suicidal thoughts or overdose (true), or an idiom / medicine question that is not (false). */
  crisis: z.boolean().optional(),
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

/** What the bot did with a message sent first in a fresh conversation. */
export interface FirstReply {
  /** A reply gave triage advice (channelData.backline.triage) or was marked urgent. */
  advice: boolean;
  /** Evidence ids the replies asked about (channelData.backline.ask.evidence). */
  asked: string[];
  /** A reply was marked crisis (channelData.backline.crisis). */
  crisis: boolean;
  /** A confirming question came before any advice (absent: any question counts as first). */
  askedFirst?: boolean;
}

export interface FlagScores {
  recall: number;
  urgentRecall: number;
  support: number;
}

export interface NluReport {
  total: number;
  accuracy: number;
  macroF1: number;
  outOfScopeRecall: number;
  perIntent: Record<string, IntentScores>;
  redFlags: {
    recall: number;
    urgentRecall: number;
    falseAlarmRate: number;
    cases: number;
    /** Items whose detected flags (union: flags ∪ possible) are exactly the expected ones. */
    exact: number;
    perFlag: Record<string, FlagScores>;
    /** The detectors alone (flags ∪ possible), without the conversation. */
    detector: { recall: number; falseAlarmRate: number };
  };
  crisis?: { recall: number; falseAlarmRate: number; cases: number };
  confusedPairs: { expected: string; got: string; count: number }[];
  errors: { text: string; expected: string; got: string; expectedRedFlags?: string[]; gotRedFlags?: string[] }[];
}

const round = (value: number) => Math.round(value * 10000) / 10000;

/**
 * `understand` gives the intent and the detected flags; `replies` (optional) what the bot did
 * with each item's text as a first message. Without `replies`, red-flag recall and false
 * alarms fall back to the detectors' own flags (advice = a flag, question = possible).
 */
export function scoreNlu(
  items: NluTestItem[],
  understand: (text: string) => Understanding & { redFlagsToConfirm?: string[] },
  replies?: ReadonlyMap<string, FirstReply>,
): NluReport {
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
  let urgentFlags = 0;
  let detectorFound = 0;
  let detectorFalseAlarms = 0;
  const perFlagCounts = new Map<string, { support: number; raised: number; urgent: number }>();
  for (const p of flagged) {
    const expected = new Set(p.item.red_flags);
    const got = new Set(p.result.redFlags);
    const toConfirm = new Set(p.result.redFlagsToConfirm ?? []);
    // Without replies: what decide does with a detection (advice for flags, else one question).
    const sure = [...got].some((f) => !toConfirm.has(f));
    const reply: FirstReply = replies?.get(p.item.text) ?? { advice: sure, asked: sure ? [] : [...toConfirm].slice(0, 1), crisis: false };
    const asked = new Set(reply.asked);
    const redFlagQuestion = reply.asked.some((e) => (RED_FLAG_IDS as readonly string[]).includes(e));
    expectedFlags += expected.size;
    detectorFound += [...expected].filter((f) => got.has(f)).length;
    for (const f of expected) {
      // Raised: advice that this flag is part of (the detectors found it), or a question about it.
      // Urgent: advice in that reply before any confirming question (advice first, then "is
      // this happening to you?" is urgent advice at once).
      const urgent = reply.advice && (reply.askedFirst ?? asked.size > 0) === false && got.has(f);
      const raised = (reply.advice && got.has(f)) || asked.has(f);
      const counts = perFlagCounts.get(f) ?? { support: 0, raised: 0, urgent: 0 };
      counts.support++;
      if (raised) {
        counts.raised++;
        foundFlags++;
      }
      if (urgent) {
        counts.urgent++;
        urgentFlags++;
      }
      perFlagCounts.set(f, counts);
    }
    if (expected.size === 0) {
      nearMisses += 1;
      if (reply.advice || redFlagQuestion) falseAlarms += 1;
      if (got.size > 0) detectorFalseAlarms += 1;
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
      urgentRecall: round(expectedFlags === 0 ? 1 : urgentFlags / expectedFlags),
      falseAlarmRate: round(nearMisses === 0 ? 0 : falseAlarms / nearMisses),
      cases: flagged.length,
      exact,
      perFlag: Object.fromEntries(
        RED_FLAG_IDS.filter((f) => perFlagCounts.has(f)).map((f) => {
          const c = perFlagCounts.get(f)!;
          return [f, { recall: round(c.raised / c.support), urgentRecall: round(c.urgent / c.support), support: c.support }];
        }),
      ),
      detector: {
        recall: round(expectedFlags === 0 ? 1 : detectorFound / expectedFlags),
        falseAlarmRate: round(nearMisses === 0 ? 0 : detectorFalseAlarms / nearMisses),
      },
    },
    ...crisisScores(items, replies),
    confusedPairs,
    errors,
  };
}

function crisisScores(items: NluTestItem[], replies: ReadonlyMap<string, FirstReply> | undefined): Pick<NluReport, 'crisis'> {
  const labelled = items.filter((i) => i.crisis !== undefined);
  if (labelled.length === 0) return {};
  const got = (i: NluTestItem) => replies?.get(i.text)?.crisis ?? false;
  const positives = labelled.filter((i) => i.crisis);
  const negatives = labelled.filter((i) => !i.crisis);
  return {
    crisis: {
      recall: round(positives.length === 0 ? 1 : positives.filter(got).length / positives.length),
      falseAlarmRate: round(negatives.length === 0 ? 0 : negatives.filter(got).length / negatives.length),
      cases: labelled.length,
    },
  };
}

export function formatNluReport(report: NluReport): string {
  const lines: string[] = [];
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  lines.push(`NLU test: ${report.total} messages`);
  lines.push(`  accuracy ${pct(report.accuracy)}   macro F1 ${report.macroF1.toFixed(3)}   out-of-scope recall ${pct(report.outOfScopeRecall)}`);
  const rf = report.redFlags;
  lines.push(
    `  red flags: recall ${pct(rf.recall)} (urgent advice at once ${pct(rf.urgentRecall)}), false alarms ${pct(rf.falseAlarmRate)} of near misses, exact ${rf.exact}/${rf.cases}`,
  );
  lines.push(`             detectors alone: recall ${pct(rf.detector.recall)}, false alarms ${pct(rf.detector.falseAlarmRate)}`);
  for (const [flag, s] of Object.entries(rf.perFlag))
    lines.push(`    ${flag.padEnd(24)} recall ${pct(s.recall).padStart(6)}  urgent ${pct(s.urgentRecall).padStart(6)}  (${s.support})`);
  if (report.crisis)
    lines.push(`  crisis: recall ${pct(report.crisis.recall)}, false alarms ${pct(report.crisis.falseAlarmRate)} (${report.crisis.cases} cases)`);
  lines.push('');
  lines.push('  intent                          prec    rec     F1  support');
  for (const [intent, s] of Object.entries(report.perIntent).sort()) {
    lines.push(
      `  ${intent.padEnd(30)} ${s.precision.toFixed(2).padStart(5)} ${s.recall.toFixed(2).padStart(6)} ${s.f1.toFixed(2).padStart(6)} ${String(s.support).padStart(8)}`,
    );
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
