// The session-11 readings of whose sign it is (issue #11, "someone else's sign", the largest
// kind of development false alarm), one mechanism each, each with a control that is a real
// report (a carer's or a relative's about the patient) and must stay current:
//   - the writer asks whether a relative's or a friend's sign could be their own ("does it run in
//     families?", "could that happen to me?") or says they have none of it ("I don't have it"):
//     the sign said of that person is theirs (writer_aside), unless the message names that
//     person's back or legs, or says who the patient is;
//   - "not him", "not hers" said beside a relative's sign with the patient unnamed (not_theirs_third);
//   - a story's character ("the detective", "the main character") and "there was a man ..." are
//     someone else's story;
//   - "my little boy", "my lad" are relatives; "my sciatica" is the writer's own complaint.
import { describe, expect, it } from 'vitest';
import { rulesGate } from '../helpers/assertionRules.js';

const rules = rulesGate();
const status = (sign: string, text: string) => rules.judge(sign, text).status;

describe("the writer asks about their own, beside someone else's sign", () => {
  it('a heredity question or "could that happen to me" makes a relative\'s sign theirs', () => {
    expect(status('osteoporosis_risk', 'my gran has osteoporosis, does that run in the family?')).toBe('other_person');
    expect(status('inflammatory_pattern', 'my sister has ankylosing spondylitis. is it hereditary? my back aches after football')).toBe('other_person');
    // Controls: the relative's back is named, or the writer says who the patient is.
    expect(status('cancer_history', 'my gran has had cancer and now her back is agony, does it run in the family?')).toBe('current');
    expect(status('osteoporosis_risk', "I'm asking for my gran, she has osteoporosis, is it genetic?")).toBe('current');
    expect(status('cancer_history', 'my dad has cancer and now his back is really bad at night')).toBe('current');
  });

  it('"could that happen to me" beside a friend\'s sign: the friend\'s; a cauda equina sign stays a question, never silence', () => {
    const v = rules.judge('bladder_dysfunction', 'my friend lost control of her bladder last year, could that happen to me?');
    expect(v.status).toBe('other_person');
    expect(v.strong).toBe(false);
    // Control: a carer's report of the patient's own cauda equina sign.
    expect(status('saddle_anaesthesia', "my wife can't feel her bottom since this morning")).toBe('current');
  });
});

describe('said not to be the patient, and stories', () => {
  it('"not him" beside a relative\'s sign, the patient unnamed: that relative\'s', () => {
    expect(status('osteoporosis_risk', 'grandpas back is stiff after golf. gran is the one with osteoporosis, not him. is he ok')).toBe('other_person');
    // Control: the same relative's sign with nobody else said to be the patient.
    expect(status('osteoporosis_risk', 'gran has osteoporosis and her back is sore after a fall')).toBe('current');
  });

  it("a story's character or \"there was a man...\" is someone else's story; the writer's own stays current", () => {
    expect(status('sudden_severe_pain', 'watching a drama where the hero gets a sudden tearing pain in his back, is that real?')).not.toBe('current');
    expect(status('sudden_severe_pain', 'there was a woman on the radio who had a sudden tearing pain, scary')).toBe('other_person');
    expect(status('sudden_severe_pain', 'I have a sudden tearing pain in my back right now')).toBe('current');
  });

  it('"my little boy" is a relative: his sign is not the writer\'s when the writer has the back trouble', () => {
    expect(status('fever', 'my little girl has a temperature, I have a bad back from carrying her')).toBe('other_person');
    expect(status('fever', 'my little boy has a temperature and a bad back')).toBe('current');
  });
});
