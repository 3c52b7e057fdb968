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
//
// This file holds the order; the steps live in their own modules: safetyResponses.ts (crisis and
// red flags), patientNotes.ts (who the message is about), commands.ts (pending questions,
// commands, stale buttons), intentResponses.ts (free text), directAnswers.ts (direct questions
// and tone) and flowControl.ts (what they share).
import { CAUDA_EQUINA_FLAGS, type IntentId } from '../contract.js';
import { isCheck, urgentAdviceGiven } from '../engine/draft.js';
import { ENTRY_TREE } from '../engine/loader.js';
import {
  ANSWER_CHARS,
  answerCurrent,
  asksFreeText,
  CHOICE_VALUES,
  givesValueAnswer,
  repeatCurrentQuestion,
  reprompt,
  runFrom,
  showMenu,
  TurnDraft,
  type EngineContent,
} from '../engine/runtime.js';
import { answerChecklistWithFlags } from '../engine/check.js';
import {
  answerAboutTopic,
  answerActivity,
  answerDirectQuestion,
  answerSection,
  answerTone,
  directKindInContext,
  isTopicIntent,
  looksLikeQuestion,
  noteMedicine,
  questionBesideDiagnosis,
  sayCantTellBeside,
} from './directAnswers.js';
import { newConversationState, type ConversationState } from '../engine/state.js';
import type { IntentDecision, Understander } from '../nlu/types.js';
import { ACKNOWLEDGED_TONES, type AcknowledgedTone } from '../knowledge/directQuestions.js';
import type { PatientReading } from '../nlu/patient.js';
import { otherLanguageReply, type CrisisWords } from '../locale/languageId.js';
import { matchChoice } from '../nlu/entities.js';
import { decideDuringSupport, holdForSupport, isLiveChat } from '../handoff/decideSupport.js';
import { isCollectingAnswers, isShortAnswer, isShortYes, type MessageInput } from './flowControl.js';
import {
  actOnRedFlags,
  askToConfirmFlags,
  confirmFlags,
  countsAsReported,
  detectForPatient,
  explainRedFlag,
  giveCrisisHelp,
  isKnownPositive,
  remindUrgentAdvice,
  offerAfterCrisis,
} from './safetyResponses.js';
import { notePatient, restartCheckForPatient } from './patientNotes.js';
import { answerPauseOrCheck, followStaleChoice, handleCommand, handlePending, repeatCrisisHelp } from './commands.js';
import { respondToIntent, safetyNet } from './intentResponses.js';
import { avoidRepeats, noteSaid } from './repeats.js';
import { asideOnly, splitAnswerAndQuestion, takeAnswer, withoutRepeatedQuestion } from './answerWithQuestion.js';
import { readSentenceAnswer } from './sentenceAnswers.js';
import { unclearAtConfirmation } from './confirmations.js';
import { cloneData } from '../util/clone.js';

export type { MessageInput } from './flowControl.js';
export { urgentAdviceOnly } from './safetyResponses.js';
export { routeIntent } from './flowControl.js';

export function welcome(content: EngineContent, state: ConversationState = newConversationState()): TurnDraft {
  const draft = new TurnDraft(content, structuredClone(state));
  const entry = content.dialogs.trees.get(ENTRY_TREE)!;
  runFrom(draft, { tree: ENTRY_TREE, node: entry.start });
  noteSaid(draft);
  return draft;
}

/** `facts`: what the trees may branch on this turn (support hours, anyone online; see dialogs/support.yaml). */
export function decideMessage(
  content: EngineContent,
  nlu: Understander,
  saved: ConversationState,
  message: MessageInput,
  facts: Record<string, string> = {},
): TurnDraft {
  const draft = decideAnswerWithQuestion(content, nlu, saved, message, facts) ?? decideMessageSteps(content, nlu, saved, message, facts);
  remindOfUrgentAdvice(draft, saved, message);
  acknowledgeFirst(draft, saved, message);
  avoidRepeats(draft);
  return draft;
}

/**
 * "No. How many more questions?" at a question of the check: the question answered first (an
 * aside at the same question), then the answer taken and the next question asked. Undefined when
 * the message is not both, or when the question part needs more than an answer (a warning sign,
 * crisis help, something not understood): then the whole message is decided as one, as before.
 */
function decideAnswerWithQuestion(
  content: EngineContent,
  nlu: Understander,
  saved: ConversationState,
  message: MessageInput,
  facts: Record<string, string>,
): TurnDraft | undefined {
  if (message.choice) return undefined;
  const parts = splitAnswerAndQuestion(content, saved, message.text);
  if (!parts) return undefined;
  // The message is decided at most twice: the aside, then (only when either part needs more than
  // an answer) the whole message. The answer part, only answer words, is taken by the engine.
  const aside = decideMessageSteps(content, nlu, saved, { ...message, text: parts.question }, facts);
  if (!asideOnly(aside, saved)) return undefined;
  const draft = takeAnswer(content, aside.state, parts, facts);
  if (!draft) return undefined;
  if (draft.replies.some(isSafetyReply)) {
    // Advice from the answer: the whole message decided as one, as for any safety reply. When
    // that gives no advice ("yes - how many more?" read whole is a question about the count, and
    // its yes would be lost), the answer's advice comes alone: the aside can wait.
    const whole = decideMessageSteps(content, nlu, saved, message, facts);
    return whole.replies.some(isSafetyReply) ? whole : draft;
  }
  draft.replies.unshift(...withoutRepeatedQuestion(aside));
  draft.effects.unshift(...aside.effects);
  return draft;
}

/**
 * A message that is not an answer to the question waiting, though its words could pass for one:
 * reading an article page by page, a direct question ("so google is right?") is no "Tell me
 * more"; at a question outside the check (a call-back, a phone number), a direct question ("does
 * she have it then?") or something asked "in the meantime" is answered first, then the question
 * comes again. (In the check, answers with questions are split: src/bot/answerWithQuestion.ts.)
 */
function setsQuestionAside(draft: TurnDraft, nlu: Understander, input: MessageInput, text: string): boolean {
  const { state, content } = draft;
  if (input.choice || !text || !state.at) return false;
  if (state.page !== undefined) return Boolean(directKindInContext(draft, text));
  // "ok. is arachnoiditis even real?" at "delete everything?": no yes (src/bot/confirmations.ts).
  if (unclearAtConfirmation(draft, text)) return true;
  if (!isCollectingAnswers(draft) || isCheck(content, state.at)) return false;
  if (content.direct.says('meanwhile', text) || directKindInContext(draft, text)) return true;
  // At a question that takes any text (a good time to call back): a question on a topic of its
  // own ("is ibuprofen ok until they ring?") is no answer; "after 5pm?" is.
  // "Ok. What can I do at home para el dolor?" at "shall someone call you back?": what helps, asked
  // in words the classifier may not place, is a question of its own ("Ok" is no yes).
  if (asksWhatHelps(draft, text)) return true;
  if (asksFreeText(draft) && looksLikeQuestion(text)) {
    const decision = nlu.classify(text);
    return isTopicIntent(decision.intent) && !decision.ambiguous;
  }
  return false;
}

/** A question about what helps ("what can I do at home?", "how do I ease it?"), not "help me". */
function asksWhatHelps(draft: TurnDraft, text: string): boolean {
  const { direct } = draft.content;
  return looksLikeQuestion(text) && (direct.says('what_to_do', text) || direct.says('asks_relief', text));
}

/** Urgent advice, a triage outcome or crisis help. */
function isSafetyReply(reply: TurnDraft['replies'][number]): boolean {
  return Boolean(reply.urgent || reply.triage || reply.crisis);
}

/**
 * After urgent advice, a message about going ("can it wait till after my meeting?", "he says
 * he'll be fine", "should I drive her?") or one the bot could not place gets the advice again,
 * first: whatever else the message gets, nobody is left thinking it can wait.
 */
function remindOfUrgentAdvice(draft: TurnDraft, saved: ConversationState, message: MessageInput): void {
  const level = saved.announced;
  if (!level || !urgentAdviceGiven(saved) || message.choice) return;
  if (draft.replies.some(isSafetyReply)) return;
  const reminder = reminderFor(draft, saved, message.text);
  if (!reminder) return;
  // The outcome's title is filled only when a reminder is said.
  const title = draft.fill(draft.content.triageRules.outcomes[level].title);
  const words = draft.content.messages.triage;
  if (reminder.kind === 'short') {
    // Short, but the urgent advice all the same ("Go to the ER now"): marked urgent like the rest.
    draft.replies.push({ text: draft.fill(words.urgent_reminder_short, { title }), urgent: true });
    return;
  }
  const { minimises, cost } = reminder;
  const pushesBack = reminder.pushesBack && !cost;
  const worried = reminder.worried && !pushesBack && !minimises && !cost;
  // (The cost worry is heard in its own words, refusal or not: "can't afford it, I'm not going".)
  const text = cost
    ? words.urgent_reminder_cost
    : pushesBack
      ? words.urgent_reminder_refusal
      : minimises
        ? words.urgent_reminder_minimised
        : worried
          ? words.urgent_reminder_worried
          : words.urgent_reminder;
  // The reminder is the first reply; a separate acknowledgement after it would say the same again.
  const acknowledges = pushesBack || minimises || cost || worried;
  if (acknowledges) removeAcknowledgements(draft);
  // The general when-to-see-a-doctor article would soften the advice: the reminder replaces it.
  if (reminder.asksWhenToGo) draft.replies.length = 0;
  // Marked urgent: it is the urgent advice again, not a side remark (channelData urgent: true).
  draft.replies.unshift({ text: draft.fill(text, { title }), urgent: true, ...(acknowledges ? { acknowledges: true } : {}) });
}

type Reminder = { kind: 'short' } | { kind: 'again'; asksWhenToGo: boolean; minimises: boolean; pushesBack: boolean; cost: boolean; worried: boolean };

/** Which reminder of the urgent advice this message gets, if any. */
function reminderFor(draft: TurnDraft, saved: ConversationState, text: string): Reminder | undefined {
  const { direct } = draft.content;
  // "do i realy need to go": a question about when to see someone, however it is spelt, would
  // otherwise get the general "most back pain gets better at home" answer right after the advice.
  const asksWhenToGo = draft.answeredIntent === 'care.when_to_see_doctor';
  // "It's probably just stress though": playing it down gets the advice again, taken seriously.
  const minimises = direct.says('minimises', text);
  // "Ok but swimming though?": doing something else instead of going, like asking whether it can wait.
  const instead = Boolean(direct.activityAsked(text));
  // "Am I being dramatic?" taken for a start of the check: the advice again first, not the questions
  // alone (carrying on with the check when asked to is no reason to remind).
  const startsCheck =
    !isCheck(draft.content, saved.at) && isCheck(draft.content, draft.state.at) && !direct.says('check_request', text) && !direct.says('resume', text);
  if (
    draft.notUnderstood ||
    startsCheck ||
    asksWhenToGo ||
    minimises ||
    instead ||
    direct.asksAboutGoing(text) ||
    direct.says('what_to_do', text) ||
    direct.says('cost_worry', text)
  ) {
    // "Don't tell me to go, I'm not going": how hard that is, acknowledged in the same sentence.
    // (A worry, "is it bad?", is no refusal: it is acknowledged in its own words, before the reminder.)
    const pushesBack = direct.says('refuses_going', text) || ['anger', 'insult'].includes(direct.toneOf(text) ?? '');
    const worried = direct.toneOf(text) === 'worry';
    return { kind: 'again', asksWhenToGo, minimises, pushesBack, cost: direct.says('cost_worry', text), worried };
  }
  // "Ok but swimming though?" at the offer right after the advice: whatever it gets, the advice
  // in one line after it (not when carrying on with the check, going to a person, or a plain yes or no).
  const atOffer = saved.pending?.kind === 'after_urgent' && !isCheck(draft.content, draft.state.at) && !draft.state.support;
  return atOffer && !isShortAnswer(text) ? { kind: 'short' } : undefined;
}

function removeAcknowledgements(draft: TurnDraft): void {
  for (let i = draft.replies.length - 1; i >= 0; i--) if (draft.replies[i]!.acknowledges) draft.replies.splice(i, 1);
}

function decideMessageSteps(
  content: EngineContent,
  nlu: Understander,
  saved: ConversationState,
  message: MessageInput,
  facts: Record<string, string>,
): TurnDraft {
  let input = message;
  const draft = new TurnDraft(content, cloneData(saved));
  draft.facts = facts;
  const { messages } = content;
  const text = input.text.trim();

  if (!text && !input.choice) {
    draft.say(input.attachmentOnly ? messages.attachment_only : messages.empty_message);
    repeatCurrentQuestion(draft);
    return draft;
  }
  if (input.truncated) draft.say(messages.long_message);
  if (text) noteMedicine(draft, text);

  let reading: PatientReading = {};
  let crisisWords: CrisisWords | undefined;
  const patientBefore = draft.state.patient?.who;
  if (text) {
    // 0. Crisis first: suicidal thoughts, self-harm, overdose or poisoning, in every state.
    const crisis = nlu.detectCrisis(text);
    if (crisis.crisis) crisisWords = giveCrisisHelp(draft, crisis.kind!, crisis.language);
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
    // "What if this is serious - tearing pain in my back right now?": a sign asked about but said
    // to be there now is a report, whatever the question around it: urgent advice at once.
    if (!content.direct.says('denies', text) && !content.direct.says('fine_now', text) && content.direct.says('present_now', text)) {
      for (const flag of detection.isQuestionAbout) if (draft.state.answers[flag] !== 'yes' && !flags.includes(flag)) flags.push(flag);
    }
    // After crisis help, a question about a lesser possible sign would bury it (and take the next
    // message as its answer); the check asks about it if taken. Cauda equina signs still get advice.
    if (crisisWords) possible = possible.filter((flag) => CAUDA_EQUINA_FLAGS.includes(flag));
    const pending = draft.state.pending;
    if (pending?.kind === 'confirm_flags' && flags.length > 0 && flags.every((flag) => pending.flags.includes(flag))) {
      // Describing the very sign being confirmed: that is a yes to the question.
      confirmFlags(draft, pending, true);
      return draft;
    }
    // Signs named at a checklist that asks about them answer it (urgent advice still at once).
    if (answerChecklistWithFlags(draft, flags)) return draft;
    if (flags.length > 0) {
      // A possible cauda equina sign beside a sure lesser one: its level goes into the advice
      // now (as unsure, which the triage rules count), not dropped for the lesser sign's advice.
      for (const flag of possible) if (CAUDA_EQUINA_FLAGS.includes(flag)) draft.state.answers[flag] = 'unsure';
      actOnRedFlags(draft, flags);
      cantTellBesideAdvice(draft, text);
      return draft;
    }
    if (possible.length > 0) {
      askToConfirmFlags(draft, possible);
      cantTellBesideAdvice(draft, text);
      return draft;
    }
    // A sign told again after its advice: the advice again, short (then the message as usual).
    if (detection.flags.some((flag) => draft.state.answers[flag] === 'yes')) remindUrgentAdvice(draft);
    // (A warning sign being confirmed stays open: the answer below decides it, unclear is yes.)
    if (crisisWords && draft.state.pending?.kind !== 'confirm_flags') {
      offerAfterCrisis(draft, crisisWords);
      return draft;
    }
    const explain = content.dialogs.trees.get(ENTRY_TREE)!.red_flag_questions;
    // (Not when the message lists signs as absent: "no numbness, no bladder trouble. what is it?")
    const denies = content.direct.says('denies', text);
    if (detection.isQuestionAbout.length > 0 && explain && !denies && !isCollectingAnswers(draft) && !isLiveChat(draft.state)) {
      // "But is it the cancer back though?": the plain "can't tell" before what the sign means.
      answerDirectQuestion(draft, text, 'redflag.report', { short: messages.direct.cant_tell_short });
      explainRedFlag(draft, explain, detection.isQuestionAbout[0]!);
      return draft;
    }
  }

  // Another language: say, in it where we can, that Backline speaks English, with the emergency
  // number. After the detectors (crisis and warning signs come first) and before a word of it can
  // be taken for a button ("no entiendo" is not "No"); never while waiting for or talking to a
  // person from the team (the message is theirs); no state is lost.
  // (An answer first: "two weeks, dos semanas" at "how long?" gives the duration.)
  const givesAnswer = Boolean(text) && isCollectingAnswers(draft) && givesValueAnswer(draft, text);
  if (text && !input.choice && !draft.state.support && !givesAnswer && answerOtherLanguage(draft, text)) return draft;
  // Mixed with English and about the topic ("hola, me duele la espalda when I lift the pierna"):
  // the language's line, then the answer in English (below).
  const mixedOnTopic = Boolean(text && !input.choice && !draft.state.support && !isCollectingAnswers(draft) && noteMixedLanguage(draft, text));

  // "Which number do I call?": the numbers at once, in any state but a live chat with a person,
  // then the question waiting (if any) again.
  // (After crisis help its own short repeat answers it: src/bot/commands.ts.)
  if (text && !input.choice && !isLiveChat(draft.state) && draft.state.pending?.kind !== 'after_crisis' && content.direct.says('which_number', text)) {
    draft.say(draft.fill(content.messages.direct.numbers));
    if (isCollectingAnswers(draft)) repeatCurrentQuestion(draft);
    else {
      const { labels } = content.messages;
      draft.say(content.messages.direct.more_offer, {
        choices: [
          { label: labels.talk_to_person, value: CHOICE_VALUES.human },
          { label: labels.main_menu, value: CHOICE_VALUES.menu },
        ],
      });
    }
    return draft;
  }
  // "Ok but swimming though?", "is swimming ok?" (in the check too, where "ok" is no yes): about
  // staying active, from the articles, with who can advise. Not while a one-off question waits
  // (a warning sign being confirmed, stopping the check), except the offer after urgent advice.
  const pendingKind = draft.state.pending?.kind;
  if (text && !input.choice && !draft.state.support && (!pendingKind || pendingKind === 'after_urgent') && answerActivity(draft, text)) return draft;
  // "Hang on", "where were we", "do the check thing": before "ok" can be taken for a button.
  if (text && !input.choice && !draft.state.support && answerPauseOrCheck(draft, text)) return draft;

  // A typed label, number or "the last one" picks one of the buttons just shown, in any channel.
  // Not in a live chat with a person: there "2" or "yes" is meant for them.
  if (!input.choice && draft.state.offered?.length && !isLiveChat(draft.state)) {
    const offered = draft.state.offered;
    const match = matchChoice(
      text.slice(0, ANSWER_CHARS),
      offered.map((o) => o.l),
    );
    // ("ok, in the meantime what's X?" is not the Yes button.)
    if (match && match.how !== 'fuzzy' && !setsQuestionAside(draft, nlu, input, text)) input = { ...input, choice: offered[match.index]!.v };
    // "If you'd like, I can check for warning signs" - "yes please": the check. (Only a short
    // yes: "ok and what dose of that?" is a question of its own.)
    else if (!draft.state.pending && offered.some((o) => o.v === CHOICE_VALUES.check) && isShortYes(text)) input = { ...input, choice: CHOICE_VALUES.check };
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

  // 4. An answer to the current question (a sentence at a yes/no question of the check read for
  //    what it says: "only when I cough" is a yes, "not that I've noticed" a no, "it's ok" unclear).
  // (Typed text only: a typed "no, only when I cough" may already have matched the No button.)
  if (!message.choice && text) {
    const sentence = readSentenceAnswer(draft, text);
    if (sentence === 'unclear') {
      reprompt(draft);
      return draft;
    }
    if (sentence) input = { ...input, choice: CHOICE_VALUES[sentence] };
  }
  if (draft.state.at && !setsQuestionAside(draft, nlu, input, text) && answerCurrent(draft, input)) return draft;
  if (input.choice) {
    // A button from an earlier message: follow it if it is a menu choice, else ask again.
    if (followStaleChoice(draft, input.choice)) return draft;
    if (draft.state.at) reprompt(draft);
    else showMenu(draft);
    return draft;
  }

  // 5. Free text: what does the person want? (While waiting for a person, it is kept for them.)
  if (holdForSupport(draft)) return draft;
  // After crisis help, "don't give me a hotline, I want answers about my back" (heard already,
  // src/bot/commands.ts): what is left is the question.
  const declined = saved.pending?.kind === 'after_crisis' && content.direct.says('declines_help', text);
  const whole = declined ? content.direct.withoutPhrase('declines_help', text) : text;
  if (declined && !whole) {
    showMenu(draft);
    return draft;
  }
  // "Do I have sciatica and what helps the pain?": the other question is what the rest of this
  // step answers, after the plain "can't tell" in short (below; neither is dropped).
  const beside = questionBesideDiagnosis(draft, whole);
  const asked = beside ?? whole;
  const said = beside ?? text;
  let decision = nlu.classify(asked);
  if ((decision.intent === 'out_of_scope' || decision.ambiguous || declined) && content.direct.asksHeadline(asked)) {
    // "what is reason of this pain": a plain question about the headline topic, not out of scope.
    decision = { ...decision, intent: 'causes.overview', ambiguous: false };
  }
  // "Whats the fastest way to make it stop hurting before my exam", "what can I actually do while
  // I wait for my operation": the topic the phrase says, whatever the classifier guessed, never
  // "outside what I can help with" (and not the surgery section).
  const byPhrase = intentByPhrase(draft, decision, asked);
  if (byPhrase) decision = byPhrase.decision;
  if (mixedOnTopic && (decision.intent === 'out_of_scope' || decision.ambiguous || !isTopicIntent(decision.intent))) {
    decision = { ...decision, intent: HEADLINE_INTENT, ambiguous: false };
  }
  if (decision.ambiguous && !isCollectingAnswers(draft) && describesOwnPain(content, said) && headlineRanked(decision.ranking)) {
    // "Hello. I have pain in down back when I up my leg. What is this?": a description of the
    // pain the classifier cannot place between topics is about the headline topic itself (what
    // this pain is and why), not a "Did you mean" between guesses; a condition it names still counts.
    decision = { ...decision, intent: HEADLINE_INTENT, ambiguous: false };
  }
  // "Can you tell me what spinal stenosis is" (heard as a request for help): the condition it names.
  const helpNaming = decision.intent === 'help' && !isCollectingAnswers(draft) && content.direct.conditionNamed(said);
  if ((decision.intent === 'out_of_scope' || helpNaming) && !isCollectingAnswers(draft)) {
    // "my son has bad back pain from a disc": about a condition, or about the pain itself.
    const named = content.direct.conditionNamed(said);
    const intent = named && content.articles.has(named) ? (content.articles.get(named).intents[0] as IntentId | undefined) : undefined;
    // "Which doctor I must go for this back problem?": a topic the classifier ranked, whose
    // article's title the message names ("doctor"), rather than "outside what I can help with".
    const titled = intent ? undefined : rankedTopicNamed(content, decision.ranking, said);
    if (intent) decision = { ...decision, intent, ambiguous: false };
    else if (titled) decision = { ...decision, intent: titled, ambiguous: false };
    else if (content.patient.describesPain(said) && !reading.explicit) decision = { ...decision, intent: HEADLINE_INTENT, ambiguous: false };
  }
  const unplaced = decision.intent === 'help' || decision.intent === 'out_of_scope' || decision.ambiguous;
  // (At a question outside the check, the question set aside: answered, then the question again.)
  const besideQuestion = isCollectingAnswers(draft) && !isCheck(content, draft.state.at) && asksWhatHelps(draft, said);
  if (unplaced && (!isCollectingAnswers(draft) || besideQuestion) && content.direct.says('what_to_do', said)) {
    // "ok what do I do": what helps (after urgent advice, the reminder comes first).
    if (!urgentAdviceGiven(draft.state)) decision = { ...decision, intent: 'care.self_care', ambiguous: false };
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
    const calm = content.direct.withoutTone(said);
    if (calm && calm !== said.toLowerCase().trim()) {
      const again = nlu.classify(calm);
      if (isTopicIntent(again.intent) && !again.ambiguous) decision = again;
    }
  }
  // Right after crisis help, a message the classifier can only guess at ("you can't stop me" as a
  // vague report, "doesn't matter anymore" as prevention) or cannot place ("whatever") is about the
  // crisis: the help again with the offer standing, never the warning-sign check, an article or
  // "outside what I can help with". Asking for the check ("start the check") still starts it.
  // ("I'm safe, my wife is here. what is spinal stenosis?" names what it asks about: answered.)
  const namesTopic = Boolean(content.direct.conditionNamed(said)) || content.direct.asksHeadline(asked);
  const guessedAt = decision.intent !== 'triage.start' && !namesTopic && (decision.ambiguous || decision.confidence < CRISIS_FOLLOW_UP_CONFIDENCE);
  const nothingPlaced = decision.intent === 'out_of_scope' || decision.intent === 'help';
  if (saved.pending?.kind === 'after_crisis' && !declined && (guessedAt || nothingPlaced)) {
    repeatCrisisHelp(draft);
    return draft;
  }
  draft.answeredIntent = decision.intent;
  // Worry and anger acknowledged first; insults and small talk get a short reply.
  if (answerTone(draft, said, decision.intent)) return draft;
  safetyNet(draft, decision.intent, text);
  // "Can a slipped disc affect... things below the belt?": the signs there that need help at once
  // (the same card, once, as for a description of the pain).
  if (content.direct.says('private_area', said)) safetyNet(draft, HEADLINE_INTENT, text);
  if (beside) sayCantTellBeside(draft, whole);
  // "ok", "hmm", "yes" with nothing waiting for it: the menu, not "outside what I can help with".
  if (decision.intent === 'out_of_scope' && !isCollectingAnswers(draft) && !draft.state.pending && content.direct.says('filler', said)) {
    // Reading an article page by page: "ok", "yes", "go on" is the next page.
    if (draft.state.page !== undefined && draft.state.at && answerCurrent(draft, { text: '', choice: CHOICE_VALUES.more })) return draft;
    draft.say(content.messages.direct.filler);
    showMenu(draft);
    return draft;
  }
  // "Do I have sciatica?", dose questions, someone else's prescription: a plain answer.
  if (answerDirectQuestion(draft, said, decision.intent)) return draft;
  // Follow-ups about the conversation's topic: "what points to piriformis?", "short version pls",
  // "can it be cured?" (the article last read).
  if (!isCollectingAnswers(draft) && answerAboutTopic(draft, said, decision)) return draft;
  // "How long till it goes?": the section of the topic's article the phrase names.
  if (byPhrase?.section && answerSection(draft, decision.intent, byPhrase.section)) return draft;
  // (A topic a phrase chose gets its opening: "before my exam" or "operation" would pick a section
  // of some other article.)
  respondToIntent(draft, decision, byPhrase ? '' : said);
  return draft;
}

/**
 * Feelings first: an angry or worried message (or, after urgent advice, "no way am I going")
 * gets one sentence of acknowledgement as the first reply of the turn, whatever else it gets;
 * with a warning sign, the urgent advice follows in the same reply. Crisis help stays first
 * (its own words acknowledge).
 */
function acknowledgeFirst(draft: TurnDraft, saved: ConversationState, message: MessageInput): void {
  const { direct, messages } = draft.content;
  if (message.choice || !message.text.trim() || draft.replies.length === 0 || draft.replies.some((r) => r.crisis)) return;
  if (saved.support && isLiveChat(saved)) return;
  // "Is that normal?": worry, unless this turn gives urgent advice (then the advice comes first).
  const urgentNow = draft.replies.some((r) => r.urgent || r.triage);
  const tone = direct.toneOf(message.text) ?? (!urgentNow && direct.says('worried_question', message.text) ? 'worry' : undefined);
  const refuses = Boolean(saved.announced) && direct.says('refuses_going', message.text);
  const acknowledged = tone !== undefined && (ACKNOWLEDGED_TONES.has(tone) || tone === 'insult');
  if (!acknowledged && !refuses) return;
  // "My back is killing me" with a warning sign: the urgent advice first, nothing before it.
  if (tone === 'distress' && !refuses && draft.replies.some((r) => r.urgent || r.triage)) return;
  const words = messages.direct;
  if (draft.replies[0]!.acknowledges) return;
  const at = draft.replies.findIndex((r) => r.acknowledges);
  if (at > 0) {
    draft.replies.unshift(...draft.replies.splice(at, 1));
    return;
  }
  const line = tone === 'insult' ? words.anger : tone && ACKNOWLEDGED_TONES.has(tone) ? words[tone as AcknowledgedTone] : words.refusal_ack;
  draft.replies.unshift({ text: draft.fill(line), acknowledges: true });
}

/** "Is this arachnoiditis?" asked with a warning sign: after the advice, a plain "can't tell". */
function cantTellBesideAdvice(draft: TurnDraft, text: string): void {
  const { content } = draft;
  if (content.direct.kindOf(text) !== 'diagnosis') return;
  const named = content.direct.conditionNamed(text);
  const article = named && content.articles.has(named) ? content.articles.get(named) : undefined;
  const words = content.messages.direct;
  draft.say(article ? draft.fill(words.cant_tell_with_advice, { condition: article.title.toLowerCase() }) : words.cant_tell_with_advice_general);
  draft.state.lastDirect = 'diagnosis';
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

/** A message mixing another language with English, about the topic: that language's line first. */
function noteMixedLanguage(draft: TurnDraft, text: string): boolean {
  const languages = draft.content.otherLanguages;
  const mixed = languages?.mixedIn(text);
  if (!languages || !mixed?.topic) return false;
  draft.say(otherLanguageReply(languages, { language: mixed.language, by: 'words' }));
  return true;
}

/** A description of the pain that names no condition ("pain in down back when I up my leg"). */
function describesOwnPain(content: EngineContent, text: string): boolean {
  return content.patient.describesPain(text) && !content.direct.conditionNamed(text);
}

/** Whether the headline topic is among the classifier's top guesses. */
function headlineRanked(ranking: readonly { intent: IntentId }[]): boolean {
  return ranking.slice(0, TITLED_RANKS).some((r) => r.intent === HEADLINE_INTENT);
}

/** The headline topic (what this pain is and why): where descriptions of the pain itself go. */
const HEADLINE_INTENT: IntentId = 'symptom.leg_raise_pain';

/** How far down the classifier's ranking a topic named by its article's title is looked for. */
const TITLED_RANKS = 3;

/** The first of the top-ranked topic intents whose article's title words the message uses. */
function rankedTopicNamed(content: EngineContent, ranking: readonly { intent: IntentId }[], text: string): IntentId | undefined {
  const words = new Set(content.direct.contentWords(text));
  for (const { intent } of ranking.slice(0, TITLED_RANKS)) {
    if (!isTopicIntent(intent)) continue;
    const article = content.articles.forIntent(intent);
    if (article && content.direct.contentWords(article.title).some((w) => words.has(w))) return intent;
  }
  return undefined;
}

/**
 * The topic a phrase says a message asks about, whatever the classifier guessed: the first rule of
 * phrase_intents (knowledge/nlu/direct-questions.yaml) whose phrase the message says and whose
 * conditions hold (what the classifier said, a flow waiting for an answer, urgent advice given).
 */
function intentByPhrase(draft: TurnDraft, decision: IntentDecision, text: string): { decision: IntentDecision; section?: string } | undefined {
  const { direct } = draft.content;
  const inFlow = isCollectingAnswers(draft);
  const advised = urgentAdviceGiven(draft.state);
  for (const rule of direct.phraseIntents) {
    if ((inFlow && !rule.inFlow) || (advised && !rule.afterUrgentAdvice)) continue;
    // Unplaced: on no topic of its own, and not sure what else (a confident "talk to a person" stays).
    const unsure = decision.intent === 'out_of_scope' || decision.ambiguous || decision.confidence < rule.minConfidence;
    if (rule.classifier === 'unplaced' && (isTopicIntent(decision.intent) || !unsure)) continue;
    // A section of a general article is no answer about a condition the message names ("how long
    // does a slipped disc take to heal"): that condition's own article answers, by the usual route.
    if (rule.section && direct.conditionNamed(text)) continue;
    if (!direct.says(rule.phrase, text)) continue;
    return {
      decision: { ...decision, intent: rule.intent, ambiguous: false, confidence: Math.max(decision.confidence, rule.minConfidence) },
      ...(rule.section ? { section: rule.section } : {}),
    };
  }
  return undefined;
}

/** Below this, a message that says whom it is about is taken to say only that. */
const ONLY_WHO_CONFIDENCE = 0.5;
/** Below this, right after crisis help, the classifier's guess is taken as about the crisis. */
const CRISIS_FOLLOW_UP_CONFIDENCE = 0.5;
