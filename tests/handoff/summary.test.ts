// The case summary the agent console shows names every answer in words a team member reads:
// warning signs by their label, trial pre-screen answers by their question, age and duration
// from messages (never a store key such as "trial_diagnosed").
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content.js';
import { newConversationState } from '../../src/engine/state.js';
import { buildSummary } from '../../src/handoff/summary.js';

describe('case summary labels', () => {
  const { engine } = loadContent('.', '911');
  const nlu = { classify: () => ({ intent: 'greeting' }) } as never;

  it('labels warning signs, trial questions, age and duration in words', () => {
    const state = {
      ...newConversationState(),
      answers: { saddle_anaesthesia: 'no', trial_diagnosed: 'yes', trial_blood_thinners: 'unsure', age: 52, duration_weeks: 3 },
    } as never;
    const labels = Object.fromEntries(buildSummary(engine, nlu, state, []).answers.map((a) => [a.id, a.label]));
    expect(labels['saddle_anaesthesia']).toBe(engine.redFlagLabel('saddle_anaesthesia'));
    expect(labels['trial_diagnosed']).toBe(engine.trials.questions.find((q) => q.id === 'diagnosed')!.text);
    expect(labels['trial_blood_thinners']).toMatch(/thin your blood/);
    expect(labels['age']).toBe('Age');
    expect(labels['duration_weeks']).toMatch(/how long/i);
    for (const label of Object.values(labels)) expect(label).not.toMatch(/^[a-z]+_[a-z_]+$/);
  });
});
