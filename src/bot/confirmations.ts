// A confirmation (a yes/no question marked `confirm` in dialogs/: deleting one's data, consent to
// be contacted) takes only a clear answer. "ok. is arachnoiditis even real?" or "ok my dog needs
// walking" holds a yes word, but it is a question or another topic: taken as a yes, it would delete
// everything or give consent nobody gave. Such a message is no answer; the question is answered (or
// the message heard) and the confirmation asked again.
import { nodeAt, type TurnDraft } from '../engine/runtime.js';
import { answerPhraseValue, findYesNo } from '../nlu/entities/yesNo.js';
import { looksLikeQuestion } from './directAnswers.js';
import { isShortAnswer } from './flowControl.js';

/** Whether the message, at a confirmation, holds yes or no words but is not a clear answer. */
export function unclearAtConfirmation(draft: TurnDraft, text: string): boolean {
  const { state, content } = draft;
  if (!state.at || state.page !== undefined) return false;
  const node = nodeAt(content, state.at);
  if (!('ask' in node) || node.ask !== 'yes_no' || !node.confirm) return false;
  const hits = findYesNo(text);
  // No yes or no in it: not taken for an answer anyway. Only answer words ("yes please", "no
  // thanks") or a short answer ("ok delete it"): clear.
  if (hits.length === 0 || answerPhraseValue(text) !== undefined || isShortAnswer(text)) return false;
  // "ok. is it even real?", "yes but what happens to my request?": a question of its own.
  if (text.includes('?') || content.direct.clausesOf(text).some((clause, i) => i > 0 && looksLikeQuestion(clause))) return true;
  // "Yes please delete it all": the yes first, and the rest about what was asked. "ok my dog needs
  // walking": about something else.
  const asked = new Set(content.direct.contentWords(node.text));
  const aboutIt = content.direct.contentWords(text).some((word) => asked.has(word));
  return hits[0]!.firstToken !== 0 || !aboutIt;
}
