// The rules in knowledge/triage-rules.yaml are at least as cautious as CONTRACT §4.
import { describe, expect, it } from 'vitest';
import { levelRank, RED_FLAG_IDS, type TriageLevel } from '../../src/contract.js';
import { couldRaiseLevel, evaluateTriage, loadTriageRules } from '../../src/triage/rules.js';

const rules = loadTriageRules('knowledge/triage-rules.yaml');
const neutral = { age: 35, duration_weeks: 1 };
const atLeast = (answers: Record<string, string | number>, level: TriageLevel) =>
  expect(levelRank(evaluateTriage(rules, { ...neutral, ...answers }).level)).toBeLessThanOrEqual(levelRank(level));

describe('contract §4 minimum', () => {
  it.each([
    ['sudden_severe_pain', 'emergency_ambulance'],
    ['chest_pain', 'emergency_ambulance'],
    ['saddle_anaesthesia', 'emergency'],
    ['bladder_dysfunction', 'emergency'],
    ['bowel_dysfunction', 'emergency'],
    ['sexual_dysfunction', 'emergency'],
    ['bilateral_leg_symptoms', 'emergency'],
    ['progressive_weakness', 'emergency'],
    ['significant_trauma', 'emergency'],
    ['fever', 'consultation_24'],
    ['infection_risk', 'consultation_24'],
    ['cancer_history', 'consultation_24'],
    ['osteoporosis_risk', 'consultation_24'],
    ['weight_loss', 'consultation'],
    ['night_pain', 'consultation'],
    ['inflammatory_pattern', 'consultation'],
    ['pain_worsening', 'consultation'],
  ] as const)('%s alone gives at least %s', (flag, level) => {
    atLeast({ [flag]: 'yes' }, level);
  });

  it.each(['progressive_weakness', 'bilateral_leg_symptoms', 'saddle_anaesthesia', 'bladder_dysfunction', 'bowel_dysfunction'])(
    'significant_trauma with %s calls an ambulance',
    (flag) => atLeast({ significant_trauma: 'yes', [flag]: 'yes' }, 'emergency_ambulance'),
  );

  it('age under 16, age 50 or over and two weeks or more each need a consultation', () => {
    atLeast({ age: 15 }, 'consultation');
    atLeast({ age: 50 }, 'consultation');
    atLeast({ duration_weeks: 2 }, 'consultation');
    expect(evaluateTriage(rules, { age: 16, duration_weeks: 1.9 }).level).toBe('self_care');
    expect(evaluateTriage(rules, { age: 49, duration_weeks: 0 }).level).toBe('self_care');
  });

  it('"not sure" counts as yes', () => {
    for (const flag of RED_FLAG_IDS) {
      expect(evaluateTriage(rules, { ...neutral, [flag]: 'unsure' }).level).toBe(evaluateTriage(rules, { ...neutral, [flag]: 'yes' }).level);
    }
  });

  it('the outcome is the most urgent level, with every reason, most urgent first', () => {
    const outcome = evaluateTriage(rules, { fever: 'yes', chest_pain: 'yes', age: 60, duration_weeks: 3 });
    expect(outcome.level).toBe('emergency_ambulance');
    expect(outcome.reasons[0]!.level).toBe('emergency_ambulance');
    expect(outcome.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['infection_cancer_bone_risk', 'older_age', 'lasting_two_weeks']));
  });

  it('nothing at all is self-care', () => {
    expect(evaluateTriage(rules, neutral)).toEqual({ level: 'self_care', reasons: [] });
  });
});

describe('couldRaiseLevel (skipping questions after urgent advice)', () => {
  it('after emergency advice, only questions that could call an ambulance remain', () => {
    const answers = { saddle_anaesthesia: 'yes' };
    expect(couldRaiseLevel(rules, answers, 'chest_pain')).toBe(true);
    expect(couldRaiseLevel(rules, answers, 'significant_trauma')).toBe(true);
    expect(couldRaiseLevel(rules, answers, 'fever')).toBe(false);
    expect(couldRaiseLevel(rules, answers, 'age')).toBe(false);
  });
  it('after an ambulance outcome nothing can raise it', () => {
    for (const flag of RED_FLAG_IDS) expect(couldRaiseLevel(rules, { chest_pain: 'yes' }, flag)).toBe(false);
  });
});
