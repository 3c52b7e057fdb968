// Two things in one message at a question of the check: an answer and a question ("no. how many
// more questions?", "no, but what is cauda equina?", "nope - will I need surgery?"). Both are
// handled: the question is answered first (as an aside, at the same question), then the answer
// is taken and the check goes on. Without this, one of the two was lost.
import { atCheckYesNo, CHOICE_VALUES, TurnDraft } from '../engine/draft.js';
import { answerCurrent, type EngineContent } from '../engine/runtime.js';
import type { ConversationState } from '../engine/state.js';
import type { YesNo } from '../nlu/entities/vocabulary.js';
import { answerPhraseValue } from '../nlu/entities/yesNo.js';
import { cloneData } from '../util/clone.js';
import { readSentenceAnswer } from './sentenceAnswers.js';

export interface AnswerAndQuestion {
  /** The answer part, made only of answer words ("no", "not really", "yes I think so"). */
  answer: string;
  /** What the answer words say. */
  value: YesNo;
  /** The rest: a question or a remark about the check. */
  question: string;
}

/** The answer part is short: "no", "nope not really", "I don't think so". */
const MAX_ANSWER_WORDS = 6;
/** Where an answer ends and the question starts: punctuation, or a joining word. */
const SPLIT = /^\s*(.+?)(?:\s*[.,;:!?]+\s*|\s+-+\s+|\s+(?=(?:but|and|also|though|btw|oh and|so)\b))(.+)$/is;
const QUESTION_START =
  /^(?:but|and|also|though|btw|oh and|so|ok|okay)?\s*(?:what|whats|what's|why|how|when|where|which|who|is|are|am|do|does|did|can|could|should|would|will|may|might|must|any)\b/i;

/** The answer and the question of a message that holds both, at a yes/no question of the check. */
export function splitAnswerAndQuestion(content: EngineContent, state: ConversationState, text: string): AnswerAndQuestion | undefined {
  if (state.pending || state.support || !atCheckYesNo(content, state)) return undefined;
  const match = SPLIT.exec(text);
  if (!match) return undefined;
  const answer = match[1]!.trim();
  const question = match[2]!.trim();
  if (!answer || !question || answer.split(/\s+/).length > MAX_ANSWER_WORDS) return undefined;
  const value = answerPhraseValue(answer);
  if (value === undefined) return undefined;
  const { direct } = content;
  const asks =
    question.includes('?') ||
    QUESTION_START.test(question) ||
    Boolean(direct.kindOf(question)) ||
    direct.says('check_left', question) ||
    direct.says('check_why', question) ||
    direct.says('check_meaning', question);
  return asks ? { answer, value, question } : undefined;
}

/**
 * The answer part taken at the question the aside left waiting (`state`). It is made only of
 * answer words, so crisis help, warning signs, commands and the classifier have nothing to find
 * in it: the engine takes it at the question, as a whole decision of "no" would. Undefined when
 * the words are not a clear answer there ("it's ok"): the caller decides the whole message.
 */
export function takeAnswer(content: EngineContent, state: ConversationState, parts: AnswerAndQuestion, facts: Record<string, string>): TurnDraft | undefined {
  const draft = new TurnDraft(content, cloneData(state));
  draft.facts = facts;
  const sentence = readSentenceAnswer(draft, parts.answer);
  if (sentence === 'unclear') return undefined;
  const value = sentence ?? parts.value;
  return answerCurrent(draft, { text: parts.answer, choice: CHOICE_VALUES[value] }) ? draft : undefined;
}

/** Whether an aside left the check where it was, with nothing but an answer to give (no advice, no question of its own). */
export function asideOnly(aside: TurnDraft, saved: ConversationState): boolean {
  const { state } = aside;
  if (aside.notUnderstood || state.pending || state.support) return false;
  if (aside.replies.some((r) => r.urgent || r.crisis || r.triage)) return false;
  return state.at?.tree === saved.at?.tree && state.at?.node === saved.at?.node && state.page === undefined;
}

/** The aside's replies without the question asked again at their end (the answer's turn asks the next one). */
export function withoutRepeatedQuestion(aside: TurnDraft): TurnDraft['replies'] {
  const replies = [...aside.replies];
  while (replies.length > 0 && replies[replies.length - 1]!.ask) replies.pop();
  return replies;
}
