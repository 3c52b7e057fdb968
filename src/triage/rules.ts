// Loads the triage rules (knowledge/triage-rules.yaml) and evaluates them over the answers a
// person gave. The outcome is the most urgent level any rule gives, with the reasons.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EVIDENCE_IDS, levelRank, NUMERIC_EVIDENCE_IDS, RED_FLAG_IDS, TRIAGE_LEVELS, type RedFlagId, type TriageLevel } from '../contract.js';

const redFlagId = z.enum(RED_FLAG_IDS);
const ruleSchema = z
  .strictObject({
    id: z.string().min(1),
    level: z.enum(TRIAGE_LEVELS),
    all: z.array(redFlagId).optional(),
    any: z.array(redFlagId).optional(),
    number: z
      .strictObject({
        evidence: z.enum(NUMERIC_EVIDENCE_IDS),
        below: z.number().optional(),
        at_least: z.number().optional(),
      })
      .refine((n) => n.below !== undefined || n.at_least !== undefined, 'number needs below or at_least')
      .optional(),
    reason: z.string().min(1),
  })
  .refine((r) => r.all || r.any || r.number, 'a rule needs all, any or number');

const rulesFileSchema = z.strictObject({
  rules: z.array(ruleSchema).min(1),
  // advice_other: the advice worded for a carer, about the patient ({patient}).
  outcomes: z.record(z.enum(TRIAGE_LEVELS), z.strictObject({ title: z.string(), advice: z.string(), advice_other: z.string().optional() })),
});

export type TriageRule = z.infer<typeof ruleSchema>;
export type TriageRules = z.infer<typeof rulesFileSchema>;

/** What the person answered: 'yes' | 'no' | 'unsure' for booleans, numbers for age and duration. */
export type EvidenceAnswers = Partial<Record<string, string | number | boolean>>;

export interface TriageReason {
  rule: string;
  level: TriageLevel;
  /** Red flags that made the rule fire (empty for number rules). */
  flags: RedFlagId[];
}

export interface TriageOutcome {
  level: TriageLevel;
  reasons: TriageReason[];
}

export function loadTriageRules(path: string): TriageRules {
  const parsed = rulesFileSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  for (const level of TRIAGE_LEVELS) {
    if (!parsed.data.outcomes[level]) throw new Error(`${path}: outcomes: missing level "${level}"`);
  }
  return parsed.data;
}

/** Unsure counts as yes: over-triage is tolerated, under-triage is not. */
export function isPositive(answer: string | number | boolean | undefined): boolean {
  return answer === true || answer === 'yes' || answer === 'unsure';
}

export function evaluateTriage(rules: TriageRules, answers: EvidenceAnswers): TriageOutcome {
  const reasons: TriageReason[] = [];
  for (const rule of rules.rules) {
    const allHold = (rule.all ?? []).every((id) => isPositive(answers[id]));
    const anyHits = (rule.any ?? []).filter((id) => isPositive(answers[id]));
    const anyHolds = !rule.any || anyHits.length > 0;
    let numberHolds = true;
    if (rule.number) {
      const value = answers[rule.number.evidence];
      numberHolds =
        typeof value === 'number' &&
        (rule.number.below === undefined || value < rule.number.below) &&
        (rule.number.at_least === undefined || value >= rule.number.at_least);
    }
    if (allHold && anyHolds && numberHolds) {
      reasons.push({ rule: rule.id, level: rule.level, flags: [...(rule.all ?? []), ...anyHits] });
    }
  }
  if (reasons.length === 0) return { level: 'self_care', reasons: [] };
  const level = reasons.reduce<TriageLevel>((best, r) => (levelRank(r.level) < levelRank(best) ? r.level : best), 'self_care');
  // Most urgent reasons first; the person reads the most important one first.
  reasons.sort((a, b) => levelRank(a.level) - levelRank(b.level));
  return { level, reasons };
}

/** Could answering yes to this evidence (or any value for a number) make the outcome more urgent? */
export function couldRaiseLevel(rules: TriageRules, answers: EvidenceAnswers, evidence: string): boolean {
  const current = levelRank(evaluateTriage(rules, answers).level);
  if ((RED_FLAG_IDS as readonly string[]).includes(evidence)) {
    return levelRank(evaluateTriage(rules, { ...answers, [evidence]: 'yes' }).level) < current;
  }
  if ((EVIDENCE_IDS as readonly string[]).includes(evidence)) {
    // Try the extremes a number rule could care about.
    return [0, 15, 50, 200].some((value) => levelRank(evaluateTriage(rules, { ...answers, [evidence]: value }).level) < current);
  }
  return false;
}
