// The decision for one message: given the saved state and what the message says, work out the
// new state, the replies and the effects. Pure apart from the draft it builds; no I/O.
//
// Order matters and is the product's safety promise:
//   0. crisis (suicidal thoughts, self-harm, overdose, poisoning), on every message, first;
//      then who the message is about (the person typing, or someone they ask for);
//   1. red flags, on every message, before anything else;
//   2. a pending one-off question (carry on? which did you mean? confirm a warning sign);
//   3. commands that work anywhere (menu, start over, cancel, talk to a person, forget me);
//   4. an answer to the current question;
//   5. a new question in free text (answered, then an offer to carry on);
//   6. not understood: ask again, and show the buttons on the second failure.
import { CAUDA_EQUINA_FLAGS, isRedFlagId, levelRank, type IntentId, type RedFlagId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import {
  ANSWER_CHARS,
  announceOutcome,
  chosenYesNo,
  yesNoChoices,
  answerCurrent,
  CHOICE_VALUES,
  goTo,
  isCommand,
  nodeAt,
  repeatCurrentQuestion,
  showSources,
  reprompt,
  runFrom,
  showMenu,
  TurnDraft,
  type AnswerInput,
  type EngineContent,
} from '../engine/runtime.js';
import { isCheck } from '../engine/draft.js';
import { answerChecklistWithFlags, undoLastAnswer, undoRequest } from '../engine/check.js';
import { answerDirectQuestion, answerFollowUp, answerTone, isTopicIntent, repeatArticle } from './directAnswers.js';
import { newConversationState, type ConversationState, type Pending } from '../engine/state.js';
import type { Choice, Reply } from '../engine/replies.js';
import type { DialogNode } from '../engine/schema.js';
import type { IntentDecision, RedFlagDetection, Understander } from '../nlu/types.js';
import type { CrisisKind } from '../nlu/crisis.js';
import type { PatientReading } from '../nlu/patient.js';
import { evaluateTriage } from '../triage/rules.js';
import { otherLanguageReply } from '../locale/languageId.js';
import { matchChoice } from '../nlu/entities.js';
import { crisisDuringSupport, decideDuringSupport, holdForSupport, isLiveChat, urgentDuringSupport } from '../handoff/decideSupport.js';

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

  let reading: PatientReading = {};
  let crisisGiven = false;
  const patientBefore = draft.state.patient?.who;
  if (text) {
    // 0. Crisis first: suicidal thoughts, self-harm, overdose or poisoning, in every state.
    const crisis = nlu.detectCrisis(text);
    if (crisis.crisis) {
      giveCrisisHelp(draft, crisis.kind!);
      crisisGiven = true;
    }
    // Who is this about? Questions, advice, age and warning signs then fit that person.
    reading = notePatient(draft, text);
  }

  // 1. Red flags first, in every state, on every text (a button's text is checked too: no
  //    path around the detector).
  if (text) {
    const detection = detectForPatient(draft, nlu, text, reading);
    const flags = detection.flags.filter((flag) => draft.state.answers[flag] !== 'yes');
    let possible = detection.possible.filter((flag) => !isKnownPositive(draft.state, flag) && !detection.flags.includes(flag));
    // A description that answers for the sign ("not sure, my foot drags a bit"; a hedged
    // description of the sign being asked about; the patient's own sign, told by a carer): yes.
    const described = possible.filter((flag) => countsAsReported(draft, flag, reading));
    flags.push(...described);
    possible = possible.filter((flag) => !described.includes(flag));
    const pending = draft.state.pending;
    if (pending?.kind === 'confirm_flags' && flags.length > 0 && flags.every((flag) => pending.flags.includes(flag))) {
      // Describing the very sign being confirmed: that is a yes to the question.
      confirmFlags(draft, pending, true);
      return draft;
    }
    // Signs named at a checklist that asks about them answer it (urgent advice still at once).
    if (answerChecklistWithFlags(draft, flags)) return draft;
    if (flags.length > 0) {
      actOnRedFlags(draft, flags);
      return draft;
    }
    if (possible.length > 0) {
      askToConfirmFlags(draft, possible);
      return draft;
    }
    // (A warning sign being confirmed stays open: the answer below decides it, unclear is yes.)
    if (crisisGiven && draft.state.pending?.kind !== 'confirm_flags') {
      offerAfterCrisis(draft);
      return draft;
    }
    const explain = content.dialogs.trees.get(ENTRY_TREE)!.red_flag_questions;
    if (detection.isQuestionAbout.length > 0 && explain && !isCollectingAnswers(draft) && !isLiveChat(draft.state)) {
      explainRedFlag(draft, explain, detection.isQuestionAbout[0]!);
      return draft;
    }
  }

  // Another language: say, in it where we can, that Backline speaks English, with the emergency
  // number. After the detectors (crisis and warning signs come first) and before a word of it can
  // be taken for a button ("no entiendo" is not "No"); never while waiting for or talking to a
  // person from the team (the message is theirs); no state is lost.
  if (text && !input.choice && !draft.state.support && answerOtherLanguage(draft, text)) return draft;

  // A typed label, number or "the last one" picks one of the buttons just shown, in any channel.
  // Not in a live chat with a person: there "2" or "yes" is meant for them.
  if (!input.choice && draft.state.offered?.length && !isLiveChat(draft.state)) {
    const offered = draft.state.offered;
    const match = matchChoice(text.slice(0, ANSWER_CHARS), offered.map((o) => o.l));
    if (match && match.how !== 'fuzzy') input = { ...input, choice: offered[match.index]!.v };
  }

  // "No, not me, my wife" at a question of the check: the answers so far were about the wrong
  // person. Ask again, about the patient (anything already positive stays).
  if (reading.explicit && reading.who === 'other' && patientBefore !== 'other' && restartCheckForPatient(draft)) return draft;

  // 2. A pending one-off question.
  if (draft.state.pending && handlePending(draft, input, reading)) return draft;
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
  let decision = nlu.classify(text);
  if ((decision.intent === 'out_of_scope' || decision.ambiguous) && content.direct.asksHeadline(text)) {
    // "what is reason of this pain": a plain question about the headline topic, not out of scope.
    decision = { ...decision, intent: 'causes.overview', ambiguous: false };
  }
  const onlyWho = decision.intent === 'out_of_scope' || decision.ambiguous || decision.confidence < ONLY_WHO_CONFIDENCE;
  const saysWho = reading.explicit || (reading.who === 'self' && patientBefore === 'other');
  if (saysWho && reading.who && onlyWho && !isCollectingAnswers(draft)) {
    // "I'm asking for my dad", "sorry, it's actually me": nothing else to answer; say so, and
    // show what we can do.
    draft.say(reading.who === 'other' ? content.messages.patient_noted : content.messages.patient_noted_self);
    showMenu(draft);
    return draft;
  }
  if (!isTopicIntent(decision.intent)) {
    // "this is useless, just tell me what helps at home": the question without the anger.
    const calm = content.direct.withoutTone(text);
    if (calm && calm !== text.toLowerCase().trim()) {
      const again = nlu.classify(calm);
      if (isTopicIntent(again.intent) && !again.ambiguous) decision = again;
    }
  }
  // Worry and anger acknowledged first; insults and small talk get a short reply.
  if (answerTone(draft, text, decision.intent)) return draft;
  safetyNet(draft, decision.intent, text);
  // "Do I have sciatica?", dose questions, someone else's prescription: a plain answer.
  if (answerDirectQuestion(draft, text, decision.intent)) return draft;
  respondToIntent(draft, decision, text);
  return draft;
}

/**
 * Red flags in the message, for the patient: when someone writes about the person they ask
 * for, the report is also read as that person's own ("my dad's legs are numb"), since the
 * detector sets other people's symptoms aside as family history.
 */
function detectForPatient(draft: TurnDraft, nlu: Understander, text: string, reading: PatientReading): RedFlagDetection {
  const detection = nlu.detectRedFlags(text);
  const patient = draft.state.patient;
  if (patient?.who !== 'other' || reading.who === 'self') return detection;
  const retold = draft.content.patient.toFirstPerson(text, patient);
  if (retold === text.toLowerCase().replace(/[’'`]/g, '').trim()) return detection;
  const theirs = nlu.detectRedFlags(retold);
  const flags = [...new Set([...detection.flags, ...theirs.flags])];
  const possible = [...new Set([...detection.possible, ...theirs.possible])].filter((flag) => !flags.includes(flag));
  return { flags, possible, isQuestionAbout: detection.isQuestionAbout };
}

function answerOtherLanguage(draft: TurnDraft, text: string): boolean {
  const languages = draft.content.otherLanguages;
  const guess = languages?.identify(text);
  if (!languages || !guess) return false;
  draft.say(otherLanguageReply(languages, guess));
  draft.notUnderstood = 'out_of_scope';
  repeatCurrentQuestion(draft);
  return true;
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
 * channels): crisis help if the message needs it, and if it reports a warning sign, the advice
 * for its level, without the reasons, so nothing personal is repeated in front of others.
 * Unsure hits count as yes.
 */
export function urgentAdviceOnly(content: EngineContent, nlu: Understander, text: string): Reply[] {
  const draft = new TurnDraft(content, newConversationState());
  const crisis = nlu.detectCrisis(text);
  if (crisis.crisis) draft.say(content.messages.crisis[crisis.kind!], { crisis: true, ...(crisis.kind === 'overdose' ? { urgent: true } : {}) });
  const detection = nlu.detectRedFlags(text);
  const flags = [...new Set([...detection.flags, ...detection.possible])];
  if (flags.length === 0) return draft.replies;
  const outcome = evaluateTriage(content.triageRules, Object.fromEntries(flags.map((flag) => [flag, 'yes'])));
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
  suspendFlow(draft);
  announceOutcome(draft, outcome, false);
  offerAfterUrgent(draft, content.messages.red_flag.offer);
}

/** Puts the current question aside (to come back to with "Carry on"). */
function suspendFlow(draft: TurnDraft): void {
  const { state } = draft;
  if (state.at && !state.suspended) state.suspended = state.at;
  state.at = undefined;
  state.page = undefined;
}

/** After urgent advice or crisis help: carry on (if there is something to go back to), a person, or the menu. */
function offerAfterUrgent(draft: TurnDraft, text: string): void {
  const { state, content } = draft;
  const choices: Choice[] = [{ label: content.messages.labels.talk_to_person, value: CHOICE_VALUES.human }];
  if (state.suspended) choices.unshift({ label: content.messages.labels.carry_on, value: CHOICE_VALUES.resume });
  choices.push({ label: content.messages.labels.main_menu, value: CHOICE_VALUES.menu });
  draft.say(text, { choices });
  state.pending = { kind: 'after_urgent' };
}

/**
 * Crisis help, first in the reply: the crisis line, the poison line and the emergency number
 * for an overdose. While a person from the team is involved, they are told and the case goes
 * to the top of the queue.
 */
function giveCrisisHelp(draft: TurnDraft, kind: CrisisKind): void {
  const { state, content } = draft;
  const { crisis } = content.messages;
  const repeat = state.crisis === kind;
  const text = repeat ? crisis.repeat : crisis[kind];
  // An overdose or poisoning is also a medical emergency: the reply is urgent advice too.
  draft.say(text, { crisis: true, ...(kind === 'overdose' ? { urgent: true } : {}) });
  state.crisis = kind;
  if (state.support) crisisDuringSupport(draft);
}

/** When nothing else in the message needed acting on: the offer of a person. */
function offerAfterCrisis(draft: TurnDraft): void {
  const { state, content } = draft;
  if (state.support) return;
  suspendFlow(draft);
  offerAfterUrgent(draft, content.messages.crisis.offer);
  state.pending = { kind: 'after_crisis' };
}

/** Notes who the message is about in the state; a carer's report of the patient's age counts. */
function notePatient(draft: TurnDraft, text: string): PatientReading {
  const { state, content } = draft;
  const reading = content.patient.read(text);
  // Someone else only implied ("my dad had cancer") while the person has said it is them, or
  // is answering the check about themselves, is family history, not a change of patient.
  const answeringForSelf = state.patient?.who === 'self' || (!state.patient && (state.pending?.kind === 'confirm_flags' || isCollectingAnswers(draft)));
  if (reading.who === 'other') {
    if (reading.explicit || !answeringForSelf) {
      const before = state.patient?.who === 'other' ? state.patient : undefined;
      const rel = reading.rel ?? (reading.byPronoun ? before?.rel : undefined);
      const pronoun = reading.rel ? reading.pronoun : before?.pronoun ?? reading.pronoun;
      state.patient = { who: 'other', ...(rel ? { rel } : {}), ...(pronoun ? { pronoun } : {}) };
      if (reading.otherAge !== undefined) state.answers.age = reading.otherAge;
    }
  } else if (reading.who === 'self') {
    state.patient = { who: 'self' };
  } else if (reading.otherAge !== undefined && state.patient?.who === 'other') {
    // "She's 78" while we talk about her.
    state.answers.age = reading.otherAge;
  }
  return reading;
}

/**
 * A possible sign that counts as reported: described while a confirming question is open or its
 * own question is asked, or hedged as the answer to a question ("not sure, I think both legs
 * tingle"), or told by a carer about the patient without a hedge ("my dad had cancer, now...").
 */
function countsAsReported(draft: TurnDraft, flag: RedFlagId, reading: PatientReading): boolean {
  const { state, content } = draft;
  if (state.pending?.kind === 'confirm_flags') return true;
  if (state.at && state.page === undefined) {
    const node = nodeAt(content, state.at);
    // The sign being asked about, or "not sure, ..." with a sign as the answer to a question.
    if ('ask' in node && node.ask !== 'trial_criteria') {
      const asked = node.ask === 'checklist' ? node.items.some((item) => item.evidence === flag) : node.evidence === flag;
      if (asked || (reading.hedged && node.ask !== 'choice')) return true;
    }
  }
  return state.patient?.who === 'other' && reading.who === 'other' && !reading.hedged;
}

/** Restarts the warning-sign check for someone else, if it is under way; "no" answers given for "you" are dropped. */
function restartCheckForPatient(draft: TurnDraft): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined || state.pending) return false;
  const tree = content.dialogs.trees.get(state.at.tree)!;
  if (!tree.skip_questions_that_cannot_raise_level) return false;
  for (const [key, value] of Object.entries(state.answers)) {
    if ((isRedFlagId(key) && value === 'no') || key === 'age' || key === 'duration_weeks') delete state.answers[key];
  }
  state.history = undefined;
  draft.say(content.messages.patient_switched);
  runFrom(draft, { tree: tree.id, node: tree.start });
  return true;
}

/** The question that confirms a sign, worded for the patient. */
function confirmQuestionFor(draft: TurnDraft, flag: RedFlagId): string {
  const { state, content } = draft;
  if (state.patient?.who === 'other') {
    const tree = [...content.dialogs.trees.values()].find((t) => t.skip_questions_that_cannot_raise_level);
    const text = tree && questionForOther(tree.nodes, flag);
    if (text) {
      return `${content.messages.red_flag.confirm_prefix} ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
    }
  }
  return content.confirmQuestion(flag);
}

/** The check's yes/no question about a sign, worded for someone else (a checklist item's own, or the question's). */
function questionForOther(nodes: Record<string, DialogNode>, flag: RedFlagId): string | undefined {
  for (const node of Object.values(nodes)) {
    if (!('ask' in node)) continue;
    if (node.ask === 'checklist') {
      const item = node.items.find((i) => i.evidence === flag);
      if (item) return item.text_other;
    } else if (node.ask !== 'trial_criteria' && node.evidence === flag) return node.text_other;
  }
  return undefined;
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
  const caudaEquina = flags.filter((flag) => CAUDA_EQUINA_FLAGS.includes(flag));
  if (caudaEquina.length > 0) {
    // A possible cauda equina sign: the urgent advice first (over-triage is the safe side),
    // then one question, neutral about who. A "no" afterwards takes nothing back.
    if (state.support) {
      urgentDuringSupport(draft, flags);
      return;
    }
    for (const flag of caudaEquina) state.answers[flag] = 'unsure';
    suspendFlow(draft);
    announceOutcome(draft, evaluateTriage(content.triageRules, state.answers), false);
    state.pending = { kind: 'confirm_flags', flags, urgent: true };
    const question = state.patient?.who === 'other' ? content.messages.red_flag.urgent_confirm_other : content.messages.red_flag.urgent_confirm;
    draft.say(question, { ask: { kind: 'yes_no', node: 'confirm_flags', evidence: caudaEquina[0]! }, choices: yesNoChoices(draft, true) });
    return;
  }
  suspendFlow(draft);
  state.pending = { kind: 'confirm_flags', flags };
  draft.say(content.messages.red_flag.confirm_intro);
  draft.say(confirmQuestionFor(draft, flags[0]!), {
    ask: { kind: 'yes_no', node: 'confirm_flags', evidence: flags[0]! },
    choices: yesNoChoices(draft, true),
  });
}

/**
 * The answer to a confirming question. Yes, not sure, "not me, my wife" or anything unclear:
 * the sign stands (over-triage is the safe side). No: after urgent advice, nothing is taken
 * back and the person is told what to watch for; otherwise, carry on.
 */
function confirmFlags(draft: TurnDraft, pending: Extract<Pending, { kind: 'confirm_flags' }>, confirmed: boolean): void {
  const { state, content } = draft;
  state.pending = undefined;
  if (!confirmed && pending.urgent) {
    state.netted = true;
    offerAfterUrgent(draft, content.messages.red_flag.urgent_not_now);
    return;
  }
  if (!confirmed) {
    for (const flag of pending.flags) state.answers[flag] = 'no';
    draft.say(content.messages.red_flag.confirmed_none);
    resumeSuspended(draft, false);
    return;
  }
  if (!pending.urgent) {
    actOnRedFlags(draft, pending.flags);
    return;
  }
  for (const flag of pending.flags) state.answers[flag] = 'yes';
  const outcome = evaluateTriage(content.triageRules, state.answers);
  if (!state.announced || levelRank(outcome.level) < levelRank(state.announced)) {
    announceOutcome(draft, outcome, false);
  } else {
    const title = draft.fill(content.triageRules.outcomes[outcome.level].title);
    draft.replies.push({
      text: draft.fill(content.messages.red_flag.urgent_confirmed, { title }),
      triage: { level: outcome.level, reasons: outcome.reasons.map((r) => r.rule), final: false },
      urgent: levelRank(outcome.level) <= levelRank('emergency'),
    });
    state.triage = { level: outcome.level, reasons: outcome.reasons, at: new Date().toISOString() };
  }
  offerAfterUrgent(draft, content.messages.red_flag.offer);
}

function handlePending(draft: TurnDraft, input: MessageInput, reading: PatientReading): boolean {
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

function handleCommand(draft: TurnDraft, input: MessageInput): boolean {
  const { state, content } = draft;
  const { messages } = content;
  const is = (command: keyof typeof messages.commands, value: string) =>
    input.choice === value || (!input.choice && isCommand(messages, command, input.text));
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

/** "Stop the check? Yes / No, carry on" (the person stays at the question until they say yes). */
function askToLeaveCheck(draft: TurnDraft, then: Extract<Pending, { kind: 'leave_check' }>['then']): true {
  const { state, content } = draft;
  const words = content.messages.check;
  state.pending = { kind: 'leave_check', then };
  draft.say(words.leave_confirm, {
    choices: [
      { label: words.leave_yes, value: CHOICE_VALUES.leave },
      { label: words.leave_no, value: CHOICE_VALUES.resume },
    ],
  });
  return true;
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

/** Intents whose answer is the check itself (or its urgent advice): no card before it. */
const CHECKING: ReadonlySet<IntentId> = new Set(['triage.start', 'redflag.report']);

/**
 * Safety-netting by design (GIRFT cauda equina pathway): anyone who describes their own or the
 * patient's back or leg pain gets, once per conversation, the emergency signs and what to do,
 * and is offered the check. No detector is the last line.
 */
function safetyNet(draft: TurnDraft, intent: IntentId, text: string): void {
  const { state, content } = draft;
  if (state.netted || CHECKING.has(intent) || state.support) return;
  if (intent !== 'symptom.leg_raise_pain' && !content.patient.describesPain(text)) return;
  state.netted = true;
  draft.say(content.messages.safety_net.card, { choices: [{ label: content.messages.safety_net.check_label, value: CHOICE_VALUES.check }] });
}

/** Below this, a message that says whom it is about is taken to say only that. */
const ONLY_WHO_CONFIDENCE = 0.5;
/** Below this, a message in the check is not taken as a question to answer: it is asked again. */
const CHECK_ASIDE_CONFIDENCE = 0.5;
/** Intents that take the person out of the check at once (they asked for it). */
const LEAVES_CHECK_AT_ONCE: ReadonlySet<IntentId> = new Set(['support.human', 'privacy.delete_data']);

/**
 * In the warning-sign check, a message that is not an answer never ends or restarts it: a
 * clear question with an article answer is answered (then "carry on?"), stopping needs a
 * confirmation, anything else is asked again in simpler words.
 */
function respondInCheck(draft: TurnDraft, decision: IntentDecision): boolean {
  const { state, content } = draft;
  if (!isCheck(content, state.at) || state.page !== undefined) return false;
  const { intent } = decision;
  if (LEAVES_CHECK_AT_ONCE.has(intent)) return false;
  if (intent === 'cancel' || intent === 'goodbye') {
    askToLeaveCheck(draft, intent === 'cancel' ? 'cancel' : 'goodbye');
    return true;
  }
  const answerable = content.articles.forIntent(intent) && intent !== 'help' && !decision.ambiguous && decision.confidence >= CHECK_ASIDE_CONFIDENCE;
  if (answerable) return false;
  if (intent === 'out_of_scope') draft.notUnderstood = 'out_of_scope';
  reprompt(draft);
  return true;
}

/** Free text, after commands and answers did not apply. */
function respondToIntent(draft: TurnDraft, decision: IntentDecision, text: string): void {
  const { state, content } = draft;
  const inFlow = isCollectingAnswers(draft);
  if (respondInCheck(draft, decision)) return;
  // A follow-up to an article just read, or the same question again: the matching section,
  // or the next one, never the same reply.
  if (!inFlow && isTopicIntent(decision.intent) && decision.intent !== 'triage.start' && answerFollowUp(draft, text, decision.intent)) return;
  const sameArticle = content.articles.forIntent(decision.intent);
  if (!inFlow && sameArticle && (sameArticle.id === state.lastArticle || state.read?.[sameArticle.id] !== undefined) && isTopicIntent(decision.intent)) {
    if (state.page !== undefined && state.at && sameArticle.id === state.lastArticle) {
      // Asked again while reading it: the key point, then the next section.
      draft.say(draft.fill(content.messages.direct.as_i_said, { summary: sameArticle.summary }));
      answerCurrent(draft, { text: '', choice: CHOICE_VALUES.more });
      return;
    }
    repeatArticle(draft, sameArticle);
    return;
  }

  // "Did you mean" only between two topics that both fit.
  if (decision.ambiguous && decision.ranking.length >= 2 && decision.ranking.slice(0, 2).every((r) => isTopicIntent(r.intent))) {
    const intents = decision.ranking.slice(0, 2).map((r) => r.intent);
    if (state.at && !state.suspended) state.suspended = state.at;
    state.pending = { kind: 'disambiguate', intents };
    draft.say(content.messages.disambiguate, {
      choices: intents.map((intent) => ({ label: content.messages.intent_labels[intent], value: `intent:${intent}` })),
    });
    return;
  }

  const intent = decision.intent;
  if (intent === 'out_of_scope') draft.notUnderstood = 'out_of_scope';
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
