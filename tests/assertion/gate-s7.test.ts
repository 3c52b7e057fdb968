// The session-7 readings of the assertion gate (issue #11, false alarms by mechanism), one
// mechanism each, each with a control that is a real report and must stay current:
//   - a sign the patterns leave unsure only because of a comma ("no numbness down below, peein
//     normal": the "no" may carry over it) is read in its clause, where the denial is;
//   - asked about or listed by someone, then denied ("the GP asked if he had any numbness ...
//     and he said no to both", "the handout lists fever ... I've got none of those"), but not
//     when the "no" answers an ability ("asked if he could control his bladder, he said no") or
//     the sign came after all ("I said no, but now it is");
//   - advice quoted from a leaflet or a website ("go to A&E if you lose control of your
//     bladder"): anyone's "you", unless the writer says it is happening ("and I do");
//   - a normal reading said after the word ("temperature is normal 36.6");
//   - a carer's report retold in the first person (src/nlu/patient.ts): a sign found only in the
//     retelling is read in the writer's own clause, where the denial still is.
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues } from '../../src/nlu/assertionGate.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

const detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml'));
const patient = createPatientReader(loadPatientWords('.'));
const rules = createAssertionGate({
  cues: loadAssertionCues('.'),
  detector,
  patient,
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness' as const],
});
const setAside = (sign: string, text: string) => {
  const v = rules.judge(sign, text);
  return v.status !== 'current' && v.strong;
};
const current = (sign: string, text: string) => rules.judge(sign, text).status === 'current';

describe('denials', () => {
  it('a sign left unsure only by a comma is read in its clause, where it is said to be fine', () => {
    const text = 'no numbness down below, peein normal, number twos normal, just my back hurts when i lift my leg';
    // The patterns alone leave it a possible sign: the gate is what sets it aside.
    expect(detector.detect(text).possible).toContain('bladder_dysfunction');
    expect(rules.judge('bladder_dysfunction', text).status).toBe('negated');
    expect(current('bladder_dysfunction', "no numbness down below, but i haven't peed since yesterday")).toBe(true);
  });

  it('asked about by a doctor, then denied: negated; a "no" to an ability is the sign', () => {
    const gp =
      'the GP asked dad if he had any numbness between his legs or trouble with his waterworks and he said no to both, so she said its sciatica. how long does sciatica last at his age';
    expect(rules.judge('saddle_anaesthesia', gp).status).toBe('negated');
    expect(rules.judge('bladder_dysfunction', gp).status).toBe('negated');
    expect(
      setAside(
        'weight_loss',
        "doctor asked if she had lost weight, she hasnt, and if she'd ever had cancer, she hasnt. so what else could cause her back and leg pain",
      ),
    ).toBe(true);
    // Controls: the answer is yes; the "no" answers "could he control it"; the sign came after the "no".
    expect(current('weight_loss', 'the doctor asked if she had lost weight and she has, nearly a stone in a month without trying')).toBe(true);
    expect(current('bladder_dysfunction', 'the nurse asked if he could control his bladder and he said no')).toBe(true);
    expect(
      current('bilateral_leg_symptoms', 'I laughed when the doctor asked if it was both legs, I said no, but now it is, the right started this afternoon'),
    ).toBe(true);
  });

  it('listed as warning signs, then "none of those"', () => {
    const text = "my physio's handout lists fever, night pain and weight loss as warning signs. I've got none of those, just the ache when I lift my leg";
    expect(rules.judge('fever', text).status).toBe('negated');
    expect(rules.judge('weight_loss', text).status).toBe('negated');
    expect(current('fever', "my physio's handout lists fever as a warning sign and I've had a temperature of 38.5 since last night")).toBe(true);
  });

  it('a normal reading after the word denies a fever; a high one is a report', () => {
    expect(rules.judge('fever', "I don't have any fever, temperature is normal 36.6, is my back pain still serious?").status).toBe('negated');
    expect(current('fever', 'my temperature is 38.6 and I feel shivery, is my back pain serious?')).toBe(true);
  });
});

describe('questions: advice quoted from a leaflet or a website', () => {
  it('"go to A&E if you lose control of your bladder" asks about the sign; "and I do" reports it', () => {
    expect(setAside('bladder_dysfunction', 'NHS website says go to A&E if you lose control of your bladder. does that mean even a tiny bit of leaking?')).toBe(
      true,
    );
    expect(
      setAside(
        'saddle_anaesthesia',
        "the leaflet from the GP says 'seek urgent help if you have numbness around your bottom'. what does that actually feel like?",
      ),
    ).toBe(true);
    expect(current('saddle_anaesthesia', 'the leaflet says go to A&E if you have numbness around your bottom, and I do, since this morning')).toBe(true);
    expect(current('bladder_dysfunction', 'NHS website says go to A&E if you lose control of your bladder. I did this morning, I wet myself on the bus')).toBe(
      true,
    );
  });
});

describe("a carer's report retold in the first person", () => {
  const retold = (text: string) => {
    const reading = patient.read(text);
    expect(reading.who).toBe('other');
    return patient.toFirstPerson(text, {
      who: 'other',
      ...(reading.rel ? { rel: reading.rel } : {}),
      ...(reading.pronoun ? { pronoun: reading.pronoun } : {}),
    });
  };

  it("the sign found only in the retelling is read in the writer's clause: over there, kept when it is not", () => {
    const over = 'my dad had numbness in his bum after his op years ago, it went away, now just sciatica';
    // The patterns find it only in the retelling ("i had numbness in my bum...").
    expect(detector.detect(over).flags).not.toContain('saddle_anaesthesia');
    const theirs = retold(over);
    expect(detector.detect(theirs).flags).toContain('saddle_anaesthesia');
    // Without the retelling the gate has no place for it in the writer's words: current.
    expect(rules.judge('saddle_anaesthesia', over).status).toBe('current');
    expect(rules.judge('saddle_anaesthesia', over, undefined, theirs).status).toBe('resolved');
    const now = 'my dad has had numbness in his bum since yesterday, it hasnt gone away';
    expect(rules.judge('saddle_anaesthesia', now, undefined, retold(now)).status).toBe('current');
  });
});

describe('real reports a rule read as denied or over (s7 corpus round)', () => {
  it('"it used to be normal" says it changed; "weeing fine" denies it', () => {
    expect(current('bladder_dysfunction', 'my pee stream is like a drip now and it used to be normal')).toBe(true);
    expect(rules.judge('bladder_dysfunction', 'weeing fine pooing fine just cant lift my leg without my back screaming').status).toBe('negated');
  });

  it('"getting stronger" is over for the legs, worse for the pain', () => {
    expect(current('pain_worsening', 'The pain is getting stronger')).toBe(true);
    expect(rules.judge('progressive_weakness', "my legs were weak last month but they're getting stronger every day now").status).toBe('resolved');
  });

  it('a list of denials denies its own clauses, not the loss after "but"', () => {
    expect(current('weight_loss', 'No diet, no gym, but 10kg gone')).toBe(true);
    expect(rules.judge('bladder_dysfunction', 'no numbness anywhere, no wee problems, no temperature, just a sore back').status).toBe('negated');
  });
});
