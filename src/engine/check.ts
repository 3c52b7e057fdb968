// The warning-sign check's own ways of answering: checklist questions ("Do any of these
// apply?"), and going back to change the last answer.
import { CAUDA_EQUINA_FLAGS, levelRank, type RedFlagId } from '../contract.js';
import { matchChoice, recognizeYesNo } from '../nlu/entities.js';
import { ANSWER_CHARS, CHOICE_VALUES, isCheck, nodeAt, URGENT_LEVEL, type TurnDraft } from './draft.js';
import { askQuestion, CHECKLIST_ITEM, CHECKLIST_NONE, checklistOpenItems, repeatCurrentQuestion } from './questions.js';
import { answerCurrent, continueAfterAnswer, normalisePhrase, type AnswerInput } from './runtime.js';
import type { ChecklistAsk } from './schema.js';
import type { Position } from './state.js';

/** Most answers kept for going back; older ones cannot be changed. */
const MAX_HISTORY = 30;

/** Before an answer in the check is recorded: what it replaces, so "go back" can undo it. */
export function rememberAnswer(draft: TurnDraft, position: Position, keys: string[]): void {
  const { state } = draft;
  if (!isCheck(draft.content, position)) return;
  const prev: Record<string, string | number | null> = {};
  for (const key of keys) prev[key] = state.answers[key] ?? null;
  state.history = [...(state.history ?? []), { at: position, prev, announced: state.announced ?? null }].slice(-MAX_HISTORY);
}

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
      rememberAnswer(draft, position, open.map((i) => i.evidence));
      for (const item of open) state.answers[item.evidence] = 'unsure';
      continueAfterAnswer(draft, position, node.next);
      return true;
    }
  }
  if (!picked) return false;
  if (picked === CHECKLIST_NONE) {
    rememberAnswer(draft, position, open.map((i) => i.evidence));
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

export interface UndoRequest {
  /** "oops I meant no": the new answer, to give to the question once it is asked again. */
  answer?: string;
}

/**
 * "back", "go back", "change my last answer", "oops I meant no": in the check (or with the
 * check put aside), recognised from messages.commands.undo and messages.check.undo_prefixes.
 */
export function undoRequest(draft: TurnDraft, text: string): UndoRequest | undefined {
  const { state, content } = draft;
  if (!isCheck(content, state.at) && !isCheck(content, state.suspended)) return undefined;
  const phrase = normalisePhrase(text);
  if (content.messages.commands.undo.some((c) => normalisePhrase(c) === phrase)) return {};
  for (const prefix of content.messages.check.undo_prefixes) {
    const start = normalisePhrase(prefix);
    if (phrase.startsWith(`${start} `)) return { answer: phrase.slice(start.length + 1) };
  }
  return undefined;
}

function isCaudaEquina(key: string): boolean {
  return (CAUDA_EQUINA_FLAGS as readonly string[]).includes(key as RedFlagId);
}

function urgentAnnounced(draft: TurnDraft): boolean {
  const { announced } = draft.state;
  return announced !== undefined && levelRank(announced) <= URGENT_LEVEL;
}

/**
 * Asks the last answered question again and takes back its answer; what the old answer led to
 * (urgent advice, the level so far) is worked out again. A cauda equina sign that already got
 * urgent advice stays on record: a later "no" leaves the advice in place (see the README).
 */
export function undoLastAnswer(draft: TurnDraft, request: UndoRequest): void {
  const { state, content } = draft;
  const { messages } = content;
  const entry = state.history?.pop();
  if (!entry) {
    draft.say(messages.check.nothing_to_undo);
    if (state.at) repeatCurrentQuestion(draft);
    return;
  }
  let keptSign = false;
  for (const [key, before] of Object.entries(entry.prev)) {
    const now = state.answers[key];
    if (isCaudaEquina(key) && (now === 'yes' || now === 'unsure') && urgentAnnounced(draft)) {
      keptSign = true;
      continue;
    }
    if (before === null) delete state.answers[key];
    else state.answers[key] = before;
  }
  const levelBefore = state.announced;
  if (!keptSign) {
    if (entry.announced === null) delete state.announced;
    else state.announced = entry.announced;
  }
  state.pending = undefined;
  state.suspended = undefined;
  state.page = undefined;
  state.at = entry.at;
  state.retries = 0;
  draft.say(messages.check.went_back);
  if (levelBefore !== state.announced) draft.say(messages.check.advice_recomputed);
  if (request.answer && answerCurrent(draft, { text: request.answer })) return;
  const node = nodeAt(content, entry.at);
  if ('ask' in node) askQuestion(draft, entry.at, node, false);
}

/**
 * A "no" to a cauda equina question whose sign is already on record and got urgent advice
 * (after going back): the advice stands, the sign stays as possible, and the person is told
 * what to watch for. Returns true when it applied.
 */
export function keepCaudaEquinaSign(draft: TurnDraft, evidence: string | undefined, answer: string): boolean {
  if (!evidence || answer !== 'no' || !isCaudaEquina(evidence)) return false;
  const now = draft.state.answers[evidence];
  if ((now !== 'yes' && now !== 'unsure') || !urgentAnnounced(draft)) return false;
  draft.state.answers[evidence] = 'unsure';
  draft.say(draft.content.messages.check.advice_stands);
  return true;
}

/**
 * Warning signs named in a message at a checklist that asks about them ("fever", or a tap on
 * "Fever, chills..." read by the detector): the answer to that checklist. Urgent advice still
 * comes at once (continueAfterAnswer), and the list is asked again about the rest.
 */
export function answerChecklistWithFlags(draft: TurnDraft, flags: RedFlagId[]): boolean {
  const { state, content } = draft;
  const at = state.at;
  if (!at || state.page !== undefined || state.pending || flags.length === 0) return false;
  const node = nodeAt(content, at);
  if (!('ask' in node) || node.ask !== 'checklist') return false;
  if (!flags.every((flag) => node.items.some((item) => item.evidence === flag))) return false;
  rememberAnswer(draft, at, flags);
  for (const flag of flags) state.answers[flag] = 'yes';
  continueAfterAnswer(draft, at, at.node);
  return true;
}
