// Free text that is not a command or an answer: the safety net for anyone describing back or
// leg pain, what the warning-sign check does with a message that is not an answer, and the
// response to the intent (the next section of an article, "did you mean", a question answered
// mid-flow then "carry on?", or the entry tree's route).
import type { IntentId } from '../contract.js';
import { ENTRY_TREE } from '../engine/loader.js';
import { answerCurrent, CHOICE_VALUES, repeatCurrentQuestion, reprompt, type TurnDraft } from '../engine/runtime.js';
import { isCheck, urgentAdviceGiven } from '../engine/draft.js';
import { noteRead } from '../engine/paging.js';
import type { IntentDecision } from '../nlu/types.js';
import { answerFollowUp, isTopicIntent, looksLikeQuestion, repeatArticle, sectionNamedBy } from './directAnswers.js';
import { askToLeaveCheck, isCollectingAnswers, offerAfterUrgent, routeIntent } from './flowControl.js';

/** Intents whose answer is the check itself (or its urgent advice): no card before it. */
const CHECKING: ReadonlySet<IntentId> = new Set(['triage.start', 'redflag.report']);

/**
 * Safety-netting by design (GIRFT cauda equina pathway): anyone who describes their own or the
 * patient's back or leg pain gets, once per conversation, the emergency signs and what to do,
 * and is offered the check. No detector is the last line.
 */
export function safetyNet(draft: TurnDraft, intent: IntentId, text: string): void {
  const { state, content } = draft;
  // (Not in the middle of the check: the check is what the card offers.)
  if (state.netted || CHECKING.has(intent) || state.support || isCheck(content, state.at)) return;
  if (intent !== 'symptom.leg_raise_pain' && !content.patient.describesPain(text)) return;
  state.netted = true;
  draft.say(content.messages.safety_net.card, { choices: [{ label: content.messages.safety_net.check_label, value: CHOICE_VALUES.check }] });
}

/** Below this, a message in the check is not taken as a question to answer: it is asked again. */
const CHECK_ASIDE_CONFIDENCE = 0.5;
/** Below this, a message at a question of a flow is not taken as a wish to go elsewhere. */
const LEAVE_FLOW_CONFIDENCE = 0.5;
/** Intents that take the person out of the check at once (they asked for it). */
const LEAVES_CHECK_AT_ONCE: ReadonlySet<IntentId> = new Set(['support.human', 'privacy.delete_data']);

/**
 * In the warning-sign check, a message that is not an answer never ends or restarts it: a
 * clear question with an article answer is answered (then "carry on?"), stopping needs a
 * confirmation, anything else is asked again in simpler words.
 */
function respondInCheck(draft: TurnDraft, decision: IntentDecision, text: string): boolean {
  const { state, content } = draft;
  if (!isCheck(content, state.at) || state.page !== undefined) return false;
  const { intent } = decision;
  if (LEAVES_CHECK_AT_ONCE.has(intent)) return false;
  // "Ugh these questions are so pointless": a complaint, not a request to stop. Heard (the
  // acknowledgement goes first: src/bot/decide.ts) and the question asked again.
  const complaint = ['anger', 'insult'].includes(content.direct.toneOf(text) ?? '') && !content.direct.says('stop_request', text);
  if ((intent === 'cancel' || intent === 'goodbye') && complaint) {
    repeatCurrentQuestion(draft);
    return true;
  }
  if (intent === 'cancel' || intent === 'goodbye') {
    askToLeaveCheck(draft, intent === 'cancel' ? 'cancel' : 'goodbye');
    return true;
  }
  const answerable = content.articles.forIntent(intent) && intent !== 'help' && !decision.ambiguous && decision.confidence >= CHECK_ASIDE_CONFIDENCE;
  // "What can I do while sitting at a desk?" heard on a topic without much confidence: answered
  // when a section names what it asks (its heading or declared keywords), then the question again.
  const namesSection = isTopicIntent(intent) && intent !== 'triage.start' && looksLikeQuestion(text) && sectionNamedBy(draft, text) !== undefined;
  if (answerable || namesSection) return false;
  if (intent === 'out_of_scope') draft.notUnderstood = 'out_of_scope';
  reprompt(draft);
  return true;
}

/** Free text, after commands and answers did not apply. */
export function respondToIntent(draft: TurnDraft, decision: IntentDecision, text: string): void {
  const { state, content } = draft;
  const inFlow = isCollectingAnswers(draft);
  if (respondInCheck(draft, decision, text)) return;
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

  // After urgent advice, never a menu of guesses: the advice stands (reminded first) and what next.
  if (decision.ambiguous && urgentAdviceGiven(state)) {
    draft.notUnderstood = 'reprompt';
    offerAfterUrgent(draft, content.messages.red_flag.offer);
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
      // Answered briefly (the article's opening), then the same question again with its
      // progress: an aside never ends, restarts or parks the flow.
      // (A section whose heading names what was asked, if any: "what is cauda equina?".)
      // "The doctor mentioned spinal stenosis, what's that": the condition the message names, its
      // opening (then the topic of the conversation: "does she have it then?" is about it).
      const condition = content.direct.conditionNamed(text);
      const conditionArticle = condition && content.articles.has(condition) ? content.articles.get(condition) : undefined;
      const named = conditionArticle ? undefined : sectionNamedBy(draft, text);
      if (conditionArticle) {
        for (const message of conditionArticle.sections[0]!.messages) draft.say(message);
        noteRead(state, conditionArticle.id, 0);
        repeatCurrentQuestion(draft);
        return;
      }
      if (named) {
        const [opening, ...rest] = named.messages;
        draft.say(`**${named.heading}**\n\n${opening ?? ''}`);
        for (const message of rest) draft.say(message);
        repeatCurrentQuestion(draft);
        return;
      }
      const first = article.sections[0]!;
      for (const message of first.messages) draft.say(message);
      // The topic of the conversation now ("does she have it then?" is about it).
      noteRead(state, article.id, 0);
      repeatCurrentQuestion(draft);
      return;
    }
    if (intent === 'greeting' || intent === 'thanks') {
      repeatCurrentQuestion(draft);
      return;
    }
    // "ok, but will it cost me anything?" at a consent question, guessed to be "check if it's
    // serious" at 0.3: a guess that unsure never takes the person out of a flow (its answers, a
    // consent half given); the question is asked again.
    if (decision.confidence < LEAVE_FLOW_CONFIDENCE) {
      if (intent !== 'help') draft.notUnderstood = 'out_of_scope';
      reprompt(draft);
      return;
    }
  }
  state.suspended = undefined;
  routeIntent(draft, intent);
}
