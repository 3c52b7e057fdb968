// CAUDA_EQUINA_FLAGS (src/contract.ts) and the `cauda_equina_signs` rule of
// knowledge/triage-rules.yaml name the same signs: the rule decides the emergency, the constant
// decides that a possible sign gets the advice before any question and which signs the
// assertion gate never sets aside on a weak cue. Until the constant is derived from the rule,
// this keeps the two from drifting apart.
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { loadTriageRules } from '../../src/triage/rules.js';

describe('cauda equina signs', () => {
  it('the contract constant and the triage rule list the same signs', () => {
    const rules = loadTriageRules('knowledge/triage-rules.yaml');
    const rule = rules.rules.find((r) => r.id === 'cauda_equina_signs');
    expect(rule?.level).toBe('emergency');
    expect([...(rule?.any ?? [])].sort()).toEqual([...CAUDA_EQUINA_FLAGS].sort());
  });
});
