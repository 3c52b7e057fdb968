// Asking a question: its words (for the patient, or simpler after a message that was not an
// answer), its buttons and its progress; and asking again.
import type { EvidenceId } from '../contract.js';
import { nextQuestion } from '../trials/screen.js';
import type { TrialQuestion } from '../trials/catalogue.js';
import { CHOICE_VALUES, nodeAt, positionOf, type TurnDraft } from './draft.js';
import { progressOf } from './progress.js';
import type { AskNode, ChecklistAsk, ChoiceAsk, TreeAsk } from './schema.js';
import type { Position } from './state.js';
import type { Choice, Reply } from './replies.js';

/** Yes / No buttons, with "Not sure" where it has a meaning (on triage questions it counts as yes). */
export function yesNoChoices(draft: TurnDraft, offerUnsure: boolean): Choice[] {
  const { labels } = draft.content.messages;
  const choices: Choice[] = [
    { label: labels.yes, value: CHOICE_VALUES.yes },
    { label: labels.no, value: CHOICE_VALUES.no },
  ];
  if (offerUnsure) choices.push({ label: labels.unsure, value: CHOICE_VALUES.unsure });
  return choices;
}

/** The buttons of a choice question, leaving out an article the person has just read. */
export function choiceOptions(draft: TurnDraft, position: Position, node: ChoiceAsk): Choice[] {
  const read = draft.state.lastArticle;
  return node.options
    .map((option, index) => ({ option, index }))
    .filter(({ option }) => !read || articleAt(draft, option.goto, position.tree) !== read)
    .map(({ option, index }) => ({ label: option.label, value: `${position.tree}.${position.node}#${index}` }));
}

function articleAt(draft: TurnDraft, target: string, tree: string): string | undefined {
  const node = nodeAt(draft.content, positionOf(draft.content, target, tree));
  return 'say' in node && 'article' in node.say ? node.say.article : undefined;
}

/** Checklist items not answered yet: each one a button, then "None of these". */
export function checklistOpenItems(draft: TurnDraft, node: ChecklistAsk): ChecklistAsk['items'] {
  return node.items.filter((item) => draft.state.answers[item.evidence] === undefined);
}

export const CHECKLIST_NONE = 'none';
export const CHECKLIST_ITEM = 'e:';

function checklistChoices(draft: TurnDraft, position: Position, node: ChecklistAsk): Choice[] {
  const prefix = `${position.tree}.${position.node}#`;
  return [
    ...checklistOpenItems(draft, node).map((item) => ({ label: item.label, value: `${prefix}${CHECKLIST_ITEM}${item.evidence}` })),
    { label: node.none_label, value: `${prefix}${CHECKLIST_NONE}` },
  ];
}

/** The pre-screen question now being asked at a trial_criteria node. */
export function currentTrialQuestion(draft: TurnDraft): TrialQuestion | undefined {
  return nextQuestion(draft.content.trials, draft.state.answers);
}

/**
 * Asks the question at `position`. `simpler`: after a message that was not an answer, in the
 * node's simpler words when it has them.
 */
export function askQuestion(draft: TurnDraft, position: Position, node: AskNode, afterFailure: boolean, simpler = false): void {
  const { messages } = draft.content;
  const nodeId = `${position.tree}.${position.node}`;
  if (node.ask === 'trial_criteria') {
    const question = currentTrialQuestion(draft);
    if (!question) return;
    const ask = { kind: question.kind, node: `${nodeId}.${question.id}` };
    draft.say(question.text, { ask, ...(question.kind === 'yes_no' ? { choices: yesNoChoices(draft, true) } : {}) });
    return;
  }
  const progress = progressOf(draft, position, node);
  const progressLine = progress ? `${draft.fill(messages.check.progress, { index: progress.index, total: progress.total })}\n\n` : '';
  if (node.ask === 'checklist') {
    const open = checklistOpenItems(draft, node);
    const picked = node.items.length > open.length;
    const ask: Reply['ask'] = { kind: 'checklist', node: nodeId, evidenceList: open.map((i) => i.evidence as EvidenceId), ...(progress ? { progress } : {}) };
    const text = simpler ? simpleText(draft, node) : picked ? node.more_text : questionText(draft, node);
    draft.say(`${progressLine}${draft.fill(text)}`, { ask, choices: checklistChoices(draft, position, node) });
    return;
  }
  const ask: Reply['ask'] = {
    kind: node.ask,
    node: nodeId,
    ...(node.evidence ? { evidence: node.evidence as EvidenceId } : {}),
    ...(progress ? { progress } : {}),
  };
  let choices: Choice[] | undefined;
  if (node.ask === 'choice') choices = choiceOptions(draft, position, node);
  if (node.ask === 'yes_no') choices = yesNoChoices(draft, Boolean(node.evidence || node.unsure));
  const text = `${progressLine}${draft.fill(simpler ? simpleText(draft, node) : questionText(draft, node))}`;
  if (afterFailure && node.ask === 'choice') {
    draft.say(`${text}\n\n${messages.reprompt.buttons}`, { ask, choices: choices! });
    return;
  }
  draft.say(text, { ask, ...(choices ? { choices } : {}) });
}

/** The question as worded for the patient: for someone asking for another person, `text_other`. */
export function questionText(draft: TurnDraft, node: TreeAsk | ChecklistAsk): string {
  return draft.state.patient?.who === 'other' && node.text_other ? node.text_other : node.text;
}

/** The question in simpler words, for the patient; the usual words when it has none. */
function simpleText(draft: TurnDraft, node: TreeAsk | ChecklistAsk): string {
  const other = draft.state.patient?.who === 'other';
  if (other && node.simple_other) return node.simple_other;
  if (!other && node.simple) return node.simple;
  return questionText(draft, node);
}

/**
 * Re-asks the current question after a message that was not an answer. Questions with simpler
 * words are asked in them (never derailing: the person stays at the same question).
 */
export function reprompt(draft: TurnDraft): void {
  const { state, content } = draft;
  if (!state.at) return;
  const node = nodeAt(content, state.at);
  state.retries += 1;
  draft.notUnderstood ??= 'reprompt';
  if (state.page !== undefined) {
    // Reading an article: show the way on again.
    draft.say(content.messages.reprompt.choice, { choices: pagingChoices(draft, state.at), ask: { kind: 'more', node: `${state.at.tree}.${state.at.node}` } });
    return;
  }
  if (!('ask' in node)) return;
  if (node.ask !== 'trial_criteria' && (node.simple || node.simple_other || node.ask === 'checklist')) {
    draft.say(content.messages.check.simpler);
    askQuestion(draft, state.at, node, state.retries >= 2, true);
    return;
  }
  const key =
    node.ask === 'choice'
      ? 'choice'
      : node.ask === 'trial_criteria'
        ? (currentTrialQuestion(draft)?.kind ?? 'yes_no')
        : node.ask === 'age' && state.patient?.who === 'other'
          ? 'age_other'
          : node.ask === 'yes_no' && !node.evidence && !node.unsure
            ? 'yes_no_only'
            : node.ask;
  draft.say(content.messages.reprompt[key]);
  askQuestion(draft, state.at, node, state.retries >= 2);
}

/** Asks the current question again, as it was (after an aside that left the flow where it was). */
export function repeatCurrentQuestion(draft: TurnDraft): void {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return;
  const node = nodeAt(content, state.at);
  if ('ask' in node) askQuestion(draft, state.at, node, false);
}

/** "Tell me more" plus the choices of the question that follows the article, so one tap moves on. */
export function pagingChoices(draft: TurnDraft, position: Position): Choice[] {
  const { content } = draft;
  const choices: Choice[] = [{ label: content.messages.labels.tell_me_more, value: CHOICE_VALUES.more }];
  const following = followingAsk(draft, position);
  if (following && following.node.ask === 'choice') choices.push(...choiceOptions(draft, following.position, following.node));
  else if (!following) choices.push({ label: content.messages.labels.keep_going, value: CHOICE_VALUES.resume });
  // Every option: each channel shows long menus its own way (src/channels/menuLimits.ts).
  return [...choices, { label: content.messages.labels.sources, value: CHOICE_VALUES.sources }];
}

/** The question straight after an article node, if there is one. */
export function followingAsk(draft: TurnDraft, position: Position): { position: Position; node: AskNode } | undefined {
  const node = nodeAt(draft.content, position);
  if (!('next' in node) || !node.next) return undefined;
  const target = positionOf(draft.content, node.next, position.tree);
  const nextNode = nodeAt(draft.content, target);
  return 'ask' in nextNode ? { position: target, node: nextNode } : undefined;
}
