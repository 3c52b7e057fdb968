// The shape of a dialog tree as written in dialogs/*.yaml. Graph checks (unknown targets,
// unreachable nodes, dead ends) live in loader.ts because they need every tree at once.
import { z } from 'zod';
import { EVIDENCE_IDS } from '../contract.js';

/** "node" (same tree), "tree.node", or "tree" (that tree's start node). */
const target = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)?$/, 'a target is "node" or "tree.node"');
const evidenceId = z.enum(EVIDENCE_IDS);
const storeKey = z.string().regex(/^[a-z][a-z0-9_]*$/);

const option = z.strictObject({
  label: z.string().min(1).max(60),
  goto: target,
  synonyms: z.array(z.string().min(1)).optional(),
});

const sayNode = z.strictObject({
  say: z.union([
    z.strictObject({ text: z.string().min(1) }),
    z.strictObject({ article: z.string().min(1), section: z.string().optional() }),
  ]),
  next: target.optional(),
});

const askBase = {
  text: z.string().min(1),
  /**
   * The question worded for someone asking for another person (a carer, a parent), with
   * {patient} ("your wife", "the person you're asking for"), {patient_cap} and {their}.
   */
  text_other: z.string().min(1).optional(),
  /** Evidence id from the contract; the triage runner answers the question by it. */
  evidence: evidenceId.optional(),
  /** Where the answer is kept in conversation state; defaults to the evidence id, else the node id. */
  store: storeKey.optional(),
  /** Skip the question when its answer is already known in this conversation. */
  skip_if_known: z.boolean().optional(),
};

const choiceAsk = z.strictObject({ ask: z.literal('choice'), ...askBase, options: z.array(option).min(1).max(10) });
const yesNoAsk = z.strictObject({
  ask: z.literal('yes_no'),
  ...askBase,
  yes: target.optional(),
  no: target.optional(),
  unsure: target.optional(),
  next: target.optional(),
});
const valueAsk = z.strictObject({
  ask: z.enum(['number', 'age', 'duration', 'free_text', 'contact']),
  ...askBase,
  min: z.number().optional(),
  max: z.number().optional(),
  next: target,
});

/**
 * The clinical-trial pre-screen: asks, one at a time, the questions from knowledge/trials/ that
 * can still change a trial's outcome (see src/trials/screen.ts), then goes on to `next`.
 */
const trialCriteriaAsk = z.strictObject({ ask: z.literal('trial_criteria'), next: target });

const condition = z.strictObject({
  answer: storeKey,
  is: z.union([z.string(), z.number(), z.boolean()]).optional(),
  below: z.number().optional(),
  at_least: z.number().optional(),
  known: z.boolean().optional(),
});
const branchNode = z.strictObject({
  branch: z.array(z.strictObject({ when: condition, goto: target })).min(1),
  else: target,
});
const gotoNode = z.strictObject({ goto: target });

/** Side effects the engine asks the bot to carry out; their results are said by the bot. */
export const ACTIONS = [
  'triage_outcome',
  'handoff',
  'handoff_event',
  'record_callback',
  'discard_callback',
  'record_feedback',
  'record_trial_lead',
  /** Says which trials the pre-screen answers may fit and which not, with a one-line reason each. */
  'trial_results',
  /** Says the privacy notice and contact of each trial the person may fit. */
  'trial_privacy',
  'forget_me',
] as const;
const doNode = z.strictObject({
  do: z.enum(ACTIONS),
  text: z.string().optional(),
  next: target.optional(),
});
const endNode = z.strictObject({ end: z.literal(true), text: z.string().optional() });

export const nodeSchema = z.union([sayNode, choiceAsk, yesNoAsk, valueAsk, trialCriteriaAsk, branchNode, gotoNode, doNode, endNode]);

const NODE_KINDS = ['say', 'ask', 'branch', 'goto', 'do', 'end'] as const;

/**
 * Picks the schema for a node by the key that names its kind, so a mistake is reported as
 * "nodes.x.evidence: ..." rather than as a failed union.
 */
export function schemaForNode(raw: unknown): z.ZodType | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const kinds = NODE_KINDS.filter((kind) => kind in raw);
  if (kinds.length !== 1) return undefined;
  switch (kinds[0]) {
    case 'say':
      return sayNode;
    case 'ask': {
      const ask = (raw as { ask: unknown }).ask;
      return ask === 'choice' ? choiceAsk : ask === 'yes_no' ? yesNoAsk : ask === 'trial_criteria' ? trialCriteriaAsk : valueAsk;
    }
    case 'branch':
      return branchNode;
    case 'goto':
      return gotoNode;
    case 'do':
      return doNode;
    default:
      return endNode;
  }
}

export const treeSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  title: z.string().min(1),
  start: z.string(),
  /**
   * Triage questionnaires: once urgent advice has been given, skip questions whose answer
   * can no longer raise the level, so the person is not held up.
   */
  skip_questions_that_cannot_raise_level: z.boolean().optional(),
  /** Intent id -> target: free text with this intent goes there (only in the entry tree). */
  routes: z.record(z.string(), target).optional(),
  /** Where a question about a warning sign ("what is saddle numbness?") is answered (entry tree only). */
  red_flag_questions: z.strictObject({ article: z.string(), next: target }).optional(),
  /** Nodes the bot enters from outside any route (e.g. feedback after a support chat is closed). */
  entries: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
  nodes: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/),
    z.unknown().superRefine((raw, ctx) => {
      const schema = schemaForNode(raw);
      if (!schema) {
        ctx.addIssue({ code: 'custom', message: `a node needs exactly one of: ${NODE_KINDS.join(', ')}` });
        return;
      }
      const result = schema.safeParse(raw);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
    }).transform((raw) => raw as z.infer<typeof nodeSchema>),
  ),
});

export type Tree = z.infer<typeof treeSchema>;
export type DialogNode = z.infer<typeof nodeSchema>;
export type ChoiceAsk = z.infer<typeof choiceAsk>;
export type YesNoAsk = z.infer<typeof yesNoAsk>;
export type ValueAsk = z.infer<typeof valueAsk>;
export type TrialCriteriaAsk = z.infer<typeof trialCriteriaAsk>;
/** Questions written in the tree (the pre-screen's questions come from knowledge/trials/). */
export type TreeAsk = ChoiceAsk | YesNoAsk | ValueAsk;
export type AskNode = TreeAsk | TrialCriteriaAsk;
export type Condition = z.infer<typeof condition>;
export type Action = (typeof ACTIONS)[number];

export function isAsk(node: DialogNode): node is AskNode {
  return 'ask' in node;
}
