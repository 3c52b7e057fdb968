// Who a message is about: the person typing or someone they ask for ("my dad", "she's 78"),
// noted in the state; and the warning-sign check asked again about the patient when the
// answers so far were about the wrong person.
import { restartCheck } from '../engine/check.js';
import type { TurnDraft } from '../engine/runtime.js';
import type { PatientReading } from '../nlu/patient.js';
import { isCollectingAnswers } from './flowControl.js';

/** Notes who the message is about in the state; a carer's report of the patient's age counts. */
export function notePatient(draft: TurnDraft, text: string): PatientReading {
  const { state, content } = draft;
  const reading = content.patient.read(text);
  // Someone else only implied ("my dad had cancer") while the person has said it is them, or
  // is answering the check about themselves, is family history, not a change of patient.
  const answeringForSelf = state.patient?.who === 'self' || (!state.patient && (state.pending?.kind === 'confirm_flags' || isCollectingAnswers(draft)));
  if (reading.who === 'other') {
    if (reading.explicit || !answeringForSelf) {
      const before = state.patient?.who === 'other' ? state.patient : undefined;
      const rel = reading.rel ?? (reading.byPronoun ? before?.rel : undefined);
      const pronoun = reading.rel ? reading.pronoun : (before?.pronoun ?? reading.pronoun);
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

/** Restarts the warning-sign check for someone else, if it is under way; "no" answers given for "you" are dropped. */
export function restartCheckForPatient(draft: TurnDraft): boolean {
  if (draft.state.pending) return false;
  return restartCheck(draft, draft.content.messages.patient_switched);
}
