// Commands and one-off questions: the answer to a pending question (confirm a warning sign,
// carry on?, a person after crisis help, stop the check?, which did you mean?), the commands that
// work anywhere (menu, start over, cancel, back, talk to a person, forget me, sources), and a
// button from an earlier message.
import type { IntentId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import {
  ANSWER_CHARS,
  chosenYesNo,
  CHOICE_VALUES,
  goTo,
  isCommand,
  nodeAt,
  repeatCurrentQuestion,
  reprompt,
  runFrom,
  showMenu,
  showSources,
  type TurnDraft,
} from '../engine/runtime.js';
import { isCheck, urgentAdviceGiven } from '../engine/draft.js';
import { progressOf } from '../engine/progress.js';
import { restartCheck, undoLastAnswer, undoRequest } from '../engine/check.js';
import type { Pending } from '../engine/state.js';
import type { PatientReading } from '../nlu/patient.js';
import { matchChoice } from '../nlu/entities.js';
import {
  askToLeaveCheck,
  isCollectingAnswers,
  isShortAnswer,
  isShortYes,
  offerAfterUrgent,
  resumeSuspended,
  routeIntent,
  type MessageInput,
} from './flowControl.js';
import { confirmFlags } from './safetyResponses.js';
import { respondToIntent } from './intentResponses.js';
import { looksLikeQuestion } from './directAnswers.js';

export function handlePending(draft: TurnDraft, input: MessageInput, reading: PatientReading): boolean {
  const { state, content } = draft;
  const pending = state.pending!;
  switch (pending.kind) {
    case 'confirm_flags': {
      // "No, not me, my wife": the sign is the patient's, so it stands.
      const aboutOther = reading.who === 'other';
      confirmFlags(draft, pending, chosenYesNo(input) !== 'no' || aboutOther);
      return true;
    }
    case 'after_crisis': {
      // "Would you like me to put you in touch with a person?"
      if (input.choice) return false;
      // "What do I do?", "ok which number do I call?" (before its "ok" can be a yes): the help
      // again, in short; the offer stands. After an overdose, "I feel fine though" too: feeling
      // well is no reason not to call.
      const overdose = state.crisis === 'overdose';
      const { direct } = content;
      if (!overdose && direct.says('declines_help', input.text)) {
        // "Don't give me a hotline number, I want answers about my back": heard first, not
        // pushed (the line given again in passing); the rest of the message is then answered as
        // any other (decide.ts goes on). After an overdose, the emergency advice comes again (below).
        draft.say(draft.fill(content.messages.direct.crisis_pushback), { acknowledges: true });
        state.pending = undefined;
        return false;
      }
      const asksAgain = direct.says('what_to_do', input.text) || direct.says('which_number', input.text) || direct.asksAboutGoing(input.text);
      if (asksAgain || (overdose && direct.says('downplays', input.text)) || direct.says('means_talk', input.text)) {
        repeatCrisisHelp(draft);
        return true;
      }
      const answer = chosenYesNo(input);
      if (answer === 'yes' || answer === 'unsure') {
        state.pending = undefined;
        state.suspended = undefined;
        routeIntent(draft, 'support.human');
        return true;
      }
      if (answer === 'no') {
        state.pending = undefined;
        draft.say(content.messages.crisis.declined);
        resumeSuspended(draft, false);
        return true;
      }
      return false;
    }
    case 'after_urgent':
    case 'resume': {
      // "It's probably just stress though, isn't it?" is no yes to carrying on: the advice again
      // (decide.ts puts the reminder first), and the same offer.
      if (!input.choice && pending.kind === 'after_urgent' && urgentAdviceGiven(state) && content.direct.says('minimises', input.text)) {
        offerAfterUrgent(draft, content.messages.red_flag.offer);
        return true;
      }
      // ("Ok but swimming though?" is a question, not a yes to carrying on: answered below.)
      if (
        input.choice === CHOICE_VALUES.resume ||
        (!input.choice && isShortYes(input.text)) ||
        (!input.choice && isCommand(content.messages, 'more', input.text))
      ) {
        state.pending = undefined;
        resumeSuspended(draft, true);
        return true;
      }
      if (!input.choice && isShortAnswer(input.text) && chosenYesNo(input) === 'no') {
        state.pending = undefined;
        state.suspended = undefined;
        showMenu(draft);
        return true;
      }
      return false;
    }
    case 'leave_check': {
      const answer = input.choice ? undefined : chosenYesNo(input);
      if (input.choice === CHOICE_VALUES.leave || answer === 'yes') {
        state.pending = undefined;
        leaveCheck(draft, pending.then);
        return true;
      }
      if (input.choice === CHOICE_VALUES.resume || answer === 'no' || (!input.choice && isCommand(content.messages, 'more', input.text))) {
        state.pending = undefined;
        if (state.at) repeatCurrentQuestion(draft);
        else resumeSuspended(draft, true);
        return true;
      }
      // "Stop the check?" - "what causes back pain with leg pain": they asked to stop and moved
      // on; the check is left (its offer comes after the answer), and the question answered below.
      if (!input.choice && (pending.then === 'cancel' || pending.then === 'menu') && !isShortAnswer(input.text) && looksLikeQuestion(input.text)) {
        state.pending = undefined;
        state.history = undefined;
        state.at = undefined;
        state.page = undefined;
        state.suspended = undefined;
      }
      return false;
    }
    case 'disambiguate': {
      if (input.choice?.startsWith('intent:')) {
        const intent = input.choice.slice('intent:'.length) as IntentId;
        state.pending = undefined;
        if (pending.intents.includes(intent)) {
          respondToIntent(draft, { intent, confidence: 1, ranking: [], ambiguous: false }, '');
          return true;
        }
      }
      const labels = pending.intents.map((intent) => content.messages.intent_labels[intent]);
      const index = input.choice ? undefined : matchChoice(input.text.slice(0, ANSWER_CHARS), labels)?.index;
      if (index !== undefined) {
        state.pending = undefined;
        respondToIntent(draft, { intent: pending.intents[index]!, confidence: 1, ranking: [], ambiguous: false }, '');
        return true;
      }
      return false;
    }
  }
}

export function handleCommand(draft: TurnDraft, input: MessageInput): boolean {
  const { state, content } = draft;
  const { messages } = content;
  const is = (command: keyof typeof messages.commands, value: string) => input.choice === value || (!input.choice && isCommand(messages, command, input.text));
  // Going back in the check: "back", "change my last answer", "oops I meant no".
  const undo = undoRequest(draft, input.text);
  if (undo) {
    undoLastAnswer(draft, undo);
    return true;
  }
  // Leaving the warning-sign check needs a yes.
  const inCheck = isCheck(content, state.at) || isCheck(content, state.suspended);
  if (inCheck && is('menu', CHOICE_VALUES.menu)) return askToLeaveCheck(draft, 'menu');
  if (inCheck && is('start_over', CHOICE_VALUES.startOver)) return askToLeaveCheck(draft, 'start_over');
  if (inCheck && is('cancel', 'cmd:cancel')) return askToLeaveCheck(draft, 'cancel');
  if (is('menu', CHOICE_VALUES.menu)) {
    state.suspended = undefined;
    showMenu(draft);
    return true;
  }
  if (is('start_over', CHOICE_VALUES.startOver)) {
    startOver(draft);
    return true;
  }
  if (is('cancel', 'cmd:cancel')) {
    cancelFlow(draft);
    return true;
  }
  if (is('human', CHOICE_VALUES.human)) {
    routeIntent(draft, 'support.human');
    return true;
  }
  if (!input.choice && isCommand(messages, 'forget_me', input.text)) {
    routeIntent(draft, 'privacy.delete_data');
    return true;
  }
  if (input.choice === CHOICE_VALUES.resume) {
    resumeSuspended(draft, true);
    return true;
  }
  if (input.choice === CHOICE_VALUES.check) {
    state.suspended = undefined;
    routeIntent(draft, 'triage.start');
    return true;
  }
  if (is('sources', CHOICE_VALUES.sources)) {
    showSources(draft);
    return true;
  }
  return false;
}

function startOver(draft: TurnDraft): void {
  const { state, content } = draft;
  // Starting over clears the flow, not the safety facts: known red flags stay on record.
  state.at = undefined;
  state.page = undefined;
  state.suspended = undefined;
  state.history = undefined;
  const entry = content.dialogs.trees.get(ENTRY_TREE)!;
  runFrom(draft, { tree: ENTRY_TREE, node: entry.start });
}

/** The crisis help again, in short (the overdose advice after an overdose), and the offer of a person stands. */
export function repeatCrisisHelp(draft: TurnDraft): void {
  const { state, content } = draft;
  const overdose = state.crisis === 'overdose';
  draft.say(overdose ? content.messages.crisis.repeat_overdose : content.messages.crisis.repeat, { crisis: true, ...(overdose ? { urgent: true } : {}) });
  offerAfterUrgent(draft, content.messages.crisis.offer);
  state.pending = { kind: 'after_crisis' };
}

function leaveCheck(draft: TurnDraft, then: Extract<Pending, { kind: 'leave_check' }>['then']): void {
  const { state } = draft;
  state.history = undefined;
  switch (then) {
    case 'menu':
      state.at = undefined;
      state.suspended = undefined;
      showMenu(draft);
      return;
    case 'start_over':
      startOver(draft);
      return;
    case 'cancel':
      cancelFlow(draft);
      return;
    case 'goodbye':
      state.at = undefined;
      state.suspended = undefined;
      routeIntent(draft, 'goodbye');
      return;
  }
}

function cancelFlow(draft: TurnDraft): void {
  const { state, content } = draft;
  const wasBusy = Boolean(state.at || state.suspended);
  state.at = undefined;
  state.page = undefined;
  state.suspended = undefined;
  draft.say(wasBusy ? content.messages.cancelled : content.messages.nothing_to_cancel);
  showMenu(draft);
}

export function followStaleChoice(draft: TurnDraft, value: string): boolean {
  const match = /^([a-z][a-z0-9_-]*)\.([a-z][a-z0-9_]*)#(\d+)$/.exec(value);
  if (!match) return false;
  const node = draft.content.dialogs.trees.get(match[1]!)?.nodes[match[2]!];
  if (!node || !('ask' in node) || node.ask !== 'choice') return false;
  const option = node.options[Number(match[3])];
  if (!option) return false;
  draft.state.suspended = undefined;
  goTo(draft, option.goto, match[1]!);
  return true;
}

/**
 * "Hang on, someone's at the door" (the question waits, asked again), "ok back" / "where were
 * we" (the question waiting, or the flow put aside), and asking for the check in words the
 * classifier may not know ("do the check thing", "can I do the check again").
 */
export function answerPauseOrCheck(draft: TurnDraft, text: string): boolean {
  const { state, content } = draft;
  // A warning sign being confirmed, or "stop the check?", waits for its answer.
  if (state.pending?.kind === 'confirm_flags' || state.pending?.kind === 'leave_check') return false;
  const { direct } = content;
  const words = content.messages.direct;
  if (direct.says('pause', text)) {
    draft.say(words.pause);
    if (isCollectingAnswers(draft)) repeatCurrentQuestion(draft);
    return true;
  }
  if (direct.says('resume', text)) {
    if (isCollectingAnswers(draft)) {
      draft.say(content.messages.resumed);
      repeatCurrentQuestion(draft);
      return true;
    }
    if (state.suspended) {
      state.pending = undefined;
      resumeSuspended(draft, true);
      return true;
    }
    return false;
  }
  // In the check: "can we start again from the beginning?", "start over": its first question again.
  if (isCheck(content, state.at) && state.page === undefined && (direct.says('restart_check', text) || isCommand(content.messages, 'start_over', text))) {
    restartCheck(draft, content.messages.check.restarted);
    return true;
  }
  // In the check: "how many more?", "why are you asking?", "what does saddle mean?", answered
  // and the question asked again (in simpler words for what it means).
  if (isCheck(content, state.at) && state.page === undefined && answerAboutCheck(draft, text)) return true;
  if (direct.says('check_request', text) || asksIfSerious(draft, text)) {
    if (isCheck(content, state.at) && state.page === undefined) {
      draft.say(words.check_already);
      repeatCurrentQuestion(draft);
      return true;
    }
    if (isCheck(content, state.suspended)) {
      resumeSuspended(draft, true);
      return true;
    }
    state.suspended = undefined;
    routeIntent(draft, 'triage.start');
    return true;
  }
  return false;
}

/**
 * "Is my back pain serious?": the warning-sign check is the answer, unless advice was already
 * given (urgent, or a check's outcome: then the advice stands) or the question names a condition
 * ("is sciatica serious?" is a question about it).
 */
function asksIfSerious(draft: TurnDraft, text: string): boolean {
  const { state, content } = draft;
  if (state.triage || urgentAdviceGiven(state) || content.direct.conditionNamed(text)) return false;
  return content.direct.says('asks_serious', text);
}

function answerAboutCheck(draft: TurnDraft, text: string): boolean {
  const { state, content } = draft;
  const { direct } = content;
  const words = content.messages.check;
  const node = nodeAt(content, state.at!);
  if (!('ask' in node)) return false;
  // ("What does sciatica mean?" is a question about a condition, answered as one.)
  if (direct.says('check_meaning', text) && !direct.conditionNamed(text)) {
    reprompt(draft);
    return true;
  }
  if (direct.says('check_why', text)) {
    draft.say(words.why_asking);
    repeatCurrentQuestion(draft);
    return true;
  }
  if (direct.says('check_left', text)) {
    const progress = progressOf(draft, state.at!, node);
    if (!progress) return false;
    draft.say(draft.fill(words.left, { count: Math.max(1, progress.total - progress.index + 1) }));
    repeatCurrentQuestion(draft);
    return true;
  }
  return false;
}
