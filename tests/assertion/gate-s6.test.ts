// The session-6 readings of the assertion gate, one mechanism each, each with a control that is
// a real report and must stay current (or, for a cauda equina sign, at least a question):
//   - whose sign it is in a message naming several people: one of a group ("one fell off the
//     stage"), a stranger after "where", a dialect "me mate", a relative's little brother, the
//     patient named in words ("he's the one I'm asking about"), the writer's own "mine is just...";
//   - a question that opens after words about someone ("my son wants to know: why do doctors
//     ask about...?"), and what doctors ask ("why do they keep asking if I'm numb?");
//   - a fear of what may come ("I'm scared I'll end up incontinent");
//   - "now it's just a stiff back" is no recurrence; "long over", clean of drugs for years;
//   - other senses: a goal to lose weight, money lost at the bookies, an inhaler, drink, a
//     faint from hunger, "hot and cold on whether", shifting about in bed, childhood bed-wetting.
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues } from '../../src/nlu/assertionGate.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

const rules = createAssertionGate({
  cues: loadAssertionCues('.'),
  detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness' as const],
});
const setAside = (sign: string, text: string) => {
  const v = rules.judge(sign, text);
  return v.status !== 'current' && v.strong;
};
const current = (sign: string, text: string) => rules.judge(sign, text).status === 'current';

describe('whose sign it is when a message names several people', () => {
  it('one of a group the message names is not the patient; one of our residents is', () => {
    expect(
      setAside(
        'significant_trauma',
        "My daughter's 15 and the other girls on her dance team have had a terrible season: one fell off the stage and cracked a vertebra. My daughter just has a niggly low back.",
      ),
    ).toBe(true);
    expect(current('significant_trauma', 'One of our residents had an unwitnessed fall in her bathroom overnight, now her back hurts')).toBe(true);
  });

  it('a stranger after "where" in a programme is a stranger', () => {
    expect(
      setAside('saddle_anaesthesia', 'I watched a programme last night where a man lost all feeling in his backside from a disc. Could that happen to my dad?'),
    ).toBe(true);
  });

  it('"me mate" is a mate; the writer here for their own sciatica', () => {
    expect(setAside('significant_trauma', "me mate came off his bike and broke his back, I'm only here about me sciatica")).toBe(true);
  });

  it("the patient named in words: another relative's sign is set aside, even a cauda equina one", () => {
    const text =
      "My husband has sciatica down his right leg, he's the one I'm asking about. His brother is staying with us and wet himself on the walk home from the pub after eight pints.";
    expect(setAside('bladder_dysfunction', text)).toBe(true);
    // Control: the named patient's own sign.
    expect(current('bladder_dysfunction', "My husband has sciatica, he's the one I'm asking about. Since yesterday he can't pee at all.")).toBe(true);
  });

  it('"mine is just a sore back": a relative\'s sign is theirs; without it, a carer\'s report stays', () => {
    expect(setAside('bilateral_leg_symptoms', 'my sister has MS and gets numb legs, but mine is just a sore back from lifting')).toBe(true);
    expect(rules.judge('bilateral_leg_symptoms', 'my sister has numb legs since her back went, both of them').status).toBe('current');
  });
});

describe('questions', () => {
  it('a question opening after words about someone is a question about the sign', () => {
    const v = rules.judge(
      'saddle_anaesthesia',
      "My teenage son is doing a school project and wants to know: why do doctors ask about numbness between the legs? He doesn't have any of that himself.",
    );
    expect(v.status === 'question' || v.status === 'hypothetical').toBe(true);
    expect(v.strong).toBe(true);
  });

  it('what doctors ask is asking; "should I be worried that it is getting worse" stays a report', () => {
    expect(setAside('saddle_anaesthesia', "why do doctors keep asking if I'm numb between my legs?")).toBe(true);
    expect(current('pain_worsening', "Should I be worried that it's getting worse despite the painkillers?")).toBe(true);
  });

  it('does a condition do this to people in general', () => {
    expect(setAside('bowel_dysfunction', 'does arachnoiditis make you lose control of your bowels?')).toBe(true);
  });
});

describe('a fear of what may come', () => {
  it('is not a report', () => {
    expect(setAside('bladder_dysfunction', "I'm scared I'll end up incontinent")).toBe(true);
    expect(setAside('bilateral_leg_symptoms', "my biggest worry is it spreading into both legs like my friend's did")).toBe(true);
  });

  it('a fear with the sign said as a reason, or in a clause of its own, stays a report', () => {
    expect(current('bladder_dysfunction', "I'm worried it will get worse because I can't pee since this morning")).toBe(true);
    expect(current('bladder_dysfunction', "I'm scared I'll lose my job, I've wet myself twice today without feeling it")).toBe(true);
  });
});

describe('over, and not coming back', () => {
  it('"now it\'s just a stiff back" after "long gone" is over', () => {
    expect(setAside('bilateral_leg_symptoms', "I had sciatica in both legs years ago, long gone, now it's just a stiff lower back")).toBe(true);
    // Control: "now it's back" is a recurrence.
    expect(rules.judge('bilateral_leg_symptoms', "I had sciatica in both legs years ago, long gone, but now it's back in both legs").status).not.toBe(
      'resolved',
    );
  });

  it('clean of drugs for thirty years is past injecting', () => {
    expect(rules.judge('infection_risk', "Dad used to inject drugs in his twenties but he's been clean for over thirty years now").status).toBe('resolved');
    expect(current('infection_risk', "he's still injecting most days and his back hurts")).toBe(true);
  });

  it('a numb bum that went away as soon as I got up is over, "yesterday" or not', () => {
    expect(setAside('saddle_anaesthesia', "the numb bum I had yesterday went away as soon as I got up, I'd been sat on a concrete step for two hours")).toBe(
      true,
    );
  });
});

describe('other senses', () => {
  it.each([
    ['weight_loss', 'goal for this year: lose 2 stone so my back stops hurting'],
    ['weight_loss', "my husband keeps saying he's lost a few pounds this week, he means at the bookies, not weight"],
    ['osteoporosis_risk', 'I use the brown steroid inhaler for asthma, does that count as the steroid tablets thing for bones?'],
    ['sexual_dysfunction', 'my husband cant get it up cos he had too much to drink haha, anyway my back is the real problem'],
    ['sudden_severe_pain', "my son fainted at school last month because he skipped breakfast. he's now got a sore back after PE"],
    ['fever', "I'm running hot and cold on whether to have the surgery"],
    ['night_pain', 'hurts in bed till I shift about a bit, then it calms down and I drift off again'],
    ['bladder_dysfunction', 'I wet the bed when I was a kid till like 10, is that linked to back problems now?'],
    ['bladder_dysfunction', 'had a wee accident with me brew this morning, tea all over the sofa'],
  ])('%s: %s', (sign, text) => {
    expect(setAside(sign, text)).toBe(true);
  });

  it('controls: the same words said as the sign stay reports', () => {
    expect(current('fever', "since yesterday I've been hot and cold with my back")).toBe(true);
    expect(current('osteoporosis_risk', "I've been on steroid tablets for ten years for my asthma")).toBe(true);
    expect(current('bladder_dysfunction', "I've started wetting the bed since my back went on Tuesday")).toBe(true);
  });
});
