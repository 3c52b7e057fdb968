// Assertion status of a learned hit (src/nlu/assertion.ts), from the cues of knowledge/red-flags.yaml.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedStatus, measureAssertion, messageStatus } from '../../src/nlu/assertion.js';
import type { LabelledText } from '../../src/nlu/learnedRedFlags.js';
import { createRedFlagDetector, loadRedFlagPatterns, type RedFlagDetector } from '../../src/nlu/redFlagDetector.js';
import type { LearnedSign } from '../../src/nlu/learnedRedFlags.js';

let detector: RedFlagDetector;
beforeAll(() => {
  detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml', { cacheDir: false }));
});

const status = (sign: LearnedSign, text: string) => messageStatus(sign, text, detector);

describe('assertion status', () => {
  it.each([
    ['saddle_anaesthesia', "my wife can't feel anything when she wipes"],
    ['bladder_dysfunction', "she's been wetting herself"],
    ['bilateral_leg_symptoms', "dad's legs both numb"],
    ['cancer_history', 'my dad had cancer, now his back is killing him'],
    ['cancer_history', 'my husband had chemo for bowel cancer last year'],
    ['bowel_dysfunction', "I didn't feel myself go, I just found it"],
    ['saddle_anaesthesia', 'is it serious that I cannot feel the toilet paper?'],
  ] as const)('a report about the patient is current: %s "%s"', (sign, text) => {
    expect(status(sign, text)).toBe('current');
  });

  it.each([
    ['saddle_anaesthesia', 'what would it mean if my bum went numb?', 'hypothetical'],
    ['bladder_dysfunction', 'should I worry if I ever lose control of my bladder?', 'hypothetical'],
    ['saddle_anaesthesia', 'what is saddle numbness?', 'question'],
    ['bladder_dysfunction', 'a guy at work lost control of his bladder', 'other_person'],
    ['bladder_dysfunction', 'my neighbour has lost bladder control with his slipped disc', 'other_person'],
    ['osteoporosis_risk', 'my husband has osteoporosis, not me', 'other_person'],
    ['cancer_history', 'my gran had bowel cancer a while ago, how do I stretch my back', 'other_person'],
    ['fever', 'had a temperature at the weekend. That is all sorted now.', 'resolved'],
    ['bilateral_leg_symptoms', 'both legs went numb last month, but that is all gone now', 'resolved'],
  ] as const)('%s "%s" is %s', (sign, text, expected) => {
    expect(status(sign, text)).toBe(expected);
  });

  it('maps near-miss kinds to the status they should get', () => {
    expect(expectedStatus('stranger')).toBe('other_person');
    expect(expectedStatus('pet')).toBe('other_person');
    expect(expectedStatus('hypothetical')).toBe('hypothetical');
    expect(expectedStatus('idiom')).toBeUndefined();
  });

  it('measures accuracy by kind, counting positives given another status as dropped', () => {
    const set: LabelledText[] = [
      { text: "she's been wetting herself", signs: ['bladder_dysfunction'], source: 'positive:bladder_dysfunction' },
      { text: 'what if my bum went numb?', signs: [], source: 'near_miss:saddle_anaesthesia:hypothetical' },
      { text: 'a friend at work has bladder problems', signs: [], source: 'near_miss:bladder_dysfunction:stranger' },
      { text: 'it was a wee accident with the coffee', signs: [], source: 'near_miss:bladder_dysfunction:other_sense' },
    ];
    const report = measureAssertion(set, detector);
    expect(report.total).toBe(3); // other_sense is the classifier's job, not a status
    expect(report.byKind.positive).toEqual({ total: 1, accuracy: 1, expected: 'current' });
    expect(report.byKind.hypothetical!.accuracy).toBe(1);
    expect(report.byKind.stranger!.expected).toBe('other_person');
    expect(report.positivesDropped).toEqual([]);
  });
});
