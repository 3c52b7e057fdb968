// The decision for one message: given the saved state and what the message says, work out the
// new state, the replies and the effects. Pure apart from the draft it builds; no I/O.
//
// Order matters and is the product's safety promise:
//   1. red flags, on every message, before anything else;
//   2. a pending one-off question (carry on? which did you mean? confirm a warning sign);
//   3. commands that work anywhere (menu, start over, cancel, talk to a person, forget me);
//   4. an answer to the current question;
//   5. a new question in free text (answered, then an offer to carry on);
//   6. not understood: ask again, and show the buttons on the second failure.
import type { IntentId, RedFlagId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import {
  ANSWER_CHARS,
  announceOutcome,
  chosenYesNo,
  yesNoChoices,
  answerCurrent,
  askQuestion,
  CHOICE_VALUES,
  goTo,
  isCommand,
  nodeAt,
  reprompt,
  runFrom,
  showMenu,
  TurnDraft,
  type AnswerInput,
  type EngineContent,
} from '../engine/runtime.js';
import { newConversationState, type ConversationState } from '../engine/state.js';
import type { Choice, Reply } from '../engine/replies.js';
import type { IntentScore, RedFlagDetection } from '../nlu/types.js';
import { evaluateTriage } from '../triage/rules.js';
import { matchChoice } from '../nlu/entities.js';
import { decideDuringSupport, holdForSupport, isLiveChat, urgentDuringSupport } from '../handoff/decideSupport.js';

export interface IntentDecision {
  intent: IntentId;
  confidence: number;
  ranking: IntentScore[];
  /** The top two are too close to call: ask which one was meant. */
  ambiguous: boolean;
}

export interface Understander {
  detectRedFlags(text: string): RedFlagDetection;
  classify(text: string): IntentDecision;
}

export interface MessageInput extends AnswerInput {
  /** The message carried only an attachment. */
  attachmentOnly?: boolean;
  /** The text was cut to the configured maximum. */
  truncated?: boolean;
}

export function welcome(content: EngineContent, state: ConversationState = newConversationState()): TurnDraft {
  const draft = new TurnDraft(content, structuredClone(state));
  const entry = content.dialogs.trees.get(ENTRY_TREE)!;
  runFrom(draft, { tree: ENTRY_TREE, node: entry.start });
  return draft;
}

/** `facts`: what the trees may branch on this turn (support hours, anyone online; see dialogs/support.yaml). */
export function decideMessage(content: EngineContent, nlu: Understander, saved: ConversationState, message: MessageInput, facts: Record<string, string> = {}): TurnDraft {
  let input = message;
  const draft = new TurnDraft(content, structuredClone(saved));
  draft.facts = facts;
  const { messages } = content;
  const text = input.text.trim();

  if (!text && !input.choice) {
    draft.say(input.attachmentOnly ? messages.attachment_only : messages.empty_message);
    repeatCurrentQuestion(draft);
    return draft;
  }
  if (input.truncated) draft.say(messages.long_message);

  // 1. Red flags first, in every state, on every text (a button's text is checked too: no
  //    path around the detector).
  if (text) {
    const detection = nlu.detectRedFlags(text);
    const newFlags = detection.flags.filter((flag) => !isKnownPositive(draft.state, flag));
    if (newFlags.length > 0) {
      actOnRedFlags(draft, newFlags);
      return draft;
    }
    const possible = detection.possible.filter((flag) => !isKnownPositive(draft.state, flag) && !detection.flags.includes(flag));
    if (possible.length > 0) {
      askToConfirmFlags(draft, possible);
      return draft;
    }
    const explain = content.dialogs.trees.get(ENTRY_TREE)!.red_flag_questions;
    if (detection.isQuestionAbout.length > 0 && explain && !isCollectingAnswers(draft) && !isLiveChat(draft.state)) {
      explainRedFlag(draft, explain, detection.isQuestionAbout[0]!);
      return draft;
    }
  }

  // A typed label, number or "the last one" picks one of the buttons just shown, in any channel.
  // Not in a live chat with a person: there "2" or "yes" is meant for them.
  if (!input.choice && draft.state.offered?.length && !isLiveChat(draft.state)) {
    const offered = draft.state.offered;
    const match = matchChoice(text.slice(0, ANSWER_CHARS), offered.map((o) => o.l));
    if (match && match.how !== 'fuzzy') input = { ...input, choice: offered[match.index]!.v };
  }

  // 2. A pending one-off question.
  if (draft.state.pending && handlePending(draft, input)) return draft;
  draft.state.pending = undefined;

  // 2b. Waiting for or talking to a person: cancel, end chat, and messages for the team.
  if (draft.state.support && decideDuringSupport(draft, input)) return draft;

  // 3. Commands that work anywhere.
  if (handleCommand(draft, input)) return draft;

  // 4. An answer to the current question.
  if (draft.state.at && answerCurrent(draft, input)) return draft;
  if (input.choice) {
    // A button from an earlier message: follow it if it is a menu choice, else ask again.
    if (followStaleChoice(draft, input.choice)) return draft;
    if (draft.state.at) reprompt(draft);
    else showMenu(draft);
    return draft;
  }

  // 5. Free text: what does the person want? (While waiting for a person, it is kept for them.)
  if (holdForSupport(draft)) return draft;
  const decision = nlu.classify(text);
  respondToIntent(draft, decision);
  return draft;
}

/** A flow worth coming back to is one collecting answers; menus and articles are just places. */
function isCollectingAnswers(draft: TurnDraft): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const current = nodeAt(content, state.at);
  return 'ask' in current && current.ask !== 'choice';
}

function isKnownPositive(state: ConversationState, flag: RedFlagId): boolean {
  return state.answers[flag] === 'yes' || state.answers[flag] === 'unsure';
}

/**
 * For conversations where the bot keeps nothing and says little (Teams group chats and
 * channels): if the message reports a warning sign, the advice for its level, without the
 * reasons, so nothing personal is repeated in front of others. Unsure hits count as yes.
 */
export function urgentAdviceOnly(content: EngineContent, nlu: Understander, text: string): Reply[] {
  const detection = nlu.detectRedFlags(text);
  const flags = [...new Set([...detection.flags, ...detection.possible])];
  if (flags.length === 0) return [];
  const outcome = evaluateTriage(content.triageRules, Object.fromEntries(flags.map((flag) => [flag, 'yes'])));
  const draft = new TurnDraft(content, newConversationState());
  const advice = content.triageRules.outcomes[outcome.level];
  draft.say(`**${advice.title}**\n\n${advice.advice}`, { urgent: true, triage: { level: outcome.level, reasons: [], final: false } });
  return draft.replies;
}

/** Urgent advice at once for the level the rules give, then an offer to carry on or talk to a person. */
function actOnRedFlags(draft: TurnDraft, flags: RedFlagId[]): void {
  const { state, content } = draft;
  if (state.support) {
    urgentDuringSupport(draft, flags);
    return;
  }
  for (const flag of flags) state.answers[flag] = 'yes';
  const outcome = evaluateTriage(content.triageRules, state.answers);
  if (state.at && !state.suspended) state.suspended = state.at;
  state.at = undefined;
  state.page = undefined;
  const choices: Choice[] = [{ label: content.messages.labels.talk_to_person, value: CHOICE_VALUES.human }];
  if (state.suspended) choices.unshift({ label: content.messages.labels.carry_on, value: CHOICE_VALUES.resume });
  choices.push({ label: content.messages.labels.main_menu, value: CHOICE_VALUES.menu });
  announceOutcome(draft, outcome, false);
  draft.say(content.messages.red_flag.offer, { choices });
  state.pending = { kind: 'after_urgent' };
}

/** "What is saddle numbness?": the article section about that sign, then on. */
function explainRedFlag(draft: TurnDraft, explain: { article: string; next: string }, flag: RedFlagId): void {
  const article = draft.content.articles.get(explain.article);
  const sectionId = article.evidenceSections[flag];
  const section = article.sections.find((s) => s.id === sectionId) ?? article.sections[0]!;
  for (const message of section.messages) draft.say(message);
  draft.state.suspended = undefined;
  goTo(draft, explain.next, ENTRY_TREE);
}

function askToConfirmFlags(draft: TurnDraft, flags: RedFlagId[]): void {
  const { state, content } = draft;
  if (state.at && !state.suspended) state.suspended = state.at;
  state.at = undefined;
  state.page = undefined;
  state.pending = { kind: 'confirm_flags', flags };
  draft.say(content.messages.red_flag.confirm_intro);
  const question = content.confirmQuestion(flags[0]!);
  draft.say(question, {
    ask: { kind: 'yes_no', node: 'confirm_flags', evidence: flags[0]! },
    choices: yesNoChoices(draft, true),
  });
}

function handlePending(draft: TurnDraft, input: MessageInput): boolean {
  const { state, content } = draft;
  const pending = state.pending!;
  switch (pending.kind) {
    case 'confirm_flags': {
      const answer = chosenYesNo(input);
      state.pending = undefined;
      if (answer === 'no') {
        for (const flag of pending.flags) state.answers[flag] = 'no';
        draft.say(content.messages.red_flag.confirmed_none);
        resumeSuspended(draft, false);
        return true;
      }
      // Yes, not sure, or anything unclear: treat it as a warning sign. Over-triage is the safe side.
      actOnRedFlags(draft, pending.flags);
      return true;
    }
    case 'after_urgent':
    case 'resume': {
      if (input.choice === CHOICE_VALUES.resume || (!input.choice && chosenYesNo(input) === 'yes') || (!input.choice && isCommand(content.messages, 'more', input.text))) {
        state.pending = undefined;
        resumeSuspended(draft, true);
        return true;
      }
      if (!input.choice && chosenYesNo(input) === 'no') {
        state.pending = undefined;
        state.suspended = undefined;
        showMenu(draft);
        return true;
      }
      return false;
    }
    case 'disambiguate': {
      if (input.choice?.startsWith('intent:')) {
        const intent = input.choice.slice('intent:'.length) as IntentId;
        state.pending = undefined;
        if (pending.intents.includes(intent)) {
          respondToIntent(draft, { intent, confidence: 1, ranking: [], ambiguous: false });
          return true;
        }
      }
      const labels = pending.intents.map((intent) => content.messages.intent_labels[intent]);
      const index = input.choice ? undefined : matchChoice(input.text.slice(0, ANSWER_CHARS), labels)?.index;
      if (index !== undefined) {
        state.pending = undefined;
        respondToIntent(draft, { intent: pending.intents[index]!, confidence: 1, ranking: [], ambiguous: false });
        return true;
      }
      return false;
    }
  }
}

function handleCommand(draft: TurnDraft, input: MessageInput): boolean {
  const { state, content } = draft;
  const { messages } = content;
  const is = (command: keyof typeof messages.commands, value: string) =>
    input.choice === value || (!input.choice && isCommand(messages, command, input.text));
  if (is('menu', CHOICE_VALUES.menu)) {
    state.suspended = undefined;
    showMenu(draft);
    return true;
  }
  if (is('start_over', CHOICE_VALUES.startOver)) {
    // Starting over clears the flow, not the safety facts: known red flags stay on record.
    state.at = undefined;
    state.page = undefined;
    state.suspended = undefined;
    const entry = content.dialogs.trees.get(ENTRY_TREE)!;
    runFrom(draft, { tree: ENTRY_TREE, node: entry.start });
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
  return false;
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

function resumeSuspended(draft: TurnDraft, announce: boolean): void {
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

function repeatCurrentQuestion(draft: TurnDraft): void {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return;
  const node = nodeAt(content, state.at);
  if ('ask' in node) askQuestion(draft, state.at, node, false);
}

function followStaleChoice(draft: TurnDraft, value: string): boolean {
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

/** Free text, after commands and answers did not apply. */
function respondToIntent(draft: TurnDraft, decision: IntentDecision): void {
  const { state, content } = draft;
  const inFlow = isCollectingAnswers(draft);

  if (decision.ambiguous && decision.ranking.length >= 2) {
    const intents = decision.ranking.slice(0, 2).map((r) => r.intent);
    if (state.at && !state.suspended) state.suspended = state.at;
    state.pending = { kind: 'disambiguate', intents };
    draft.say(content.messages.disambiguate, {
      choices: intents.map((intent) => ({ label: content.messages.intent_labels[intent], value: `intent:${intent}` })),
    });
    return;
  }

  const intent = decision.intent;
  if (intent === 'out_of_scope') draft.unplaced = true;
  if (state.at && state.at.tree !== ENTRY_TREE && intent === 'out_of_scope') {
    // Not an answer and not a question we know: ask again rather than leave the question.
    reprompt(draft);
    return;
  }
  if (inFlow) {
    // Questions with an article answer, asked mid-flow, are answered and the flow resumes.
    const article = content.articles.forIntent(intent);
    if (article && intent !== 'help') {
      // Answer the question briefly, then offer to go back to where we were.
      state.suspended = state.at;
      state.at = undefined;
      state.page = undefined;
      const first = article.sections[0]!;
      for (const message of first.messages) draft.say(message);
      state.pending = { kind: 'resume' };
      draft.say(content.messages.resume_offer, {
        choices: [
          { label: content.messages.labels.carry_on, value: CHOICE_VALUES.resume },
          { label: content.messages.labels.main_menu, value: CHOICE_VALUES.menu },
        ],
      });
      return;
    }
    if (intent === 'greeting' || intent === 'thanks') {
      repeatCurrentQuestion(draft);
      return;
    }
  }
  state.suspended = undefined;
  routeIntent(draft, intent);
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
