// The dialog-tree runtime: walks nodes from a position, says what they say, stops at the next
// question, and turns an answer into the next position. It only changes the draft state it is
// given and collects replies and effects; the bot does all I/O.
import { levelRank, type EvidenceId } from '../contract.js';
import type { ArticleLibrary } from '../knowledge/articles.js';
import { fill, type Messages } from '../knowledge/messages.js';
import {
  matchChoice,
  recognizeAge,
  recognizeDurationWeeks,
  recognizeEmail,
  recognizeNumber,
  recognizePhone,
  recognizeYesNo,
} from '../nlu/entities.js';
import { patientPlaceholders, type PatientReader } from '../nlu/patient.js';
import { couldRaiseLevel, evaluateTriage, type TriageOutcome, type TriageRules } from '../triage/rules.js';
import { newCaseId } from '../handoff/ids.js';
import { ENTRY_TREE, resolveTarget, type DialogSet } from './loader.js';
import type { AskNode, Condition, DialogNode, TreeAsk } from './schema.js';
import { answerKeyOf, type TrialCatalogue, type TrialQuestion } from '../trials/catalogue.js';
import { nextQuestion, possibleTrials, verdicts } from '../trials/screen.js';
import type { AnswerValue, ConversationState, Position } from './state.js';
import type { Choice, Effect, Reply } from './replies.js';

export interface EngineContent {
  dialogs: DialogSet;
  articles: ArticleLibrary;
  messages: Messages;
  triageRules: TriageRules;
  redFlagLabel: (id: string) => string;
  /** The yes/no question that confirms a warning sign the detector was unsure of. */
  confirmQuestion: (id: string) => string;
  emergencyNumber: string;
  /** Who the conversation is about (knowledge/nlu/patient.yaml): wording and age answers. */
  patient: PatientReader;
  /** Suicide and crisis line (config CRISIS_LINE). */
  crisisLine: string;
  /** Poison information line (config POISON_LINE). */
  poisonLine: string;
  /** Clinical trials and their pre-screen questions (knowledge/trials/). */
  trials: TrialCatalogue;
}

/** Node ids the engine relies on in the entry tree. */
export const MENU_NODE = 'menu';
/**
 * An answer to a question is short; recognizers only read this much of a message (the
 * red-flag detector and the classifier read all of it). Keeps a 2,000-character message cheap.
 */
export const ANSWER_CHARS = 300;
/** Longest free-text answer kept in state. */
const MAX_FREE_TEXT = 300;
/** Guards against a cycle of nodes that never asks anything. */
const MAX_STEPS = 200;
const URGENT_LEVEL = levelRank('emergency');

export const CHOICE_VALUES = {
  more: 'cmd:more',
  resume: 'cmd:resume',
  menu: 'cmd:menu',
  human: 'cmd:human',
  startOver: 'cmd:start_over',
  check: 'cmd:check',
  sources: 'cmd:sources',
  yes: 'yes',
  no: 'no',
  unsure: 'unsure',
} as const;

/** One turn's work in progress: the draft state and what to say and do. */
export class TurnDraft {
  readonly replies: Reply[] = [];
  readonly effects: Effect[] = [];
  /**
   * Facts about the world this turn (support hours, whether anyone from the team is online)
   * that trees can branch on and quote like answers. Set by the bot; never stored.
   */
  facts: Record<string, string> = {};
  /** Set when the message could not be placed (for the fallback metric; src/observability). */
  notUnderstood?: 'reprompt' | 'out_of_scope';
  constructor(
    readonly content: EngineContent,
    public state: ConversationState,
  ) {}

  say(text: string, extra: Omit<Reply, 'text'> = {}): void {
    this.replies.push({ text: this.fill(text), ...extra });
  }

  fill(text: string, values: Record<string, string | number> = {}): string {
    // Answers can be quoted back ("They will contact you at {trial_contact}").
    return fill(text, { ...this.state.answers, ...this.trialFacts(), ...this.facts, ...patientPlaceholders(this.content.patient, this.state.patient), emergency_number: this.content.emergencyNumber, crisis_line: this.content.crisisLine, poison_line: this.content.poisonLine, ...values });
  }

  /** What the pre-screen answers mean, for trees to quote and branch on (derived, never stored). */
  trialFacts(): Record<string, string | number> {
    const { trials } = this.content;
    const possible = possibleTrials(trials, this.state.answers);
    return {
      trial_count: trials.trials.length,
      trial_fit_count: possible.length,
      trial_fit_names: joinLabels(possible.map((v) => v.trial.title)),
    };
  }
}

export function nodeAt(content: EngineContent, position: Position): DialogNode {
  const node = content.dialogs.trees.get(position.tree)?.nodes[position.node];
  if (!node) throw new Error(`no node ${position.tree}.${position.node}`);
  return node;
}

export function positionOf(content: EngineContent, target: string, currentTree: string): Position {
  const { tree, node } = resolveTarget(target, currentTree, content.dialogs.trees);
  const found = content.dialogs.trees.get(tree);
  if (!found) throw new Error(`no tree ${tree}`);
  return { tree, node: node ?? found.start };
}

function storeKeyOf(node: TreeAsk, position: Position): string {
  return node.store ?? node.evidence ?? position.node;
}

function conditionHolds(condition: Condition, answers: Record<string, AnswerValue>): boolean {
  const value = answers[condition.answer];
  if (condition.known !== undefined && (value !== undefined) !== condition.known) return false;
  if (condition.is !== undefined && value !== condition.is && String(value) !== String(condition.is)) return false;
  if (condition.below !== undefined && !(typeof value === 'number' && value < condition.below)) return false;
  if (condition.at_least !== undefined && !(typeof value === 'number' && value >= condition.at_least)) return false;
  return true;
}

// ---------- saying triage outcomes ----------

export function triageReplyText(draft: TurnDraft, outcome: TriageOutcome): { text: string; reasons: string[] } {
  const { messages, triageRules } = draft.content;
  const advice = triageRules.outcomes[outcome.level];
  const reasons = outcome.reasons.map((reason) => {
    const rule = triageRules.rules.find((r) => r.id === reason.rule)!;
    const labels = reason.flags.map((f) => draft.content.redFlagLabel(f));
    return draft.fill(rule.reason, { flags: joinLabels(labels) });
  });
  const parts = [`**${draft.fill(advice.title)}**`, draft.fill(advice.advice)];
  // Advice for someone else: say who it is for, so a carer knows to act for them.
  if (draft.state.patient?.who === 'other') parts.splice(1, 0, draft.fill(messages.triage.for_other));
  if (reasons.length > 0) parts.push(`${messages.triage.reasons_heading}\n${reasons.map((r) => `- ${r}`).join('\n')}`);
  return { text: parts.join('\n\n'), reasons };
}

function joinLabels(labels: string[]): string {
  if (labels.length <= 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

function outcomeChoices(draft: TurnDraft): Choice[] {
  const { labels } = draft.content.messages;
  return [
    { label: labels.talk_to_person, value: CHOICE_VALUES.human },
    { label: labels.main_menu, value: CHOICE_VALUES.menu },
  ];
}

/** Says the outcome for the answers so far; `final` marks the end of a questionnaire. */
export function announceOutcome(draft: TurnDraft, outcome: TriageOutcome, final: boolean, choices?: Choice[]): void {
  const { state } = draft;
  const { text } = triageReplyText(draft, outcome);
  const urgent = levelRank(outcome.level) <= URGENT_LEVEL;
  draft.replies.push({
    text,
    triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final },
    urgent,
    ...(choices ? { choices } : {}),
  });
  state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
  if (!state.announced || levelRank(outcome.level) < levelRank(state.announced)) state.announced = outcome.level;
}

function finalOutcome(draft: TurnDraft): void {
  const { state, content } = draft;
  const outcome = evaluateTriage(content.triageRules, state.answers);
  const choices = outcomeChoices(draft);
  if (state.announced && state.announced === outcome.level && levelRank(outcome.level) <= URGENT_LEVEL) {
    // The full advice was given moments ago: repeat the headline, not the whole message.
    const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
    draft.replies.push({
      text: draft.fill(content.messages.triage.already_advised, { title }),
      triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final: true },
      urgent: true,
      choices,
    });
    state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
    return;
  }
  announceOutcome(draft, outcome, true);
  draft.say(content.messages.triage.human_offer, { choices });
}

// ---------- walking the tree ----------

/** Whether a triage question can be skipped: already answered, or unable to change an urgent outcome. */
function shouldSkip(draft: TurnDraft, position: Position, node: TreeAsk): boolean {
  const { state, content } = draft;
  const key = storeKeyOf(node, position);
  if (node.skip_if_known && state.answers[key] !== undefined) return true;
  const tree = content.dialogs.trees.get(position.tree)!;
  if (tree.skip_questions_that_cannot_raise_level && node.evidence) {
    if (state.answers[node.evidence] === 'yes' || state.answers[node.evidence] === 'unsure') return true;
    if (state.announced && !couldRaiseLevel(content.triageRules, state.answers, node.evidence)) return true;
  }
  return false;
}

/** Where a skipped question leads: by the known answer, else the "no" way. */
function skipTarget(draft: TurnDraft, position: Position, node: TreeAsk): string | undefined {
  const known = draft.state.answers[storeKeyOf(node, position)];
  if (node.ask === 'yes_no') {
    if (known === 'yes' || known === 'unsure') return node.yes ?? node.next;
    return node.no ?? node.next;
  }
  if (node.ask === 'choice') return undefined;
  return node.next;
}

export function goTo(draft: TurnDraft, target: string, fromTree: string): void {
  runFrom(draft, positionOf(draft.content, target, fromTree));
}

export function runFrom(draft: TurnDraft, start: Position): void {
  const { state, content } = draft;
  let position: Position | undefined = start;
  state.at = undefined;
  state.page = undefined;
  for (let steps = 0; position && steps < MAX_STEPS; steps++) {
    const node = nodeAt(content, position);
    const here: Position = position;
    const next = (target: string | undefined): Position | undefined => (target ? positionOf(content, target, here.tree) : undefined);

    if ('say' in node) {
      if ('text' in node.say) {
        draft.say(node.say.text);
        position = next(node.next);
        continue;
      }
      const article = content.articles.get(node.say.article);
      state.lastArticle = article.id;
      const sectionId = node.say.section;
      if (sectionId) {
        const section = article.sections.find((s) => s.id === sectionId)!;
        for (const message of section.messages) draft.say(message);
        position = next(node.next);
        continue;
      }
      sendSection(draft, here, 0);
      if (article.sections.length > 1) return; // waits at the article for "tell me more"
      position = next(node.next);
      continue;
    }
    if ('ask' in node && node.ask === 'trial_criteria') {
      // The pre-screen waits here until no question can change any trial's outcome.
      if (!nextQuestion(content.trials, state.answers)) {
        position = next(node.next);
        continue;
      }
      state.at = here;
      state.retries = 0;
      askQuestion(draft, here, node, false);
      return;
    }
    if ('ask' in node) {
      if (shouldSkip(draft, here, node)) {
        const target = skipTarget(draft, here, node);
        if (target) {
          position = next(target);
          continue;
        }
      }
      state.at = here;
      state.retries = 0;
      askQuestion(draft, here, node, false);
      return;
    }
    if ('branch' in node) {
      const known = { ...state.answers, ...draft.trialFacts(), ...draft.facts };
      const taken = node.branch.find((b) => conditionHolds(b.when, known));
      position = next(taken ? taken.goto : node.else);
      continue;
    }
    if ('goto' in node) {
      position = next(node.goto);
      continue;
    }
    if ('do' in node) {
      if (node.text) draft.say(node.text);
      runAction(draft, node.do, here);
      position = next(node.next);
      continue;
    }
    if ('end' in node) {
      if (node.text) draft.say(node.text);
      position = undefined;
    }
  }
}

function runAction(draft: TurnDraft, action: string, position: Position): void {
  const { state } = draft;
  switch (action) {
    case 'triage_outcome':
      finalOutcome(draft);
      break;
    case 'handoff':
    case 'handoff_event': {
      if (state.support) {
        // Already waiting or talking: say where things stand rather than open a second case.
        draft.effects.push({ type: 'support', event: 'status', caseId: state.support.caseId });
        break;
      }
      const caseId = newCaseId();
      const mode = action === 'handoff' ? 'console' : 'event';
      draft.effects.push({ type: 'handoff', reason: position.tree, caseId, mode });
      state.support = { caseId, status: 'waiting', mode, since: new Date().toISOString() };
      break;
    }
    case 'record_callback': {
      if (state.support?.status === 'waiting') {
        // A call-back instead of waiting: leave the queue.
        draft.effects.push({ type: 'support', event: 'cancelled', caseId: state.support.caseId });
        state.support = undefined;
      }
      draft.effects.push({ type: 'record_callback', caseId: newCaseId(), answers: { ...state.answers } });
      dropAnswers(state, CALLBACK_ANSWER);
      break;
    }
    case 'discard_callback':
      dropAnswers(state, CALLBACK_ANSWER);
      break;
    case 'record_feedback': {
      const { support_helpful: helpful, support_comment: comment } = state.answers;
      if (state.lastCaseId) {
        draft.effects.push({
          type: 'record_feedback',
          caseId: state.lastCaseId,
          ...(helpful !== undefined ? { helpful: String(helpful) } : {}),
          ...(comment !== undefined ? { comment: String(comment) } : {}),
        });
      }
      state.lastCaseId = undefined;
      dropAnswers(state, FEEDBACK_ANSWER);
      break;
    }
    case 'record_trial_lead': {
      const { trials } = draft.content;
      const criteria: Record<string, string | number> = {};
      for (const question of trials.questions) {
        const value = state.answers[answerKeyOf(question)];
        if (value !== undefined) criteria[question.id] = value;
      }
      const possible = possibleTrials(trials, state.answers).map((v) => ({ id: v.trial.id, title: v.trial.title, status: v.status as 'fits' | 'maybe' }));
      draft.effects.push({ type: 'record_trial_lead', answers: { ...state.answers }, trials: possible, criteria });
      break;
    }
    case 'trial_results':
      sayTrialResults(draft);
      break;
    case 'trial_privacy':
      for (const { trial } of possibleTrials(draft.content.trials, state.answers)) {
        draft.say(
          draft.fill(draft.content.messages.trials.privacy, {
            title: trial.title,
            sponsor: trial.sponsor,
            sites: trial.sites.join('; '),
            privacy: trial.privacy,
            contact: trial.contact,
          }),
        );
      }
      break;
    case 'forget_me':
      draft.effects.push({ type: 'forget_me' });
      break;
    default:
      throw new Error(`unknown action ${action}`);
  }
}

/** One line per trial: may fit, may fit with the team checking, or not a fit and why. */
function sayTrialResults(draft: TurnDraft): void {
  const { trials, messages } = draft.content;
  const lines = verdicts(trials, draft.state.answers).map((v) => {
    const values = { title: v.trial.title, summary: v.trial.summary, reason: v.reason ?? '' };
    if (v.status === 'fits') return draft.fill(messages.trials.fits, values);
    if (v.status === 'maybe' || v.status === 'open') return draft.fill(messages.trials.maybe, values);
    return draft.fill(messages.trials.not_a_fit, values);
  });
  draft.say(`${draft.fill(messages.trials.results_intro)}\n\n${lines.map((l) => `- ${l}`).join('\n')}`);
}

/** Answers kept only until they are stored with a case (call-back details, feedback). */
const CALLBACK_ANSWER = /^callback_/;
const FEEDBACK_ANSWER = /^support_/;

function dropAnswers(state: ConversationState, pattern: RegExp): void {
  for (const key of Object.keys(state.answers)) if (pattern.test(key)) delete state.answers[key];
}

/** Sends one section of the article at a say node and, if more follow, offers "tell me more". */
function sendSection(draft: TurnDraft, position: Position, index: number): void {
  const { content, state } = draft;
  const node = nodeAt(content, position);
  if (!('say' in node) || !('article' in node.say)) return;
  const article = content.articles.get(node.say.article);
  const section = article.sections[index];
  if (!section) return;
  state.lastArticle = article.id;
  const messages = index === 0 ? section.messages : [`**${section.heading}**\n\n${section.messages[0] ?? ''}`, ...section.messages.slice(1)];
  messages.forEach((message, i) => {
    const last = i === messages.length - 1;
    const more = index + 1 < article.sections.length;
    draft.say(message, last && more ? { choices: pagingChoices(draft, position), ask: { kind: 'more', node: `${position.tree}.${position.node}` } } : {});
  });
  if (index + 1 < article.sections.length) {
    state.at = position;
    state.page = index + 1;
    state.retries = 0;
  }
}

/** "Tell me more" plus the choices of the question that follows the article, so one tap moves on. */
function pagingChoices(draft: TurnDraft, position: Position): Choice[] {
  const { content } = draft;
  const choices: Choice[] = [{ label: content.messages.labels.tell_me_more, value: CHOICE_VALUES.more }];
  const following = followingAsk(draft, position);
  if (following && following.node.ask === 'choice') choices.push(...choiceOptions(following.position, following.node));
  else if (!following) choices.push({ label: content.messages.labels.keep_going, value: CHOICE_VALUES.resume });
  // Every option: each channel shows long menus its own way (src/channels/menuLimits.ts).
  return [...choices, { label: content.messages.labels.sources, value: CHOICE_VALUES.sources }];
}

/** The choice question straight after an article node, if there is one. */
function followingAsk(draft: TurnDraft, position: Position): { position: Position; node: AskNode } | undefined {
  const node = nodeAt(draft.content, position);
  if (!('next' in node) || !node.next) return undefined;
  const target = positionOf(draft.content, node.next, position.tree);
  const nextNode = nodeAt(draft.content, target);
  return 'ask' in nextNode ? { position: target, node: nextNode } : undefined;
}

function choiceOptions(position: Position, node: AskNode): Choice[] {
  if (node.ask !== 'choice') return [];
  return node.options.map((option, index) => ({ label: option.label, value: `${position.tree}.${position.node}#${index}` }));
}

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

/** The pre-screen question now being asked at a trial_criteria node. */
function currentTrialQuestion(draft: TurnDraft): TrialQuestion | undefined {
  return nextQuestion(draft.content.trials, draft.state.answers);
}

export function askQuestion(draft: TurnDraft, position: Position, node: AskNode, afterFailure: boolean): void {
  const { messages } = draft.content;
  if (node.ask === 'trial_criteria') {
    const question = currentTrialQuestion(draft);
    if (!question) return;
    const ask = { kind: question.kind, node: `${position.tree}.${position.node}.${question.id}` };
    draft.say(question.text, { ask, ...(question.kind === 'yes_no' ? { choices: yesNoChoices(draft, true) } : {}) });
    return;
  }
  const ask = { kind: node.ask, node: `${position.tree}.${position.node}`, ...(node.evidence ? { evidence: node.evidence as EvidenceId } : {}) };
  let choices: Choice[] | undefined;
  if (node.ask === 'choice') choices = choiceOptions(position, node);
  if (node.ask === 'yes_no') choices = yesNoChoices(draft, Boolean(node.evidence || node.unsure));
  const text = questionText(draft, node);
  if (afterFailure && node.ask === 'choice') {
    draft.say(`${draft.fill(text)}\n\n${messages.reprompt.buttons}`, { ask, choices: choices! });
    return;
  }
  draft.say(text, { ask, ...(choices ? { choices } : {}) });
}

/** The question as worded for the patient: for someone asking for another person, `text_other`. */
export function questionText(draft: TurnDraft, node: TreeAsk): string {
  return draft.state.patient?.who === 'other' && node.text_other ? node.text_other : node.text;
}

/**
 * "Where is this from?": the sources and review date of the article last shown (its front
 * matter), then the way on from where the person is, so they keep their place.
 */
export function showSources(draft: TurnDraft): void {
  const { state, content } = draft;
  const { messages } = content;
  const article = state.lastArticle && content.articles.has(state.lastArticle) ? content.articles.get(state.lastArticle) : undefined;
  if (!article) {
    draft.say(messages.sources.none);
  } else {
    draft.say(
      draft.fill(messages.sources.text, {
        title: article.title,
        sources: article.sources.map((s) => `- ${s}`).join('\n'),
        date: article.lastReviewed,
      }),
    );
  }
  if (!state.at) return;
  if (state.page !== undefined) {
    draft.say(messages.sources.then, { choices: pagingChoices(draft, state.at), ask: { kind: 'more', node: `${state.at.tree}.${state.at.node}` } });
    return;
  }
  const node = nodeAt(content, state.at);
  if ('ask' in node) askQuestion(draft, state.at, node, false);
}

/** Re-asks the current question after an answer was not understood. */
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
  const key = node.ask === 'choice' ? 'choice' : node.ask === 'trial_criteria' ? (currentTrialQuestion(draft)?.kind ?? 'yes_no') : node.ask === 'age' && state.patient?.who === 'other' ? 'age_other' : node.ask;
  draft.say(content.messages.reprompt[key]);
  askQuestion(draft, state.at, node, state.retries >= 2);
}

// ---------- answers ----------

export interface AnswerInput {
  text: string;
  /** A button value, when the person tapped one. */
  choice?: string;
}

/** Tries to take the input as the answer to the current question. Returns false if it is not one. */
export function answerCurrent(draft: TurnDraft, fullInput: AnswerInput): boolean {
  const { state, content } = draft;
  const input = { ...fullInput, text: fullInput.text.slice(0, ANSWER_CHARS) };
  const position = state.at;
  if (!position) return false;
  const node = nodeAt(content, position);

  if (state.page !== undefined) return answerPaging(draft, position, input);
  if (!('ask' in node)) return false;

  switch (node.ask) {
    case 'trial_criteria': {
      const question = currentTrialQuestion(draft);
      if (!question) return false;
      let value: AnswerValue | undefined;
      if (question.kind === 'yes_no') value = chosenYesNo(input);
      else if (!input.choice) {
        value = recognizeAge(input.text);
        if (value !== undefined && (value < 1 || value > 120)) {
          draft.say(content.messages.reprompt.out_of_range);
          askQuestion(draft, position, node, false);
          return true;
        }
      }
      if (value === undefined) return false;
      state.answers[answerKeyOf(question)] = value;
      // Ask whatever can still change an outcome, or go on.
      runFrom(draft, position);
      return true;
    }
    case 'choice': {
      const index = chosenOption(position, node, input);
      if (index === undefined) return false;
      goTo(draft, node.options[index]!.goto, position.tree);
      return true;
    }
    case 'yes_no': {
      const answer = chosenYesNo(input);
      if (!answer) return false;
      if (answer === 'unsure' && !node.evidence && !node.unsure) return false;
      recordAnswer(draft, position, node, answer);
      const target =
        answer === 'yes' ? node.yes ?? node.next : answer === 'no' ? node.no ?? node.next : node.unsure ?? node.yes ?? node.next;
      continueAfterAnswer(draft, position, target);
      return true;
    }
    case 'number':
    case 'age':
    case 'duration': {
      if (input.choice) return false;
      const value =
        // The age of the patient: a carer's own age ("I'm 40") is not the answer.
        node.ask === 'age' ? recognizeAge(content.patient.ageAnswerFor(input.text, state.patient?.who)) : node.ask === 'duration' ? recognizeDurationWeeks(content.patient.durationAnswerFor(input.text, state.patient?.who)) : recognizeNumber(input.text);
      if (value === undefined && node.ask === 'age' && state.patient?.who === 'other' && content.patient.saysOwnAge(input.text)) {
        // A carer gave their own age: ask again for the patient's.
        draft.say(content.messages.reprompt.age_other);
        askQuestion(draft, position, node, false);
        return true;
      }
      if (value === undefined) return false;
      if ((node.min !== undefined && value < node.min) || (node.max !== undefined && value > node.max)) {
        draft.say(content.messages.reprompt.out_of_range);
        askQuestion(draft, position, node, false);
        return true; // understood, just not usable: stay at the question
      }
      recordAnswer(draft, position, node, value);
      continueAfterAnswer(draft, position, node.next);
      return true;
    }
    case 'contact': {
      const contact = recognizeEmail(input.text) ?? recognizePhone(input.text);
      if (!contact) return false;
      recordAnswer(draft, position, node, contact);
      continueAfterAnswer(draft, position, node.next);
      return true;
    }
    case 'free_text': {
      const text = input.text.trim();
      if (!text) return false;
      recordAnswer(draft, position, node, text.slice(0, MAX_FREE_TEXT));
      continueAfterAnswer(draft, position, node.next);
      return true;
    }
  }
}

function answerPaging(draft: TurnDraft, position: Position, input: AnswerInput): boolean {
  const { state, content } = draft;
  const page = state.page!;
  const wantsMore = input.choice === CHOICE_VALUES.more || (!input.choice && isCommand(content.messages, 'more', input.text));
  if (wantsMore) {
    state.page = undefined;
    state.at = undefined;
    sendSection(draft, position, page);
    if (state.page === undefined) {
      // That was the last section: carry on with the tree.
      const node = nodeAt(content, position);
      const nextTarget = 'next' in node ? node.next : undefined;
      if (nextTarget) goTo(draft, nextTarget, position.tree);
    }
    return true;
  }
  const node = nodeAt(content, position);
  const nextTarget = 'next' in node ? node.next : undefined;
  if (input.choice === CHOICE_VALUES.resume && nextTarget) {
    goTo(draft, nextTarget, position.tree);
    return true;
  }
  // Anything else is taken as an answer to the question that follows the article.
  const following = followingAsk(draft, position);
  if (!following) return false;
  const saved = { at: state.at, page: state.page };
  state.at = following.position;
  state.page = undefined;
  if (answerCurrent(draft, input)) return true;
  state.at = saved.at;
  state.page = saved.page;
  return false;
}

function chosenOption(position: Position, node: AskNode, input: AnswerInput): number | undefined {
  if (node.ask !== 'choice') return undefined;
  const prefix = `${position.tree}.${position.node}#`;
  if (input.choice?.startsWith(prefix)) {
    const index = Number(input.choice.slice(prefix.length));
    return Number.isInteger(index) && index >= 0 && index < node.options.length ? index : undefined;
  }
  if (input.choice) return undefined;
  const match = matchChoice(
    input.text,
    node.options.map((o) => o.label),
    node.options.map((o) => o.synonyms ?? []),
  );
  return match?.index;
}

/** A yes/no answer from a button or from words ("yeah", "nah", "not sure"). */
export function chosenYesNo(input: AnswerInput): 'yes' | 'no' | 'unsure' | undefined {
  if (input.choice === CHOICE_VALUES.yes || input.choice === CHOICE_VALUES.no || input.choice === CHOICE_VALUES.unsure) return input.choice;
  if (input.choice) return undefined;
  return recognizeYesNo(input.text.slice(0, ANSWER_CHARS));
}

function recordAnswer(draft: TurnDraft, position: Position, node: TreeAsk, value: AnswerValue): void {
  draft.state.answers[storeKeyOf(node, position)] = value;
}

/**
 * After a triage answer, urgent advice is given at once: the person never waits behind the
 * remaining questions. Then the questionnaire goes on only with questions that could make it
 * more urgent still.
 */
function continueAfterAnswer(draft: TurnDraft, position: Position, target: string | undefined): void {
  const { state, content } = draft;
  const node = nodeAt(content, position);
  const tree = content.dialogs.trees.get(position.tree)!;
  if (tree.skip_questions_that_cannot_raise_level && 'evidence' in node && node.evidence) {
    const outcome = evaluateTriage(content.triageRules, state.answers);
    const rank = levelRank(outcome.level);
    if (rank <= URGENT_LEVEL && (!state.announced || rank < levelRank(state.announced))) {
      announceOutcome(draft, outcome, false);
      draft.say(content.messages.triage.keep_answering);
    }
  }
  if (target) goTo(draft, target, position.tree);
  else {
    state.at = undefined;
    state.page = undefined;
  }
}

// ---------- commands and menu ----------

export function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isCommand(messages: Messages, command: keyof Messages['commands'], text: string): boolean {
  const phrase = normalisePhrase(text);
  return messages.commands[command].some((c) => normalisePhrase(c) === phrase);
}

export function showMenu(draft: TurnDraft): void {
  goTo(draft, `${ENTRY_TREE}.${MENU_NODE}`, ENTRY_TREE);
}
