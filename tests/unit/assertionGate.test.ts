// The assertion gate on a labelled set written for it (tests/assertion/assertion-set.yaml):
// per-status precision and recall. The safety-critical number is the recall of `current`
// (a real report judged anything else could lose its urgent advice).
import { describe, expect, it } from 'vitest';
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues, parseAssertionCues, splitClauses } from '../../src/nlu/assertionGate.js';
import { loadAssertionSet, scoreAssertion } from '../../src/nlu/assertionSet.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';
import { createNluEngine } from '../../src/nlu/understand.js';

const detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml'));
const gate = createAssertionGate({
  cues: loadAssertionCues('.'),
  detector,
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'],
});

describe('assertion gate', () => {
  it('scores the labelled assertion set per status', () => {
    const items = loadAssertionSet('tests/assertion/assertion-set.yaml');
    expect(items.length).toBeGreaterThanOrEqual(150);
    const scores = scoreAssertion(items, gate);
    console.log(JSON.stringify({ total: scores.total, accuracy: scores.accuracy, perStatus: scores.perStatus }, null, 1));
    for (const e of scores.errors) console.log(`  ${e.expected} -> ${e.got} [${e.sign}] ${e.text} (${e.reason})`);
    // Real reports stay current: the gate must not drop them.
    expect(scores.perStatus.current!.recall).toBeGreaterThanOrEqual(0.95);
    // Whatever the gate sets aside is rarely a real report.
    for (const status of ['other_person', 'hypothetical', 'resolved', 'negated', 'other_sense']) {
      expect(scores.perStatus[status]?.precision ?? 1, status).toBeGreaterThanOrEqual(0.8);
    }
    expect(scores.accuracy).toBeGreaterThanOrEqual(0.75);
  });

  it('whole system: current reports kept, the rest set aside (detectors, then the gate)', () => {
    const engine = createNluEngine({ root: '.', cacheDir: 'data/test-nlu-cache', redFlagPatterns: loadRedFlagPatterns('knowledge/red-flags.yaml') });
    const items = loadAssertionSet('tests/assertion/assertion-set.yaml');
    const acted = (sign: string, text: string) => {
      const d = engine.detectRedFlags(text);
      return [...d.flags, ...d.possible].includes(sign as never);
    };
    const current = items.filter((i) => i.status === 'current');
    const others = items.filter((i) => i.status !== 'current');
    const missed = current.filter((i) => !acted(i.sign, i.text));
    const alarmed = others.filter((i) => acted(i.sign, i.text));
    const kept = 1 - missed.length / current.length;
    const setAside = 1 - alarmed.length / others.length;
    console.log(
      'system',
      JSON.stringify({ currentKept: kept.toFixed(4), nonCurrentSetAside: setAside.toFixed(4), current: current.length, others: others.length }),
    );
    for (const i of missed) console.log(`  missed ${i.sign}: ${i.text}`);
    for (const i of alarmed) console.log(`  alarmed ${i.status} ${i.sign}: ${i.text}`);
    // Misses here are the detectors' (the gate keeps every current item: see the test above).
    expect(kept).toBeGreaterThanOrEqual(0.85);
    expect(setAside).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('keeps a carer report current and sets a stranger story aside', () => {
    expect(gate.judge('bladder_dysfunction', 'my wife has not been able to pee since last night and her back is bad').status).toBe('current');
    expect(gate.judge('bladder_dysfunction', 'a man on the news lost control of his bladder after a slipped disc, can that happen?').status).toBe(
      'other_person',
    );
  });

  // Mechanisms behind real reports the gate once set aside (found by a blind set, then fixed):
  it('keeps own reports that sit next to a question, a leaflet, a carer\'s "just wondering" or something else sorted', () => {
    // "is that normal?" asks about the sign; it does not say the part is fine.
    expect(gate.judge('sexual_dysfunction', 'no feeling down below during sex since my back went, is that normal?').status).toBe('current');
    // A leaflet or the internet in the same sentence as the writer's own report is not a story about someone else.
    expect(gate.judge('pain_worsening', "it keeps getting worse, and I've done all the exercises the website said").status).toBe('current');
    // A carer wondering about the patient's history: still the patient's.
    expect(
      gate.judge('cancer_history', 'my husband finished chemo for bowel cancer two years ago and now his back hurts, just wondering if it matters').status,
    ).toBe('current');
    // "Sorted" about something else, then trouble that began after a fine spell: the injury stands.
    expect(
      gate.judge(
        'significant_trauma',
        "I came off my bike on Sunday and landed hard on my back. The bike shop has sorted the wheel. I was okay that evening. Since Monday I can't bend",
      ).status,
    ).toBe('current');
  });

  it('reads "it was fine last week and now" as current, not resolved', () => {
    expect(gate.judge('progressive_weakness', 'my leg is losing strength, it was fine last week and now I can barely climb the stairs').status).toBe('current');
  });

  it('moves a hypothetical cauda equina sign to a question, and keeps a weakly judged one as a confirming question', () => {
    const asked = gate.apply({ flags: ['bladder_dysfunction'], possible: [], isQuestionAbout: [] }, 'what would happen if I couldnt pee?');
    expect(asked).toEqual({ flags: [], possible: [], isQuestionAbout: ['bladder_dysfunction'] });
    // A relative's sign when the writer is the patient is a weak cue: one neutral question, not nothing.
    const relative = gate.apply({ flags: ['bladder_dysfunction'], possible: [], isQuestionAbout: [] }, 'my dad cant pee properly and my back is sore');
    expect(relative.possible).toContain('bladder_dysfunction');
  });

  // Session 9: whose sign it is when someone else is the clause's subject.
  it.each([
    ['significant_trauma', 'my colleague dropped a pallet on my back at work, the foreman said walk it off'],
    ['significant_trauma', 'was helping my mate move a wardrobe down the stairs, he let go and it came down on me'],
    ['infection_risk', "me and my partner both have HIV, mine isn't well controlled at the moment"],
  ])('keeps %s current when the sign names the writer or the writer is named with someone: %s', (sign, text) => {
    expect(gate.judge(sign, text).status).toBe('current');
  });

  // Session 10: an episode put long past and said not to have come back since (not_since).
  it.each([
    ['infection_risk', 'had spinal surgery 10 yrs ago, been fine since, this is a new twinge from gardening'],
    ['bladder_dysfunction', 'I had urinary retention after my hip replacement in 2019, catheter for a day, fine ever since. Is that linked to my back now?'],
    ['progressive_weakness', "years ago, maybe 2012, my leg went weak for a day after a long drive. never happened since. this time it's just pain"],
    ['bladder_dysfunction', 'I had a bladder accident once after my second baby but that was 10 years ago'],
    ['bilateral_leg_symptoms', 'I used to get pins and needles in both legs when I was pregnant, but that was years ago, nothing now'],
    ['fever', "I had a bad cold with fever last month but it's finished now, the back pain is new, should I worry?"],
  ])('sets %s aside as resolved when long past and not since: %s', (sign, text) => {
    expect(gate.judge(sign, text).status).toBe('resolved');
  });

  it.each([
    // Recent, not long past: "nothing since" alone never makes a cauda equina report history.
    ['bladder_dysfunction', 'I wet myself on sunday without knowing, nothing since'],
    ['bladder_dysfunction', 'had an accident yesterday, couldnt feel it coming, been fine since'],
    // Long past and fine, then back: the sign is current.
    ['saddle_anaesthesia', 'I had numbness down below in 2019, fine since, but since yesterday I cant feel my bum again'],
    // Another sign long past; this one is new.
    ['bladder_dysfunction', 'had a fall last year, been fine since, but this morning I wet myself and didnt feel it'],
  ])('keeps %s current when it is recent or back: %s', (sign, text) => {
    expect(gate.judge(sign, text).status).toBe('current');
  });

  // Session 10: figures of speech for fever, weight loss, a fall and weak legs (other_sense).
  it.each([
    ['fever', 'got tickets for Fever Pitch at the theatre but not sure I can sit that long with my back, any tips?'],
    ['fever', "i'm hot n cold about trying injections tbh"],
    ['fever', "my husband says I get a fever every time there's a sale on lol. anyway, is a heat pad good for back pain"],
    ['weight_loss', "my wallet's lost more weight than I have this year lol. anyway, best stretches for a bad back?"],
    ['significant_trauma', 'ok so i had a fall, a fall in my grades lol cos i cant sit in lectures with this back, any tips for sitting'],
    ['significant_trauma', 'i fell off the wagon with my diet lol, my back just started aching when i lift my leg'],
    ['bilateral_leg_symptoms', 'my legs went to jelly when I saw the price of private physio'],
    ['progressive_weakness', 'my knees go weak when i watch horror films lol, no seriously my legs are fine'],
  ])('reads a figure of speech as another sense (%s): %s', (sign, text) => {
    expect(gate.judge(sign, text).status).toBe('other_sense');
  });

  it.each([
    // The real sign beside the figure of speech, in the same sentence.
    ['fever', 'cabin fever from being stuck in with my back, and now a temperature of 38.5'],
    ['fever', 'cabin fever from being stuck in with my back, and now ive got a fever too'],
    ['weight_loss', 'lost 2 stone without trying, my purse is empty from buying smaller clothes'],
    ['significant_trauma', 'fell off the wagon last night and then fell down the stairs drunk'],
    ['bilateral_leg_symptoms', 'both my legs went to jelly and I fell over in the kitchen'],
  ])('keeps %s current beside a figure of speech: %s', (sign, text) => {
    expect(gate.judge(sign, text).status).toBe('current');
  });

  it("does not take a pet's doing for the writer's sign", () => {
    expect(gate.judge('bladder_dysfunction', 'the puppy wet my bed lol, back is stiff from the sofa').status).toBe('other_person');
  });

  it('splits clauses at commas and contrast words', () => {
    expect(splitClauses('had a fever, but its gone now. Back hurts', loadAssertionCues('.')).map((c) => c.text)).toEqual([
      'had a fever',
      'its gone now',
      'back hurts',
    ]);
  });

  it('rejects a cue file with a bad pattern, naming the entry', () => {
    expect(() => parseAssertionCues('strangers: ["(unclosed"]\n', 'cues.yaml')).toThrow(/cues.yaml/);
  });
});
