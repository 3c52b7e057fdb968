// The dialog-tree runtime: walks nodes from a position, says what they say, stops at the next
// question, and turns an answer into the next position. It only changes the draft state it is
// given and collects replies and effects; the bot does all I/O.
// Its parts: draft.ts (the turn and the content), questions.ts (asking), paging.ts (articles),
// outcome.ts (triage advice and the summary), actions.ts (`do:` nodes), check.ts (checklists
// and going back), progress.ts ("Question 3 of about 10").
import { levelRank } from '../contract.js';
import { matchChoice, recognizeAge, recognizeDurationWeeks, recognizeEmail, recognizeNumber, recognizePhone, recognizeYesNo } from '../nlu/entities.js';
import { couldRaiseLevel, evaluateTriage } from '../triage/rules.js';
import { answerKeyOf } from '../trials/catalogue.js';
import { nextQuestion } from '../trials/screen.js';
import type { Messages } from '../knowledge/messages.js';
import { runAction } from './actions.js';
import { keepCaudaEquinaSign, rememberAnswer } from './answerHistory.js';
import { ANSWER_CHARS, CHOICE_VALUES, MENU_NODE, nodeAt, positionOf, URGENT_LEVEL, type TurnDraft } from './draft.js';
import { ENTRY_TREE } from './loader.js';
import { announceOutcome } from './outcome.js';
import { sendSection } from './paging.js';
import { askQuestion, CHECKLIST_ITEM, CHECKLIST_NONE, checklistOpenItems, currentTrialQuestion, followingAsk } from './questions.js';
import { isAsk, kindOf, unreachable, type AskNode, type ChecklistAsk, type Condition, type TreeAsk } from './schema.js';
import type { AnswerValue, Position } from './state.js';

export { ANSWER_CHARS, CHOICE_VALUES, MENU_NODE, nodeAt, positionOf, TurnDraft, type EngineContent } from './draft.js';
export { announceOutcome, triageReplyText } from './outcome.js';
export { askQuestion, questionText, reprompt, repeatCurrentQuestion, yesNoChoices } from './questions.js';
export { showSources } from './paging.js';

/** Longest free-text answer kept in state. */
const MAX_FREE_TEXT = 300;
/** Guards against a cycle of nodes that never asks anything. */
const MAX_STEPS = 200;

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

// ---------- walking the tree ----------

/**
 * Where a question is skipped to, or undefined when it is asked: already answered, or unable
 * to change an urgent outcome (triage questionnaires).
 */
function skipTo(draft: TurnDraft, position: Position, node: AskNode): string | undefined {
  const { state, content } = draft;
  const tree = content.dialogs.trees.get(position.tree)!;
  // A sign held only because a yes was changed to no (the advice stands) counts as that no here.
  const held = state.held?.length ? Object.fromEntries(state.held.map((evidence) => [evidence, 'no'])) : {};
  const answers = { ...state.answers, ...held };
  const cannotRaise = (evidence: string) => Boolean(state.announced && !couldRaiseLevel(content.triageRules, answers, evidence as never));
  switch (node.ask) {
    case 'trial_criteria':
      return nextQuestion(content.trials, state.answers) ? undefined : node.next;
    case 'checklist': {
      const open = checklistOpenItems(draft, node);
      const skip = open.length === 0 || (tree.skip_questions_that_cannot_raise_level && open.every((i) => cannotRaise(i.evidence)));
      return skip ? node.next : undefined;
    }
    case 'choice':
      return undefined;
    case 'yes_no':
    case 'number':
    case 'age':
    case 'duration':
    case 'free_text':
    case 'contact': {
      const known = state.answers[storeKeyOf(node, position)];
      const positive = known === 'yes' || known === 'unsure';
      let skip = Boolean(node.skip_if_known && known !== undefined);
      if (tree.skip_questions_that_cannot_raise_level && node.evidence) skip ||= positive || cannotRaise(node.evidence);
      if (!skip) return undefined;
      // By the known answer, else the "no" way.
      if (node.ask === 'yes_no') return positive ? (node.yes ?? node.next) : (node.no ?? node.next);
      return node.next;
    }
    default:
      return unreachable(node, 'question kind');
  }
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
    const here: Position = position;
    const next = (target: string | undefined): Position | undefined => (target ? positionOf(content, target, here.tree) : undefined);
    const kinded = kindOf(nodeAt(content, here));
    switch (kinded.kind) {
      case 'say': {
        const { say } = kinded.node;
        if ('text' in say) {
          draft.say(say.text);
          position = next(kinded.node.next);
          break;
        }
        const article = content.articles.get(say.article);
        state.lastArticle = article.id;
        if (say.section) {
          const section = article.sections.find((s) => s.id === say.section)!;
          for (const message of section.messages) draft.say(message);
          position = next(kinded.node.next);
          break;
        }
        sendSection(draft, here, 0);
        if (article.sections.length > 1) return; // waits at the article for "tell me more"
        position = next(kinded.node.next);
        break;
      }
      case 'ask': {
        const skipped = skipTo(draft, here, kinded.node);
        if (skipped) {
          position = next(skipped);
          break;
        }
        state.at = here;
        state.retries = 0;
        askQuestion(draft, here, kinded.node, false);
        return;
      }
      case 'branch': {
        const known = { ...state.answers, ...draft.trialFacts(), ...draft.facts };
        const taken = kinded.node.branch.find((b) => conditionHolds(b.when, known));
        position = next(taken ? taken.goto : kinded.node.else);
        break;
      }
      case 'goto':
        position = next(kinded.node.goto);
        break;
      case 'do':
        if (kinded.node.text) draft.say(kinded.node.text);
        runAction(draft, kinded.node.do, here);
        position = next(kinded.node.next);
        break;
      case 'end':
        if (kinded.node.text) draft.say(kinded.node.text);
        position = undefined;
        break;
      default:
        return unreachable(kinded, 'dialog node kind');
    }
  }
  if (position) throw new Error(`dialog loop: ${MAX_STEPS} steps without a question from ${start.tree}.${start.node}`);
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
    case 'checklist':
      return answerChecklist(draft, position, node, input);
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
      rememberAnswer(draft, position, [storeKeyOf(node, position)]);
      if (!keepCaudaEquinaSign(draft, node.evidence, answer)) recordAnswer(draft, position, node, answer);
      const target = answer === 'yes' ? (node.yes ?? node.next) : answer === 'no' ? (node.no ?? node.next) : (node.unsure ?? node.yes ?? node.next);
      continueAfterAnswer(draft, position, target);
      return true;
    }
    case 'number':
    case 'age':
    case 'duration': {
      if (input.choice) return false;
      const value =
        // The age of the patient: a carer's own age ("I'm 40") is not the answer.
        node.ask === 'age'
          ? recognizeAge(content.patient.ageAnswerFor(input.text, state.patient?.who))
          : node.ask === 'duration'
            ? recognizeDurationWeeks(content.patient.durationAnswerFor(input.text, state.patient?.who))
            : recognizeNumber(input.text);
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
      rememberAnswer(draft, position, [storeKeyOf(node, position)]);
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
    default:
      return unreachable(node, 'question kind');
  }
}

/**
 * Whether typed text gives the value the current question asks for (a number, an age, a duration,
 * a phone number or email), without taking it: "two weeks, dos semanas" at "how long?" is an
 * answer, whatever other words come with it.
 */
export function givesValueAnswer(draft: TurnDraft, text: string): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const node = nodeAt(content, state.at);
  if (!('ask' in node)) return false;
  const typed = text.slice(0, ANSWER_CHARS);
  switch (node.ask) {
    case 'age':
      return recognizeAge(content.patient.ageAnswerFor(typed, state.patient?.who)) !== undefined;
    case 'duration':
      return recognizeDurationWeeks(content.patient.durationAnswerFor(typed, state.patient?.who)) !== undefined;
    case 'number':
      return recognizeNumber(typed) !== undefined;
    case 'contact':
      return (recognizeEmail(typed) ?? recognizePhone(typed)) !== undefined;
    default:
      return false;
  }
}

/** Whether the current question takes any typed text as its answer (a good time to call, a comment). */
export function asksFreeText(draft: TurnDraft): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const node = nodeAt(content, state.at);
  return 'ask' in node && node.ask === 'free_text';
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
  const key = storeKeyOf(node, position);
  draft.state.answers[key] = value;
  // Said again as a sign (after going back once more): no longer only held.
  if (value !== 'no' && draft.state.held?.includes(key)) draft.state.held = draft.state.held.filter((k) => k !== key);
}

/**
 * After a triage answer, urgent advice is given at once: the person never waits behind the
 * remaining questions. Then the questionnaire goes on only with questions that could make it
 * more urgent still.
 */
export function continueAfterAnswer(draft: TurnDraft, position: Position, target: string | undefined): void {
  const { state, content } = draft;
  const node = nodeAt(content, position);
  const tree = content.dialogs.trees.get(position.tree)!;
  const triageQuestion = 'ask' in node && (node.ask === 'checklist' || ('evidence' in node && Boolean(node.evidence)));
  let keepAnsweringAt: number | undefined;
  if (tree.skip_questions_that_cannot_raise_level && triageQuestion) {
    const outcome = evaluateTriage(content.triageRules, state.answers);
    const rank = levelRank(outcome.level);
    if (rank <= URGENT_LEVEL && (!state.announced || rank < levelRank(state.announced))) {
      announceOutcome(draft, outcome, false);
      keepAnsweringAt = draft.replies.length;
    }
  }
  if (target) goTo(draft, target, position.tree);
  else {
    state.at = undefined;
    state.page = undefined;
  }
  // "Please answer a few more quick questions" only when one follows (issue #14).
  const at = state.at;
  if (keepAnsweringAt !== undefined && at?.tree === position.tree && isAsk(nodeAt(content, at))) {
    draft.replies.splice(keepAnsweringAt, 0, { text: draft.fill(content.messages.triage.keep_answering) });
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
  return commandPhrases(messages.commands[command]).has(normalisePhrase(text));
}

/** A command's phrases, normalised once per loaded list (every turn asks about several commands). */
const normalisedCommands = new WeakMap<readonly string[], Set<string>>();
function commandPhrases(phrases: readonly string[]): Set<string> {
  let normalised = normalisedCommands.get(phrases);
  if (!normalised) {
    normalised = new Set(phrases.map(normalisePhrase));
    normalisedCommands.set(phrases, normalised);
  }
  return normalised;
}

export function showMenu(draft: TurnDraft): void {
  goTo(draft, `${ENTRY_TREE}.${MENU_NODE}`, ENTRY_TREE);
}

// ---------- answers to checklists and to article pages ----------

/**
 * A checklist answer: an item (button, label, synonym or its number) is a yes to that item and
 * the list is asked again without it; "None of these" or "no" is a no to every item left.
 * "Not sure" is asked again in simpler words once; a second time it counts as yes to them all.
 */
export function answerChecklist(draft: TurnDraft, position: Position, node: ChecklistAsk, input: AnswerInput): boolean {
  const { state, content } = draft;
  const open = checklistOpenItems(draft, node);
  const prefix = `${position.tree}.${position.node}#`;
  let picked: string | undefined;
  if (input.choice?.startsWith(prefix)) {
    const rest = input.choice.slice(prefix.length);
    if (rest === CHECKLIST_NONE) picked = CHECKLIST_NONE;
    else if (rest.startsWith(CHECKLIST_ITEM) && open.some((i) => i.evidence === rest.slice(CHECKLIST_ITEM.length))) picked = rest.slice(CHECKLIST_ITEM.length);
  } else if (input.choice === CHOICE_VALUES.no) {
    picked = CHECKLIST_NONE;
  } else if (!input.choice) {
    const text = input.text.slice(0, ANSWER_CHARS);
    const none = [...content.messages.check.none_words];
    const match = matchChoice(text, [...open.map((i) => i.label), node.none_label], [...open.map((i) => i.synonyms ?? []), none]);
    if (match) picked = match.index === open.length ? CHECKLIST_NONE : open[match.index]!.evidence;
    else if (recognizeYesNo(text) === 'no') picked = CHECKLIST_NONE;
    else if (recognizeYesNo(text) === 'unsure' && state.retries >= 1) {
      // Unsure twice: the safe side is to count every item left as possible.
      rememberAnswer(
        draft,
        position,
        open.map((i) => i.evidence),
      );
      for (const item of open) state.answers[item.evidence] = 'unsure';
      continueAfterAnswer(draft, position, node.next);
      return true;
    }
  }
  if (!picked) return false;
  if (picked === CHECKLIST_NONE) {
    rememberAnswer(
      draft,
      position,
      open.map((i) => i.evidence),
    );
    for (const item of open) state.answers[item.evidence] = 'no';
    continueAfterAnswer(draft, position, node.next);
    return true;
  }
  rememberAnswer(draft, position, [picked]);
  state.answers[picked] = 'yes';
  // Ask again about the items left (skipped when none are).
  continueAfterAnswer(draft, position, position.node);
  return true;
}

export function answerPaging(draft: TurnDraft, position: Position, input: AnswerInput): boolean {
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
