// The side effects a `do:` node asks for (ACTIONS in schema.ts): one exhaustive switch, so an
// action without a case here is a compile error.
import { newCaseId } from '../util/caseIds.js';
import { answerKeyOf } from '../trials/catalogue.js';
import { possibleTrials, verdicts } from '../trials/screen.js';
import type { TurnDraft } from './draft.js';
import { finalOutcome } from './outcome.js';
import { unreachable, type Action } from './schema.js';
import type { ConversationState, Position } from './state.js';

export function runAction(draft: TurnDraft, action: Action, position: Position): void {
  const { state } = draft;
  switch (action) {
    case 'triage_outcome':
      finalOutcome(draft, position.tree);
      break;
    case 'handoff':
    case 'handoff_event': {
      if (state.support) {
        // Already waiting or talking: say where things stand rather than open a second case.
        draft.effects.push({ type: 'support', event: 'status', caseId: state.support.caseId });
        break;
      }
      const caseId = newCaseId();
      const mode = action === 'handoff' ? 'console' : 'event';
      draft.effects.push({ type: 'handoff', reason: position.tree, caseId, mode });
      state.support = { caseId, status: 'waiting', mode, since: new Date().toISOString() };
      break;
    }
    case 'record_callback': {
      if (state.support?.status === 'waiting') {
        // A call-back instead of waiting: leave the queue.
        draft.effects.push({ type: 'support', event: 'cancelled', caseId: state.support.caseId });
        state.support = undefined;
      }
      draft.effects.push({ type: 'record_callback', caseId: newCaseId(), answers: { ...state.answers } });
      dropAnswers(state, CALLBACK_ANSWER);
      break;
    }
    case 'discard_callback':
      dropAnswers(state, CALLBACK_ANSWER);
      break;
    case 'record_feedback': {
      const { support_helpful: helpful, support_comment: comment } = state.answers;
      if (state.lastCaseId) {
        draft.effects.push({
          type: 'record_feedback',
          caseId: state.lastCaseId,
          ...(helpful !== undefined ? { helpful: String(helpful) } : {}),
          ...(comment !== undefined ? { comment: String(comment) } : {}),
        });
      }
      state.lastCaseId = undefined;
      dropAnswers(state, FEEDBACK_ANSWER);
      break;
    }
    case 'record_trial_lead': {
      const { trials } = draft.content;
      const criteria: Record<string, string | number> = {};
      for (const question of trials.questions) {
        const value = state.answers[answerKeyOf(question)];
        if (value !== undefined) criteria[question.id] = value;
      }
      const possible = possibleTrials(trials, state.answers).map((v) => ({ id: v.trial.id, title: v.trial.title, status: v.status as 'fits' | 'maybe' }));
      draft.effects.push({ type: 'record_trial_lead', answers: { ...state.answers }, trials: possible, criteria });
      break;
    }
    case 'trial_results':
      sayTrialResults(draft);
      break;
    case 'trial_privacy':
      for (const { trial } of possibleTrials(draft.content.trials, state.answers)) {
        draft.say(
          draft.fill(draft.content.messages.trials.privacy, {
            title: trial.title,
            sponsor: trial.sponsor,
            sites: trial.sites.join('; '),
            privacy: trial.privacy,
            contact: trial.contact,
          }),
        );
      }
      break;
    case 'forget_me':
      draft.effects.push({ type: 'forget_me' });
      break;
    default:
      // A new action in ACTIONS without a case here does not compile.
      unreachable(action, 'action');
  }
}

/** One line per trial: may fit, may fit with the team checking, or not a fit and why. */
function sayTrialResults(draft: TurnDraft): void {
  const { trials, messages } = draft.content;
  const lines = verdicts(trials, draft.state.answers).map((v) => {
    const values = { title: v.trial.title, summary: v.trial.summary, reason: v.reason ?? '' };
    if (v.status === 'fits') return draft.fill(messages.trials.fits, values);
    if (v.status === 'maybe' || v.status === 'open') return draft.fill(messages.trials.maybe, values);
    return draft.fill(messages.trials.not_a_fit, values);
  });
  draft.say(`${draft.fill(messages.trials.results_intro)}\n\n${lines.map((l) => `- ${l}`).join('\n')}`);
}

/** Answers kept only until they are stored with a case (call-back details, feedback). */
const CALLBACK_ANSWER = /^callback_/;
const FEEDBACK_ANSWER = /^support_/;

function dropAnswers(state: ConversationState, pattern: RegExp): void {
  for (const key of Object.keys(state.answers)) if (pattern.test(key)) delete state.answers[key];
}
