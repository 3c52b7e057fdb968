// The warning-sign check's own commands: going back to change the last answer, and warning
// signs named at a checklist taken as its answer. (Checklist answers themselves: runtime.ts.)
import { isRedFlagId, type RedFlagId } from '../contract.js';
import { isCheck, nodeAt, type TurnDraft } from './draft.js';
import { askQuestion, repeatCurrentQuestion } from './questions.js';
import { answerCurrent, continueAfterAnswer, normalisePhrase, runFrom } from './runtime.js';
import { isCaudaEquina, rememberAnswer, urgentAnnounced } from './answerHistory.js';

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

/**
 * Asks the check again from its first question, when it is under way: "no" answers, age and
 * duration are dropped; a sign reported stays on record (and any advice given stands).
 * `line` says why (the patient changed, or the person asked to start again).
 */
export function restartCheck(draft: TurnDraft, line: string): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const tree = content.dialogs.trees.get(state.at.tree)!;
  if (!tree.skip_questions_that_cannot_raise_level) return false;
  for (const [key, value] of Object.entries(state.answers)) {
    if ((isRedFlagId(key) && value === 'no') || key === 'age' || key === 'duration_weeks') delete state.answers[key];
  }
  state.history = undefined;
  draft.say(line);
  runFrom(draft, { tree: tree.id, node: tree.start });
  return true;
}
