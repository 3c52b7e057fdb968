// Safety recall, session 7 (issue #11): a possible cauda equina sign is never left without its
// urgent advice. Before: a sure lesser sign in the same message ("a fever since Tuesday")
// took the advice for its own level and the possible cauda equina sign beside it was dropped
// (no advice for its level, no question). Now its level goes into the advice at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { decideMessage } from '../../src/bot/decide.js';
import { newConversationState } from '../../src/engine/state.js';
import type { RedFlagDetection, Understander } from '../../src/nlu/types.js';
import { testBackline } from '../helpers/backline.js';

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ EMERGENCY_NUMBER: '911' });
}, 120_000);
afterAll(async () => {
  await backline.close();
});

/** The real understanding, with the red-flag detection of one message fixed. */
function withDetection(text: string, detection: RedFlagDetection): Understander {
  const nlu = backline.nlu;
  return {
    detectRedFlags: (t, original) => (t === text ? detection : nlu.detectRedFlags(t, original)),
    detectCrisis: (t) => nlu.detectCrisis(t),
    classify: (t) => nlu.classify(t),
  };
}

describe('a possible cauda equina sign beside a sure lesser sign', () => {
  const text = 'fever since tuesday and my bum feels a bit funny, not sure';

  it('the advice is for the cauda equina level at once, with no question first', () => {
    const nlu = withDetection(text, { flags: ['fever'], possible: ['saddle_anaesthesia'], isQuestionAbout: [] });
    const draft = decideMessage(backline.content.engine, nlu, newConversationState(), { text });
    const advice = draft.replies.find((r) => r.triage);
    expect(advice?.triage?.level, draft.replies.map((r) => r.text).join('\n')).toBe('emergency');
    const firstAsk = draft.replies.findIndex((r) => r.ask?.evidence);
    expect(firstAsk === -1 || firstAsk > draft.replies.indexOf(advice!)).toBe(true);
    expect(draft.state.answers.saddle_anaesthesia).toBe('unsure');
    expect(draft.state.answers.fever).toBe('yes');
  });

  it('the sure lesser sign alone keeps its own level (the change adds nothing without a cauda equina sign)', () => {
    const nlu = withDetection(text, { flags: ['fever'], possible: ['night_pain'], isQuestionAbout: [] });
    const draft = decideMessage(backline.content.engine, nlu, newConversationState(), { text });
    const advice = draft.replies.find((r) => r.triage);
    expect(advice?.triage?.level).not.toBe('emergency');
    expect(draft.state.answers.night_pain).toBeUndefined();
  });
});
