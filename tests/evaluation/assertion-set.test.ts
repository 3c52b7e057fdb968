// Ratchets on the held-out assertion set (tests/assertion/assertion-set.yaml, never trained
// on): the gate as the bot runs it (rules with the learned assertion model) and the rules
// alone. Current recall must stay 1.0: a real report judged anything else could lose its
// urgent advice. Accuracy: measured 2026-12-07 (rules alone 0.8269 before this session's
// rules; after: rules 0.8397 and rules with the model 0.859, the rules kept to the clause that
// holds the sign so that a denial or "fine after" elsewhere never silences it). Session 5 (s5
// corpus, budgeted set-aside, question and denial readings): rules 0.859, with the model 0.8782
// (a cauda equina sign the model alone is very sure of is answered with safety-netting: status
// "question" where the set says negated or other_sense, never silence).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues } from '../../src/nlu/assertionGate.js';
import { ASSERTION_CLASSES } from '../../src/nlu/assertionModel.js';
import { loadAssertionSet, scoreAssertion } from '../../src/nlu/assertionSet.js';
import { SET_ASIDE_BUDGET, loadAssertionThresholds, loadOrTrainAssertionModel, readAssertionSources } from '../../src/nlu/assertionTraining.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

const base = {
  cues: loadAssertionCues('.'),
  detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness' as const],
};
const rules = createAssertionGate(base);
const { model } = loadOrTrainAssertionModel({ root: '.', cacheDir: 'data/test-nlu-cache', describe: (s, t) => rules.describe(s, t) });
const thresholds = loadAssertionThresholds();
const both = createAssertionGate({ ...base, learned: { model, thresholds: thresholds.thresholds } });
const items = loadAssertionSet('tests/assertion/assertion-set.yaml');

describe('assertion set (held out)', () => {
  // 0.8782 -> 0.8718 in session 7: the model retrained with the s7 round's real reports under the
  // same budget sets fewer near misses aside (one more of the set's statuses read as current).
  // Current recall, the safety half, stays 1.0.
  // 0.8718 -> 0.859 (with the model) and 0.859 -> 0.8526 (rules alone) in session 8: thresholds
  // chosen leave-one-round-out set fewer near misses aside (0.8654), and questions that only ask
  // about a sign now reach the gate so a report after them is caught (two more statuses read as
  // current). Current recall stays 1.0.
  it('rules with the learned model: accuracy >= 0.859, current recall 1.0', () => {
    const s = scoreAssertion(items, both);
    for (const e of s.errors) console.log(`  ${e.expected} -> ${e.got} [${e.sign}] ${e.text} (${e.reason})`);
    expect(s.perStatus.current!.recall).toBe(1);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.859);
  });

  it('rules alone: accuracy >= 0.8526, current recall 1.0', () => {
    const s = scoreAssertion(items, rules);
    expect(s.perStatus.current!.recall).toBe(1);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.8526);
  });

  it('the thresholds file was chosen on the corpus the model is trained on', () => {
    expect(thresholds.corpusHash).toBe(readAssertionSources('.').hash);
    // Set by the positives: out of fold, the model alone sets aside at most SET_ASIDE_BUDGET of
    // the real reports the rules keep (a cauda equina one then gets a question, never silence).
    const numbers = thresholds.chosenOn as {
      positives: number;
      positivesSetAsideAloneAtThreshold: number;
      positivesAllowedByBudget: number;
      setAsideBudget: number;
    };
    expect(numbers.setAsideBudget).toBe(SET_ASIDE_BUDGET);
    expect(numbers.positivesAllowedByBudget).toBeLessThanOrEqual(SET_ASIDE_BUDGET * numbers.positives);
    expect(numbers.positivesSetAsideAloneAtThreshold).toBeLessThanOrEqual(numbers.positivesAllowedByBudget);
    expect(thresholds.thresholds.setAsideAlone).toBeLessThan(0.05);
  });

  it('the model alone tells a stranger, an "if", a denial and a report apart', () => {
    const cls = (sign: string, text: string) => {
      const p = model.probabilities(rules.describe(sign, text).input);
      return ASSERTION_CLASSES[p.indexOf(Math.max(...p))];
    };
    expect(cls('bladder_dysfunction', "I've not been able to pee since last night and my back is agony")).toBe('current');
    expect(cls('fever', 'no fever, no chills, nothing like that')).toBe('negated');
  });

  it('a cauda equina sign the rules set aside on a strong cue, while the model is sure it is current, is not silenced', () => {
    const text = 'my son is 16, sore back from football, he says both his legs feel weak and wobbly like jelly';
    expect(rules.judge('bilateral_leg_symptoms', text).strong).toBe(true); // "after football": the rules' other sense
    const verdict = both.judge('bilateral_leg_symptoms', text);
    // Weak: the gate turns it into one neutral confirming question (assertionGate.ts apply).
    expect(verdict.strong).toBe(false);
    expect(verdict.reason).toMatch(/disagrees/);
  });

  it('the thresholds file is deterministic JSON the script wrote', () => {
    const raw = JSON.parse(readFileSync('knowledge/nlu/assertion-model.json', 'utf8')) as { version: string };
    expect(raw.version).toBe(thresholds.version);
  });
});
