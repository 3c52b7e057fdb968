// What the team member needs at a glance: what the person asked about, their answers, the
// triage outcome with its reasons, and any warning signs. Built from the conversation state and
// its transcript when a case opens, so it never needs the person to repeat themselves.
import { isRedFlagId, levelRank, RED_FLAG_IDS, type IntentId, type RedFlagId, type TriageLevel } from '../contract.js';
import type { Understander } from '../nlu/types.js';
import { TurnDraft, triageReplyText, type EngineContent } from '../engine/runtime.js';
import { urgentAdviceGiven } from '../engine/draft.js';
import type { ConversationState } from '../engine/state.js';
import { evaluateTriage, isPositive } from '../triage/rules.js';
import { answerKeyOf } from '../trials/catalogue.js';
import type { TranscriptItem } from './transcript.js';
import type { CaseReason, CaseSummary } from './types.js';

/** Intents that say nothing about the person's problem. */
const NOT_A_TOPIC: ReadonlySet<IntentId> = new Set(['greeting', 'thanks', 'goodbye', 'help', 'cancel', 'out_of_scope', 'support.human', 'privacy.delete_data']);
/** Answers kept out of the summary: contact details have their own place, feedback is about us. */
const PRIVATE_ANSWER = /^(callback_|support_|trial_contact$)/;
const MAX_MESSAGES_READ = 60;
const MAX_CHARS_READ = 300;

export function redFlagsOf(state: ConversationState): RedFlagId[] {
  return RED_FLAG_IDS.filter((id) => isPositive(state.answers[id]));
}

/** The most urgent level known: the latest outcome, anything already announced, or the warning signs on record. */
export function urgencyOf(content: EngineContent, state: ConversationState): TriageLevel | null {
  const levels: TriageLevel[] = [];
  if (state.triage) levels.push(state.triage.level);
  if (state.announced) levels.push(state.announced);
  if (redFlagsOf(state).length > 0) levels.push(evaluateTriage(content.triageRules, state.answers).level);
  if (levels.length === 0) return null;
  return levels.reduce((best, level) => (levelRank(level) < levelRank(best) ? level : best));
}

export function reasonOf(state: ConversationState): CaseReason {
  if (urgentAdviceGiven(state)) return 'after_warning_sign';
  if (state.triage) return 'after_triage';
  return 'asked';
}

/** What the team sees next to an answer: the warning sign's label, the trial question, or a name from messages. */
function answerLabel(content: EngineContent, id: string): string {
  if (isRedFlagId(id)) return content.redFlagLabel(id);
  const named = (content.messages.answer_labels as Record<string, string>)[id];
  if (named) return named;
  return content.trials.questions.find((q) => answerKeyOf(q) === id)?.text ?? id;
}

export function buildSummary(content: EngineContent, nlu: Understander, state: ConversationState, transcript: TranscriptItem[]): CaseSummary {
  const askedAbout: string[] = [];
  const userTexts = transcript.flatMap((item) => item.entries.filter((e) => e.role === 'user').map((e) => e.text)).slice(-MAX_MESSAGES_READ);
  for (const text of userTexts) {
    if (!text.trim()) continue;
    const { intent } = nlu.classify(text.slice(0, MAX_CHARS_READ));
    if (NOT_A_TOPIC.has(intent)) continue;
    const label = content.messages.intent_labels[intent];
    if (!askedAbout.includes(label)) askedAbout.push(label);
  }

  const answers = Object.entries(state.answers)
    .filter(([id]) => !PRIVATE_ANSWER.test(id))
    .map(([id, value]) => ({ id, label: answerLabel(content, id), value }));

  let triage: CaseSummary['triage'] = null;
  if (state.triage) {
    const draft = new TurnDraft(content, structuredClone(state));
    const { reasons } = triageReplyText(draft, { level: state.triage.level, reasons: state.triage.reasons });
    triage = { level: state.triage.level, title: draft.fill(content.triageRules.outcomes[state.triage.level].title), reasons };
  }
  return { askedAbout, answers, triage, redFlags: redFlagsOf(state).map((id) => ({ id, label: content.redFlagLabel(id) })) };
}
