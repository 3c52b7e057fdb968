// A labelled assertion set (tests/assertion/assertion-set.yaml) and the per-status precision
// and recall of the assertion gate on it: given the message and the sign it mentions, does the
// gate say how the sign is talked about? Hypothetical and question count as one status (both
// get an answer with safety-netting).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RED_FLAG_IDS } from '../contract.js';
import type { AssertionGate } from './assertionGate.js';

export const GATE_STATUSES = ['current', 'other_person', 'hypothetical', 'question', 'resolved', 'negated', 'other_sense'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

const setSchema = z.strictObject({
  items: z
    .array(z.strictObject({ sign: z.enum(RED_FLAG_IDS as unknown as [string, ...string[]]), status: z.enum(GATE_STATUSES), text: z.string().min(1) }))
    .min(1),
});
export type AssertionItem = z.infer<typeof setSchema>['items'][number];

export function loadAssertionSet(path: string): AssertionItem[] {
  const parsed = setSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data.items;
}

/** Hypothetical and question are scored as one. */
const scored = (s: string) => (s === 'question' ? 'hypothetical' : s);

export interface AssertionScores {
  total: number;
  accuracy: number;
  perStatus: Record<string, { precision: number; recall: number; support: number }>;
  /** Items wrongly judged, with what the gate said. */
  errors: { text: string; sign: string; expected: string; got: string; reason: string }[];
}

/**
 * `raised` (optional): whether the detectors raise the sign at all (a flag, a question or an
 * answer about it). A sign they do not raise is scored `negated`: that is the whole system's
 * status for it (the gate only judges what the detectors hand it).
 */
export function scoreAssertion(items: readonly AssertionItem[], gate: AssertionGate, raised?: (sign: string, text: string) => boolean): AssertionScores {
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const entry = (s: string) => counts.get(s) ?? (counts.set(s, { tp: 0, fp: 0, fn: 0 }), counts.get(s)!);
  const errors: AssertionScores['errors'] = [];
  let correct = 0;
  for (const item of items) {
    const verdict = raised && !raised(item.sign, item.text) ? { status: 'negated', reason: 'not raised by either detector' } : gate.judge(item.sign, item.text);
    const expected = scored(item.status);
    const got = scored(verdict.status);
    if (got === expected) {
      entry(expected).tp++;
      correct++;
    } else {
      entry(expected).fn++;
      entry(got).fp++;
      errors.push({ text: item.text, sign: item.sign, expected, got, reason: verdict.reason });
    }
  }
  const perStatus = Object.fromEntries(
    [...counts].map(([s, c]) => [
      s,
      { precision: round(c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0), recall: round(c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0), support: c.tp + c.fn },
    ]),
  );
  return { total: items.length, accuracy: round(correct / items.length), perStatus, errors };
}
