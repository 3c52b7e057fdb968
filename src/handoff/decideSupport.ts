// The decision for one message while a support request is open (pure, like src/bot/decide.ts,
// which calls in here at three points and keeps red flags first).
//
//   waiting (in the queue):
//     "cancel" / Cancel request        -> leave the queue, back to the bot
//     Ask for a call back              -> leave the queue, collect call-back details
//     "talk to a person" again         -> where things stand (place in the queue)
//     an answer to a question the bot asked (menus, "forget me" confirmation) -> as usual
//     anything else                    -> kept for the team, and the place in the queue
//   live (a team member has joined):
//     "end chat" / End chat            -> leave the chat, back to the bot, feedback questions
//     "forget me"                      -> as usual (asks to confirm; erasing ends the chat)
//     an answer to a question the bot asked -> as usual
//     anything else                    -> to the team member; the bot says nothing
//   either: a warning sign gets the urgent advice first, then a note that the team knows.
import type { RedFlagId } from '../contract.js';
import { announceOutcome, answerCurrent, CHOICE_VALUES, isCommand, runFrom, type AnswerInput, type TurnDraft } from '../engine/runtime.js';
import type { ConversationState } from '../engine/state.js';
import { evaluateTriage } from '../triage/rules.js';

export const SUPPORT_CHOICES = {
  cancel: 'cmd:cancel_support',
  endChat: 'cmd:end_chat',
  callback: 'cmd:callback',
} as const;

export const SUPPORT_TREE = 'support';
export const FEEDBACK_NODE = 'feedback';
const CALLBACK_NODE = 'callback_contact';

export function isLiveChat(state: ConversationState): boolean {
  return state.support?.status === 'live';
}

/** The team member's name as the person sees it. */
export function agentName(draft: TurnDraft): string {
  return draft.state.support?.agent ?? draft.content.messages.support.team_name;
}

/** A warning sign while waiting or talking: the urgent advice first, then a note that the team knows. */
export function urgentDuringSupport(draft: TurnDraft, flags: RedFlagId[]): void {
  const { state, content } = draft;
  const support = state.support!;
  for (const flag of flags) state.answers[flag] = 'yes';
  announceOutcome(draft, evaluateTriage(content.triageRules, state.answers), false);
  const note = support.status === 'live' ? content.messages.support.red_flag_live : content.messages.support.red_flag_waiting;
  draft.replies.push({ text: draft.fill(note, { agent: agentName(draft) }) });
  draft.effects.push({ type: 'support', event: 'flagged', caseId: support.caseId, flags });
}

/** Crisis help was just given while waiting or talking: the team is told and the case goes first. */
export function crisisDuringSupport(draft: TurnDraft): void {
  const support = draft.state.support!;
  draft.say(draft.content.messages.crisis.support_note);
  draft.effects.push({ type: 'support', event: 'crisis', caseId: support.caseId });
}

/** Step 2b of decideMessage: commands and routing that change while a request is open. */
export function decideDuringSupport(draft: TurnDraft, input: AnswerInput): boolean {
  const { state, content } = draft;
  const support = state.support;
  if (!support) return false;
  const typed = (command: Parameters<typeof isCommand>[1]) => !input.choice && isCommand(content.messages, command, input.text);

  if (support.status === 'live') {
    if (input.choice === SUPPORT_CHOICES.endChat || typed('end_chat')) {
      draft.effects.push({ type: 'support', event: 'ended', caseId: support.caseId });
      leaveSupport(draft);
      draft.say(content.messages.support.user_left);
      runFrom(draft, { tree: SUPPORT_TREE, node: FEEDBACK_NODE });
      return true;
    }
    if (typed('forget_me')) return false;
    if (state.at && answerCurrent(draft, input)) return true;
    // To the team member: the transcript the bot keeps is how it reaches them.
    state.at = undefined;
    state.page = undefined;
    state.suspended = undefined;
    draft.effects.push({ type: 'support', event: 'message', caseId: support.caseId });
    return true;
  }

  if (input.choice === SUPPORT_CHOICES.cancel || typed('cancel')) {
    draft.effects.push({ type: 'support', event: 'cancelled', caseId: support.caseId });
    state.support = undefined;
    state.at = undefined;
    state.page = undefined;
    state.suspended = undefined;
    draft.say(content.messages.support.cancelled);
    runFrom(draft, { tree: 'main', node: 'menu' });
    return true;
  }
  if (input.choice === SUPPORT_CHOICES.callback) {
    draft.effects.push({ type: 'support', event: 'cancelled', caseId: support.caseId });
    state.support = undefined;
    runFrom(draft, { tree: SUPPORT_TREE, node: CALLBACK_NODE });
    return true;
  }
  if (input.choice === CHOICE_VALUES.human || typed('human')) {
    draft.effects.push({ type: 'support', event: 'status', caseId: support.caseId });
    return true;
  }
  return false;
}

/** Step 5 of decideMessage, while waiting: free text is kept for the team instead of answered. */
export function holdForSupport(draft: TurnDraft): boolean {
  const support = draft.state.support;
  if (support?.status !== 'waiting') return false;
  if (support.mode === 'event') draft.say(draft.content.messages.support.event_waiting);
  draft.effects.push({ type: 'support', event: 'held', caseId: support.caseId });
  return true;
}

/** Leaves a live chat or the queue; the feedback questions that follow are about this case. */
export function leaveSupport(draft: TurnDraft): void {
  const { state } = draft;
  state.lastCaseId = state.support?.caseId;
  state.support = undefined;
  state.at = undefined;
  state.page = undefined;
  state.pending = undefined;
  state.suspended = undefined;
}
