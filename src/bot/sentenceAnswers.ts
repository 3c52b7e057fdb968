// Answers in sentences at a yes/no question of the check ("well sometimes, mostly at night",
// "not really", "only when I cough", "not that I've noticed"): read as yes, no or not sure where
// the sentence says so, asked again (in simpler words) where it does not. The answer words
// themselves ("nah", "not really", "kind of") are the recogniser's (knowledge/nlu/answer-words.yaml);
// these phrases (knowledge/nlu/direct-questions.yaml) add what a sentence says about the sign.
import { chosenYesNo } from '../engine/runtime.js';
import { atCheckYesNo, type TurnDraft } from '../engine/draft.js';

export type SentenceAnswer = 'yes' | 'no' | 'unsure' | 'unclear';

/**
 * How a sentence answers the check's yes/no question, when the sentence itself decides it:
 * - it happens at times ("only when I cough", "it happened once"), with no answer word: yes;
 * - it happens at times, after a "no" ("no, only when I cough"): unclear, asked again;
 * - it does not happen ("not that I've noticed", "nothing like that"), with no yes: no;
 * - "it's ok", "it's fine" (a yes to the recogniser): unclear, asked again.
 * Undefined: the answer words decide (or the message is not an answer).
 */
export function readSentenceAnswer(draft: TurnDraft, text: string): SentenceAnswer | undefined {
  const { state, content } = draft;
  if (!atCheckYesNo(content, state)) return undefined;
  const { direct } = content;
  const words = chosenYesNo({ text });
  // "Can I just take like 4 ibuprofen at once": a question, whatever words it has ("at once"), is no answer.
  if (words === undefined && (direct.kindOf(text) || ASKS.test(text))) return undefined;
  if (direct.says('answer_unclear', text)) return 'unclear';
  const occurs = direct.says('answer_occurs', text);
  const absent = direct.says('answer_absent', text);
  if (occurs && absent) return 'unclear';
  if (occurs) return words === undefined ? 'yes' : words === 'no' ? 'unclear' : undefined;
  if (absent) return words === undefined || words === 'no' ? 'no' : 'unclear';
  return undefined;
}

/** A message that opens as a question of its own (not "only when I cough"). */
const ASKS = /^\s*(?:what|whats|what's|how|why|where|which|who|(?:can|could|should|may|shall) (?:i|we|you|he|she))\b/i;
