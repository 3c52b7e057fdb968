// CAUDA_EQUINA_FLAGS (src/contract.ts) and the `cauda_equina_signs` rule of
// knowledge/triage-rules.yaml name the same signs: the rule decides the emergency, the constant
// decides that a possible sign gets the advice before any question and which signs the
// assertion gate never sets aside on a weak cue.
//
// Why a constant proved equal, not one derived from the rule: contract.ts is the bottom layer
// (ids only, no file reading), and the constant is read where the rules are not at hand (the
// assertion gate is built inside the NLU engine, the answer history in the engine). Deriving it
// would thread the triage rules through those layers for a list that changes only with the
// clinical pathway. These tests fail the moment the two drift apart, in either direction.
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS, RED_FLAG_IDS } from '../../src/contract.js';
import { evaluateTriage, loadTriageRules } from '../../src/triage/rules.js';

const rules = loadTriageRules('knowledge/triage-rules.yaml');

describe('cauda equina signs', () => {
  it('the contract constant and the triage rule list the same signs', () => {
    const rule = rules.rules.find((r) => r.id === 'cauda_equina_signs');
    expect(rule?.level).toBe('emergency');
    expect(rule?.all ?? []).toEqual([]);
    expect([...(rule?.any ?? [])].sort()).toEqual([...CAUDA_EQUINA_FLAGS].sort());
  });

  it('each sign of the constant, alone and even unsure, fires the cauda equina rule at emergency', () => {
    for (const flag of CAUDA_EQUINA_FLAGS) {
      for (const answer of ['yes', 'unsure'] as const) {
        const outcome = evaluateTriage(rules, { [flag]: answer });
        expect(outcome.level, `${flag} ${answer}`).toBe('emergency');
        expect(
          outcome.reasons.map((r) => r.rule),
          flag,
        ).toContain('cauda_equina_signs');
      }
    }
  });

  it('no other warning sign fires the cauda equina rule', () => {
    for (const flag of RED_FLAG_IDS.filter((f) => !CAUDA_EQUINA_FLAGS.includes(f))) {
      expect(
        evaluateTriage(rules, { [flag]: 'yes' }).reasons.map((r) => r.rule),
        flag,
      ).not.toContain('cauda_equina_signs');
    }
  });
});
