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
  say: z.union([z.strictObject({ text: z.string().min(1) }), z.strictObject({ article: z.string().min(1), section: z.string().optional() })]),
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
  /** The question again in simpler words, for when a message was not an answer. */
  simple: z.string().min(1).optional(),
  /** `simple` worded for someone asking for another person. */
  simple_other: z.string().min(1).optional(),
};

const choiceAsk = z.strictObject({ ask: z.literal('choice'), ...askBase, options: z.array(option).min(1).max(10) });
const yesNoAsk = z.strictObject({
  ask: z.literal('yes_no'),
  ...askBase,
  /**
   * A confirmation: its yes cannot be undone or gives consent. Only a clear answer counts (a
   * button, a short yes or no, or one about the question); a question or another topic with a
   * yes word in it ("ok. is that even real?") is asked again (src/bot/confirmations.ts).
   */
  confirm: z.boolean().optional(),
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
 * "Do any of these apply?": one button per item (each one evidence id) and "None of these".
 * Tapping an item records it as yes and asks again about the rest; "None of these" (or "no")
 * records every item not yet answered as no. The triage runner answers it by `evidenceList`.
 */
const checklistAsk = z.strictObject({
  ask: z.literal('checklist'),
  text: askBase.text,
  text_other: askBase.text_other,
  simple: askBase.simple,
  simple_other: askBase.simple_other,
  /** Asked again after an item was picked ("Anything else from this list?"). */
  more_text: z.string().min(1),
  items: z
    .array(
      z.strictObject({
        evidence: evidenceId,
        label: z.string().min(1).max(60),
        synonyms: z.array(z.string().min(1)).optional(),
        /** The sign as a yes/no question about someone else (confirming a sign a carer reports). */
        text_other: z.string().min(1).optional(),
      }),
    )
    .min(2)
    .max(8),
  none_label: z.string().min(1).max(60),
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

export const nodeSchema = z.union([sayNode, choiceAsk, yesNoAsk, valueAsk, checklistAsk, trialCriteriaAsk, branchNode, gotoNode, doNode, endNode]);

export const NODE_KINDS = ['say', 'ask', 'branch', 'goto', 'do', 'end'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** Fails to compile where a switch over a closed set of kinds misses one. */
export function unreachable(value: never, what: string): never {
  throw new Error(`unknown ${what}: ${JSON.stringify(value)}`);
}

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
      return ask === 'choice'
        ? choiceAsk
        : ask === 'yes_no'
          ? yesNoAsk
          : ask === 'trial_criteria'
            ? trialCriteriaAsk
            : ask === 'checklist'
              ? checklistAsk
              : valueAsk;
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
  /** Questionnaires: each question says how far along it is ("Question 3 of about 10"). */
  progress: z.boolean().optional(),
  /** Intent id -> target: free text with this intent goes there (only in the entry tree). */
  routes: z.record(z.string(), target).optional(),
  /** Where a question about a warning sign ("what is saddle numbness?") is answered (entry tree only). */
  red_flag_questions: z.strictObject({ article: z.string(), next: target }).optional(),
  /** Nodes the bot enters from outside any route (e.g. feedback after a support chat is closed). */
  entries: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
  nodes: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/),
    z
      .unknown()
      .superRefine((raw, ctx) => {
        const schema = schemaForNode(raw);
        if (!schema) {
          ctx.addIssue({ code: 'custom', message: `a node needs exactly one of: ${NODE_KINDS.join(', ')}` });
          return;
        }
        const result = schema.safeParse(raw);
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
      })
      .transform((raw) => raw as z.infer<typeof nodeSchema>),
  ),
});

export type Tree = z.infer<typeof treeSchema>;
export type DialogNode = z.infer<typeof nodeSchema>;
export type ChoiceAsk = z.infer<typeof choiceAsk>;
export type YesNoAsk = z.infer<typeof yesNoAsk>;
export type ValueAsk = z.infer<typeof valueAsk>;
export type TrialCriteriaAsk = z.infer<typeof trialCriteriaAsk>;
export type ChecklistAsk = z.infer<typeof checklistAsk>;
/** Questions written in the tree with one answer each (the pre-screen's come from knowledge/trials/). */
export type TreeAsk = ChoiceAsk | YesNoAsk | ValueAsk;
export type AskNode = TreeAsk | ChecklistAsk | TrialCriteriaAsk;
export type SayNode = z.infer<typeof sayNode>;
export type BranchNode = z.infer<typeof branchNode>;
export type GotoNode = z.infer<typeof gotoNode>;
export type DoNode = z.infer<typeof doNode>;
export type EndNode = z.infer<typeof endNode>;

/** A node with its kind as a discriminant, so code can switch over kinds exhaustively. */
export type KindedNode =
  | { kind: 'say'; node: SayNode }
  | { kind: 'ask'; node: AskNode }
  | { kind: 'branch'; node: BranchNode }
  | { kind: 'goto'; node: GotoNode }
  | { kind: 'do'; node: DoNode }
  | { kind: 'end'; node: EndNode };

export function kindOf(node: DialogNode): KindedNode {
  if ('say' in node) return { kind: 'say', node };
  if ('ask' in node) return { kind: 'ask', node };
  if ('branch' in node) return { kind: 'branch', node };
  if ('goto' in node) return { kind: 'goto', node };
  if ('do' in node) return { kind: 'do', node };
  if ('end' in node) return { kind: 'end', node };
  // The loader validates every node against exactly one kind; this is a load error.
  return unreachable(node, 'dialog node kind');
}
export type Condition = z.infer<typeof condition>;
export type Action = (typeof ACTIONS)[number];

export function isAsk(node: DialogNode): node is AskNode {
  return 'ask' in node;
}
