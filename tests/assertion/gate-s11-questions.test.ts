// The session-11 readings of the assertion gate (issue #11, false alarms of the kind "question or
// hypothetical"), one mechanism each, each with a control that is a real report and must stay one:
//   - after a question, a clause that only says why one asks ("I'm just curious", "I'm asking for
//     my exam") is no report: its "I'm" is not "I'm 38.9"; what follows it in the clause may be;
//   - what the sign is, asked or told of the asker ("she asks what 'foot drop' means"), in a
//     message that only wonders or says the asker has none: an answer with safety-netting;
//   - a guess that owns the sign after a question about it ("what is saddle numbness? I think I
//     have it"): a report (it was read as a question before).
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues } from '../../src/nlu/assertionGate.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

const detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml'));
const rules = createAssertionGate({
  cues: loadAssertionCues('.'),
  detector,
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness' as const],
});
const gated = (text: string) => rules.apply(detector.detect(text), text);

describe('why one asks is no report', () => {
  it('"I\'m just curious" after a question about the sign leaves it a question', () => {
    const text = 'Can a trapped nerve ever cause bladder problems? My wife has not got any, I am just curious';
    expect(gated(text).flags).not.toContain('bladder_dysfunction');
    expect(gated('Is losing control of your bladder a sign of a disc problem? I am asking for my revision').flags).not.toContain('bladder_dysfunction');
  });

  it('a report after the curiosity in the same clause is still a report', () => {
    expect(gated("is it bad if both legs go numb? I'm just curious because mine have since this morning").flags).toContain('bilateral_leg_symptoms');
    expect(gated('what is foot drop, im just curious because my foot has been slapping since monday').flags).toContain('progressive_weakness');
  });
});

describe('what it is, asked with none of it', () => {
  it('told of the asker, with a denial: a strong question', () => {
    const v = rules.judge('progressive_weakness', "He wants to know what 'foot drop' means, it was on his discharge letter. He says his foot is normal.");
    expect(v.status).toBe('question');
    expect(v.strong).toBe(true);
    const w = rules.judge('saddle_anaesthesia', 'what does saddle anaesthesia mean, the nurse said to look out for it, i dont have it, just curious');
    expect(w.status).toBe('question');
    expect(w.strong).toBe(true);
  });

  it('her own numbness, or a report after it, stays current', () => {
    expect(rules.judge('saddle_anaesthesia', 'she asked what her numbness down there means, she doesnt have any pain').status).toBe('current');
    expect(gated('what does saddle numbness mean, i dont have back pain but my bum has been numb since yesterday').flags).toContain('saddle_anaesthesia');
  });
});

describe('a guess that owns it', () => {
  it('"I think I have it" or "that sounds like me" after the question is a report', () => {
    expect(gated('what is saddle numbness? I think I have it').flags).toContain('saddle_anaesthesia');
    expect(gated('what does saddle numbness mean? that sounds like me').flags).toContain('saddle_anaesthesia');
    // Without it: a question, answered.
    expect(gated('what is saddle numbness?').flags).not.toContain('saddle_anaesthesia');
  });
});
