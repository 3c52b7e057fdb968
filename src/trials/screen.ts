// The trial pre-screen: which question to ask next, and what the answers so far mean for each
// trial. A question shared by several trials is asked once; a question is skipped when no trial
// still in play needs it. "Not sure" never rules a trial out: the team checks it.
import type { AnswerValue } from '../engine/state.js';
import { answerKeyOf, type Criterion, type Trial, type TrialCatalogue, type TrialQuestion } from './catalogue.js';

/** fits: every rule met; maybe: nothing rules it out but some answers were "not sure"; no: ruled out; open: answers still missing. */
export type TrialStatus = 'fits' | 'maybe' | 'no' | 'open';

export interface TrialVerdict {
  trial: Trial;
  status: TrialStatus;
  /** For "no": the reason of the first rule that ruled it out. */
  reason?: string;
}

type CriterionResult = 'pass' | 'fail' | 'unsure' | 'unknown';

function criterionResult(criterion: Criterion, question: TrialQuestion, answers: Record<string, AnswerValue>, exclusion: boolean): CriterionResult {
  const answer = answers[answerKeyOf(question)];
  if (answer === undefined) return 'unknown';
  if (answer === 'unsure') return 'unsure';
  let matches: boolean;
  if (criterion.answer !== undefined) matches = answer === criterion.answer;
  else {
    if (typeof answer !== 'number') return 'unsure';
    matches = (criterion.min === undefined || answer >= criterion.min) && (criterion.max === undefined || answer <= criterion.max);
  }
  // An inclusion rule must match; an exclusion rule must not.
  return matches !== exclusion ? 'pass' : 'fail';
}

export function verdictFor(catalogue: TrialCatalogue, trial: Trial, answers: Record<string, AnswerValue>): TrialVerdict {
  const questions = new Map(catalogue.questions.map((q) => [q.id, q]));
  let unknown = false;
  let unsure = false;
  const rules = [...trial.inclusion.map((c) => ({ c, exclusion: false })), ...trial.exclusion.map((c) => ({ c, exclusion: true }))];
  for (const { c, exclusion } of rules) {
    const result = criterionResult(c, questions.get(c.question)!, answers, exclusion);
    if (result === 'fail') return { trial, status: 'no', reason: c.reason };
    if (result === 'unknown') unknown = true;
    if (result === 'unsure') unsure = true;
  }
  return { trial, status: unknown ? 'open' : unsure ? 'maybe' : 'fits' };
}

export function verdicts(catalogue: TrialCatalogue, answers: Record<string, AnswerValue>): TrialVerdict[] {
  return catalogue.trials.map((trial) => verdictFor(catalogue, trial, answers));
}

/** The next question whose answer could still change a trial's outcome, or undefined when done. */
export function nextQuestion(catalogue: TrialCatalogue, answers: Record<string, AnswerValue>): TrialQuestion | undefined {
  const inPlay = verdicts(catalogue, answers).filter((v) => v.status === 'open');
  for (const question of catalogue.questions) {
    if (answers[answerKeyOf(question)] !== undefined) continue;
    const needed = inPlay.some(({ trial }) => [...trial.inclusion, ...trial.exclusion].some((c) => c.question === question.id));
    if (needed) return question;
  }
  return undefined;
}

/** Trials the person may fit (fits or maybe), once the pre-screen is done. */
export function possibleTrials(catalogue: TrialCatalogue, answers: Record<string, AnswerValue>): TrialVerdict[] {
  return verdicts(catalogue, answers).filter((v) => v.status === 'fits' || v.status === 'maybe');
}
