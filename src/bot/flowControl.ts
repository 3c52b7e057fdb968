// The pieces of a turn that the decision's parts share: the message as the bot receives it,
// whether a flow is collecting answers, putting the current question aside and coming back to
// it, the offer after urgent advice, the "stop the check?" question and the entry tree's routes.
// A small module of its own so the red-flag, command and free-text parts need not import one
// another in a circle.
import type { IntentId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import { ANSWER_CHARS, CHOICE_VALUES, chosenYesNo, goTo, nodeAt, runFrom, showMenu, type AnswerInput, type TurnDraft } from '../engine/runtime.js';
import type { Pending } from '../engine/state.js';
import type { Choice } from '../engine/replies.js';
import { isLiveChat } from '../handoff/decideSupport.js';

export interface MessageInput extends AnswerInput {
  /** The message carried only an attachment. */
  attachmentOnly?: boolean;
  /** The text was cut to the configured maximum. */
  truncated?: boolean;
}

/** A flow worth coming back to is one collecting answers; menus and articles are just places. */
export function isCollectingAnswers(draft: TurnDraft): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const current = nodeAt(content, state.at);
  return 'ask' in current && current.ask !== 'choice';
}

/** Puts the current question aside (to come back to with "Carry on"). */
export function suspendFlow(draft: TurnDraft): void {
  const { state } = draft;
  if (state.at && !state.suspended) state.suspended = state.at;
  state.at = undefined;
  state.page = undefined;
}

/** After urgent advice or crisis help: carry on (if there is something to go back to), a person, or the menu. */
export function offerAfterUrgent(draft: TurnDraft, text: string): void {
  const { state, content } = draft;
  const choices: Choice[] = [{ label: content.messages.labels.talk_to_person, value: CHOICE_VALUES.human }];
  if (state.suspended) choices.unshift({ label: content.messages.labels.carry_on, value: CHOICE_VALUES.resume });
  choices.push({ label: content.messages.labels.main_menu, value: CHOICE_VALUES.menu });
  draft.say(text, { choices });
  state.pending = { kind: 'after_urgent' };
}

/** "Stop the check? Yes / No, carry on" (the person stays at the question until they say yes). */
export function askToLeaveCheck(draft: TurnDraft, then: Extract<Pending, { kind: 'leave_check' }>['then']): true {
  const { state, content } = draft;
  const words = content.messages.check;
  state.pending = { kind: 'leave_check', then };
  // Once advice was given the answers have given some: it stands whatever they choose.
  draft.say(state.announced ? draft.fill(words.leave_confirm_advised) : words.leave_confirm, {
    // A question like any other for channels and outside evaluators (CONTRACT section 6).
    ask: { kind: 'yes_no', node: 'leave_check' },
    choices: [
      { label: words.leave_yes, value: CHOICE_VALUES.leave },
      { label: words.leave_no, value: CHOICE_VALUES.resume },
    ],
  });
  return true;
}

export function resumeSuspended(draft: TurnDraft, announce: boolean): void {
  const { state, content } = draft;
  const target = state.suspended;
  state.suspended = undefined;
  // In a live chat with a person there is nothing of the bot's to go back to, and no menu.
  if (!target && isLiveChat(state)) return;
  if (!target) {
    if (announce) draft.say(content.messages.nothing_to_resume);
    showMenu(draft);
    return;
  }
  if (announce) draft.say(content.messages.resumed);
  // Re-enter where we stopped: a question is asked again (or skipped if now answered).
  runFrom(draft, target);
}

/** Runs the route the entry tree gives for this intent. */
export function routeIntent(draft: TurnDraft, intent: IntentId): void {
  const entry = draft.content.dialogs.trees.get(ENTRY_TREE)!;
  const target = entry.routes?.[intent];
  if (!target) {
    showMenu(draft);
    return;
  }
  goTo(draft, target, ENTRY_TREE);
}

/** A message that is only a yes ("yes please", "yeah go on then"), not a yes before a question ("ok but swimming though?"). */
export function isShortYes(text: string): boolean {
  return isShortAnswer(text) && chosenYesNo({ text: text.slice(0, ANSWER_CHARS) }) === 'yes';
}

/** A message that is only a yes, no or not sure ("nope", "yes please"), with no question after it. */
export function isShortAnswer(text: string): boolean {
  return !text.includes('?') && text.trim().split(/\s+/).length <= SHORT_ANSWER_WORDS && chosenYesNo({ text: text.slice(0, ANSWER_CHARS) }) !== undefined;
}
const SHORT_ANSWER_WORDS = 4;
