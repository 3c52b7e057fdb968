import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RED_FLAG_IDS, type RedFlagId } from '../../src/contract.js';
import {
  confirmQuestion,
  createRedFlagDetector,
  loadRedFlagPatterns,
  parseRedFlagPatterns,
  redFlagLabel,
  type RedFlagDetector,
  type RedFlagPatterns,
} from '../../src/nlu/redFlagDetector.js';

// Examples written for these tests, in the words (and spellings) people actually use.
// Each line of REPORTS must raise exactly its own red flag.
const REPORTS: Record<RedFlagId, string[]> = {
  saddle_anaesthesia: [
    'numb down below',
    "can't feel when I wipe",
    'cant feel my bum wen i wipe',
    'my bum is numb',
    'numbness in my groin and inner thighs',
    'tingling around my back passage',
    'I have no feeling between my legs',
    'my privates feel numb since yesterday',
    'the saddle area is numb',
    'when i wipe my bottom i feel nothing',
    'numbnes around my anus',
    'my bottom is no feeling',
    'down there is all numb',
    'i can not feel the toilet paper',
  ],
  bladder_dysfunction: [
    'wet myself without knowing',
    'peed myself and didnt notice',
    "I can't pee properly since yesterday",
    "she hasn't passed any urine since breakfast",
    "I don't know when I need to wee anymore",
    'lost control of my bladder',
    'leaking urine all the time',
    'I havent had a wee all day',
    "can't feel when i'm peeing",
    'my bladder is not working normal',
    'trouble peeing since the pain started',
    'the pee just comes out',
    'i keep wetting myself',
    'struggling to pass urine',
    'my bladder feels full but nothing comes out',
    'I am not able to make pee',
  ],
  bowel_dysfunction: [
    'pooed myself',
    "I've lost control of my bowels",
    'i cant tell when i need a poo',
    'poo came out and I never felt it',
    'soiled my pants without knowing',
    'bowel incontinence since monday',
    "can't hold my poo in",
    'my bowels are not working properly',
    'shat myself in the night',
    'leaking poo',
    'no control over my bowels',
    'didnt realise i had pooed',
  ],
  sexual_dysfunction: [
    'cant get it up since the back pain',
    "I can't get an erection anymore",
    'no feeling during sex',
    "I can't orgasm since this started",
    'erection problems since my back went',
    'my penis feels different during sex',
    'i cant climax anymore',
    'impotent since the back pain',
    'lost sensation during sex',
    'cant keep it up in bed',
    'sexual problems started with the back pain',
    'my man parts not working since my back went',
  ],
  bilateral_leg_symptoms: [
    'both legs going',
    'both my legs are numb',
    'pins and needles in both feet',
    'my legs are weak',
    'pain down both legs',
    'sciatica on both sides',
    'numbness in both thighs',
    'pain in my left leg and now my right leg is tingling',
    'i cant feel my legs properly',
    'my legs feel like jelly',
    'both of my feet are going numb',
    'both leg is numb',
    'numbness in my legs',
  ],
  progressive_weakness: [
    'foot slapping the floor',
    'my foot drags when I walk',
    'legs keep giving way',
    'weakness getting worse',
    'my leg keeps giving way',
    'I keep tripping over my toes, I cant lift my foot',
    'my right leg is getting weaker every day',
    'losing strength in my leg',
    'i have foot drop now',
    "I can't walk on my heels anymore",
    'my knee buckles under me',
    'my left foot is flopping when i walk',
    'the leg is more weak each day',
  ],
  fever: [
    'fever and chills',
    'shivering and hot',
    "I've got a high temperature",
    'been feeling feverish',
    'night sweats every night',
    'hot and cold sweats with the pain',
    'temp of 38.5',
    "I'm burning up and shivery",
    'i have fevr',
    'i have the shivers and feel awful',
    'my temperature is 39',
    'I have hot body and shaking',
  ],
  infection_risk: [
    'I inject drugs',
    "I'm an IV drug user",
    'my immune system is weak because of my medication',
    'I take methotrexate',
    'had a spinal injection two weeks ago',
    'I had back surgery last month',
    "I'm on immunosuppressants after my kidney transplant",
    'I had sepsis recently',
    'i have HIV',
    'recovering from a kidney infection',
    'I inject heroin',
  ],
  cancer_history: [
    'had breast cancer',
    'I had chemo last year',
    "I'm being treated for prostate cancer",
    'I had a tumour removed from my lung',
    'I had lymphoma when I was younger',
    "I'm in remission from leukaemia",
    'I had radiotherapy for bowel cancer',
    'cancer survivor here',
    'I have canser',
    'they found a melanoma on my back two years ago',
  ],
  weight_loss: [
    'lost a stone without trying',
    'weight falling off',
    "I've been losing weight and I don't know why",
    'my clothes are getting loose',
    'lost 10 kilos in two months',
    'i dropped two dress sizes',
    'weight loss without dieting',
    "I'm getting really thin",
    'lost lots of weight recently',
    'my weight has dropped a lot',
  ],
  night_pain: [
    'pain wakes me at night and nothing helps',
    'the pain keeps me awake all night',
    "it's worse at night",
    'I wake up in agony every night',
    "can't sleep because of the pain",
    "it hurts even when I'm lying still",
    "no position helps, it's there day and night",
    'worse when I rest',
    'woken by the pain every night',
    'the pain is terrible in bed',
  ],
  significant_trauma: [
    'fell off a ladder',
    'car crash last week',
    'I slipped on ice and landed on my back',
    'fell down the stairs',
    'I was hit by a car',
    'came off my motorbike',
    'got kicked in the back playing football',
    'I had a bad fall last week',
    'fell of a lader',
    'was tackled in rugby',
    'in a road accident on friday',
  ],
  osteoporosis_risk: [
    'on steroids for years',
    'prednisolone for my asthma for ages',
    'osteoporosis',
    'I have brittle bones',
    "I've been taking prednisone for 2 years",
    'my bone scan showed osteopenia',
    'i have osteoperosis',
    'I take steroid tablets every day for my lungs',
    'long term steroids for crohns',
  ],
  chest_pain: [
    'chest pain',
    'pain between my shoulder blades',
    'my chest feels tight',
    'pressure in my chest',
    'crushing pain in my chest',
    'the pain goes into my chest',
    'i have pain in the chest',
    'hurts between the shoulder blades',
    'chest hurts when the back pain comes',
  ],
  sudden_severe_pain: [
    'sudden tearing pain in my back',
    'passed out with the pain',
    'worst pain of my life came on suddenly',
    'I fainted because of the pain',
    'it feels like something is ripping inside',
    'sudden severe pain in my back and belly',
    'i blacked out from the pain',
    'out of nowhere excruciating pain in my lower back',
    'agonising pain in my tummy and back',
    'I collapsed with back pain',
  ],
  inflammatory_pattern: [
    'stiff every morning for hours but better when i move',
    "I'm stiff for over an hour when I wake up",
    'it takes me hours to loosen up in the mornings',
    'my back is stiff till lunchtime every morning',
    'I have ankylosing spondylitis',
    'morning stiffness lasts ages',
    'when i get up its stiff for a couple of hours',
    'stiffness in the morning for at least 2 hours',
  ],
  pain_worsening: [
    'getting worse even though i rest',
    'the pain keeps getting worse',
    "it's getting worse and worse",
    'my back pain is worsening',
    'worse every day despite painkillers',
    'not improving despite rest and physio',
    'its only getting worse',
    'the pain is much worse than last week',
  ],
};

// Ordinary back-pain talk, negations and plain questions: nothing raised, nothing to confirm.
const NOTHING: string[] = [
  'my back hurts when i lift my leg',
  'pain down my left leg',
  'tingling in one foot',
  'pins and needles in my right foot',
  'stiffness for ten minutes in the morning',
  'stiff for ten minutes in the morning then fine',
  'a bit sore after gardening',
  'my back is weak',
  'I feel sick of this pain',
  'sciatica down one leg',
  'it hurts when i sit for a long time',
  'hurt my back lifting a box',
  'pain gets worse when I sit',
  "it's worse when i bend over",
  'sharp pain when i bend',
  'I fell asleep on the sofa and woke up stiff',
  'my leg feels heavy after a long walk',
  'the cold weather makes it ache',
  'I had a hot bath and it helped',
  'my dog is getting old',
  'I was moving a chest of drawers and hurt my back',
  'I need to lose weight to help my back',
  'can I take ibuprofen',
  'will I need surgery?',
  'is physio any good for sciatica',
  'my bum hurts when I sit',
  'pain in my buttock on the right',
  'my hamstring is tight',
  "I'm a bit stiff when I get up but it goes after a few minutes",
  'the pain is about 5 out of 10',
  'lifting my leg in bed hurts my back',
  'I get cramp in my calf sometimes',
  'my back clicks',
  'I work at a desk all day',
  "I've had this for 3 weeks",
  "I'm 45 and it started last week",
  "it's a dull ache on one side",
  'I had a cold last week',
  'does stretching help?',
  'I walk the dog every morning',
  'my knee is a bit sore too',
  'my foot is a bit numb on the left',
  'I twisted when I picked up my son',
  'pain shoots down the back of my thigh',
  "I'm getting better slowly",
  "it's not getting any worse",
  'the physio said my core is weak',
  'I get pins and needles in my hand sometimes',
  'I have a slipped disc',
  'getting myself up off the floor is hard',
  'I never know what to do about it',
  'fewer twinges than last week',
  "I'll try the exercises tonight",
  'my back pain is getting better with rest',
  'I sit on a stool at work',
  'how do I stretch my hamstrings',
  'I feel like crap',
];

const NEGATED: string[] = [
  'no bladder problems',
  'not numb anywhere',
  'never had cancer',
  "I don't have a fever",
  'no numbness down below',
  'no fever or chills',
  "I haven't lost any weight",
  'no problems with my bowels',
  'no weakness in my legs',
  "I'm not on steroids",
  "No, I haven't wet myself",
  "I don't inject drugs",
  'no chest pain',
  "the pain doesn't wake me at night",
  "it isn't getting worse",
  'no history of cancer',
  'I can feel everything when I wipe',
  'no tingling around my bum',
  "I've never been in a car crash",
  'no trouble peeing',
  "my legs aren't weak",
  "I don't have osteoporosis",
  'no bladder or bowel problems',
  'I have not had a fall',
  'I have no pain between my shoulder blades',
  "my bum isn't numb",
  'Fever? No.',
  "I didn't fall, it just started",
];

// Asking what a red flag is, not reporting it.
const ASKING: Array<[string, RedFlagId[]]> = [
  ['what is saddle numbness?', ['saddle_anaesthesia']],
  ['what does cauda equina mean', ['saddle_anaesthesia', 'bladder_dysfunction', 'bowel_dysfunction']],
  ['why do you ask about bladder control', ['bladder_dysfunction']],
  ['why do doctors ask about weight loss?', ['weight_loss']],
  ['what counts as night pain?', ['night_pain']],
  ['what is foot drop?', ['progressive_weakness']],
  ['can back pain cause bladder problems?', ['bladder_dysfunction']],
  ['why do you need to know about cancer?', ['cancer_history']],
  ['what does osteoporosis have to do with back pain?', ['osteoporosis_risk']],
  ['tell me about chest pain and back pain', ['chest_pain']],
];

// Questions that report a symptom of one's own: acted on like any report.
const REPORTING_QUESTIONS: Array<[string, RedFlagId]> = [
  ['is it bad that i cant feel my bum when i wipe?', 'saddle_anaesthesia'],
  ['should I worry that both legs are numb?', 'bilateral_leg_symptoms'],
  ["what does it mean if I can't feel my bum when I wipe?", 'saddle_anaesthesia'],
  ["is it normal that I've wet myself twice this week?", 'bladder_dysfunction'],
  ['could my back be why I cant get an erection?', 'sexual_dysfunction'],
  ['why do I have a fever with my back pain?', 'fever'],
  ['Numb down below? yes', 'saddle_anaesthesia'],
];

// Unsure, second-hand or ambiguous: asked about with the confirm question, never dropped.
const UNSURE: Array<[string, RedFlagId]> = [
  ['maybe a bit of a temperature', 'fever'],
  ["I don't think I have a fever", 'fever'],
  ['I might have lost some weight', 'weight_loss'],
  // (lead's policy: "my mum had breast cancer" now raises nothing, see "someone else's history")
  ['no fever, numb bum', 'saddle_anaesthesia'],
  ["I'm worried it's cancer", 'cancer_history'],
  ['my leg feels weak', 'progressive_weakness'],
  ['is it normal to have numbness down below?', 'saddle_anaesthesia'],
  ['the GP told me to watch out for wetting myself', 'bladder_dysfunction'],
  ['Fever? Not sure.', 'fever'],
];

// Non-native English, text-speak and misspellings (each raises exactly its id).
const PLAIN_ENGLISH_IS_NOT_REQUIRED: Array<[string, RedFlagId]> = [
  ['i am not feel my backside when i go toilet', 'saddle_anaesthesia'],
  ['numbess in private part', 'saddle_anaesthesia'],
  ['cant feal my bum', 'saddle_anaesthesia'],
  ['i make pee in my pant and not know', 'bladder_dysfunction'],
  ['pee is coming without control', 'bladder_dysfunction'],
  ['poo is coming without i know', 'bowel_dysfunction'],
  ['both my legg are numbe', 'bilateral_leg_symptoms'],
  ['boht legs numb', 'bilateral_leg_symptoms'],
  ['my foot is drop when walking', 'progressive_weakness'],
  ['i am shivring and hot', 'fever'],
  ['i have hight temperature', 'fever'],
  ['i lose many weight without reason', 'weight_loss'],
  ['pain is more bad in night', 'night_pain'],
  ['i had car acident', 'significant_trauma'],
  ['taking predisolone long time', 'osteoporosis_risk'],
  ['the pain becoming worst and worst', 'pain_worsening'],
];

const MULTI: Array<[string, RedFlagId[]]> = [
  ['I fell off a ladder and now both legs are numb and I wet myself', ['bladder_dysfunction', 'bilateral_leg_symptoms', 'significant_trauma']],
  ['fever and chills, and I had chemo last year', ['fever', 'cancer_history']],
  ['lost a stone without trying and the pain wakes me at night', ['weight_loss', 'night_pain']],
  ['chest pain and a sudden tearing pain in my back', ['chest_pain', 'sudden_severe_pain']],
  ["cant feel my bum when I wipe and I've pooed myself", ['saddle_anaesthesia', 'bowel_dysfunction']],
  ['on steroids for years. Fell down the stairs yesterday.', ['significant_trauma', 'osteoporosis_risk']],
  ['i inject drugs and i have a high temperature', ['fever', 'infection_risk']],
  // Chemotherapy now is a cancer history and a weakened immune system (infection risk).
  ['on chemo', ['cancer_history', 'infection_risk']],
  ['i am on chemotheraphy', ['cancer_history', 'infection_risk']],
];

function inOrder(ids: RedFlagId[]): RedFlagId[] {
  return RED_FLAG_IDS.filter((id) => ids.includes(id));
}

let patterns: RedFlagPatterns;
let detector: RedFlagDetector;
beforeAll(() => {
  patterns = loadRedFlagPatterns();
  detector = createRedFlagDetector(patterns);
});

describe('red-flag detector: lay-language reports', () => {
  it('has at least 8 report examples for every red-flag id', () => {
    for (const id of RED_FLAG_IDS) expect(REPORTS[id].length, id).toBeGreaterThanOrEqual(8);
  });

  for (const id of RED_FLAG_IDS) {
    describe(id, () => {
      it.each(REPORTS[id])('"%s" raises exactly this red flag', (text) => {
        // Exactly: nothing else reported and nothing else left to confirm.
        const { flags, possible } = detector.detect(text);
        expect({ flags, possible }, JSON.stringify(detector.explain(text))).toEqual({ flags: [id], possible: [] });
      });
    });
  }
});

describe('red-flag detector: misspelt and non-native reports', () => {
  it.each(PLAIN_ENGLISH_IS_NOT_REQUIRED)('"%s" raises %s', (text, id) => {
    const { flags, possible } = detector.detect(text);
    expect({ flags, possible }, JSON.stringify(detector.explain(text))).toEqual({ flags: [id], possible: [] });
  });

  it('words that already report one red flag do not also raise a second, unsure one', () => {
    expect(detector.detect('my legs are weak')).toEqual({ flags: ['bilateral_leg_symptoms'], possible: [], isQuestionAbout: [] });
    expect(detector.detect('the pain is unbearable at night')).toEqual({ flags: ['night_pain'], possible: [], isQuestionAbout: [] });
    expect(detector.explain('my legs are weak').some((h) => h.id === 'progressive_weakness' && h.status === 'explained')).toBe(true);
  });

  it('never "corrects" a real English word into a symptom word', () => {
    // getting/wetting, never/fever, towel/bowel, tangle/tingl*: one letter apart, different words.
    for (const text of ['getting myself up is hard', 'never had it this bad before', 'I dried my back with a towel', 'my headphones tangle']) {
      expect(detector.detect(text), text).toEqual({ flags: [], possible: [], isQuestionAbout: [] });
    }
  });
});

describe('red-flag detector: nothing to raise', () => {
  it.each(NOTHING)('ordinary: "%s" raises nothing', (text) => {
    const result = detector.detect(text);
    expect({ flags: result.flags, possible: result.possible }, JSON.stringify(detector.explain(text))).toEqual({ flags: [], possible: [] });
  });

  it.each(NEGATED)('negated: "%s" raises nothing', (text) => {
    expect(detector.detect(text), JSON.stringify(detector.explain(text))).toEqual({ flags: [], possible: [], isQuestionAbout: [] });
  });

  it('has at least 40 negations, questions and ordinary symptoms', () => {
    expect(NOTHING.length + NEGATED.length + ASKING.length).toBeGreaterThanOrEqual(40);
  });
});

describe('red-flag detector: questions', () => {
  it.each(ASKING)('asking about: "%s" -> isQuestionAbout %j', (text, ids) => {
    expect(detector.detect(text), JSON.stringify(detector.explain(text))).toEqual({ flags: [], possible: [], isQuestionAbout: inOrder(ids) });
  });

  it.each(REPORTING_QUESTIONS)('a question that reports: "%s" raises %s', (text, id) => {
    expect(detector.detect(text).flags, JSON.stringify(detector.explain(text))).toEqual([id]);
  });
});

// A cauda equina sign (`reported_when_unsure`) in the user's own report whose only doubt is its
// wording (a hedge, a `certainty: possible` pattern, a topic fallback) is reported: the urgent
// advice comes at once, not with a question. Doubt about whether or whose stays possible.
const UNSURE_WORDING_CAUDA_EQUINA: Array<[string, RedFlagId]> = [
  ['I think I might have wet myself', 'bladder_dysfunction'],
  ['not sure if my legs are both numb', 'bilateral_leg_symptoms'],
  ['possibly some numbness down below, hard to say', 'saddle_anaesthesia'],
  ['numb down below I think', 'saddle_anaesthesia'],
  ['my left buttock is numb', 'saddle_anaesthesia'],
  ['i leak when i walk now, that never happened before', 'bladder_dysfunction'],
];

describe('red-flag detector: a cauda equina sign whose only doubt is its wording is reported', () => {
  it.each(UNSURE_WORDING_CAUDA_EQUINA)('"%s" -> flag %s', (text, id) => {
    const result = detector.detect(text);
    expect(result.flags, JSON.stringify(detector.explain(text))).toContain(id);
    expect(result.possible).not.toContain(id);
  });
  it('doubt about whether it is happening, or whose it is, still asks', () => {
    expect(detector.detect('is it normal to have numbness down below?').possible).toContain('saddle_anaesthesia');
    expect(detector.detect('the GP told me to watch out for wetting myself').possible).toContain('bladder_dysfunction');
    expect(detector.detect('no fever, numb bum').possible).toContain('saddle_anaesthesia');
  });
  it('a sign told as a fact before "should I be worried about..." is reported; one after it is asked about', () => {
    expect(detector.detect('had bowel cancer two years back, all clear, should i be worried about my back now').flags).toEqual(['cancer_history']);
    expect(detector.detect('my legs are both numb, should i be worried?').flags).toEqual(['bilateral_leg_symptoms']);
    expect(detector.detect('should i be worried about losing control of my bladder').flags).toEqual([]);
  });
  it("a carer saying the patient complains of pain now makes the patient's history count", () => {
    expect(detector.detect('my mum had a spinal operation last week, now she complains of a hot red wound').flags).toContain('infection_risk');
  });
  it('a weak or failing leg with a word of progression anywhere near is progressive weakness; without one it is asked about', () => {
    expect(detector.detect('my left leg has no force and it gets more bad every day').flags).toContain('progressive_weakness');
    expect(detector.detect('grandad legs are failing him, each day worse').flags).toContain('progressive_weakness');
    expect(detector.detect('my leg feels weak').possible).toEqual(['progressive_weakness']);
  });
  it('words another sure hit reports raise no second sign', () => {
    expect(detector.detect('had an accident, pooed myself without feeling it').flags).toEqual(['bowel_dysfunction']);
  });
});

describe('red-flag detector: unsure statements go to possible', () => {
  it.each(UNSURE)('"%s" -> possible %s', (text, id) => {
    const result = detector.detect(text);
    expect(result.flags, JSON.stringify(detector.explain(text))).toEqual([]);
    expect(result.possible).toContain(id);
  });
});

describe('red-flag detector: several flags and clause-scoped negation', () => {
  it.each(MULTI)('"%s" raises %j', (text, ids) => {
    expect(detector.detect(text).flags, JSON.stringify(detector.explain(text))).toEqual(inOrder(ids));
  });

  it('a negation stops at "but": "no fever but I can\'t feel my bum when i wipe"', () => {
    expect(detector.detect("no fever but I can't feel my bum when i wipe")).toEqual({
      flags: ['saddle_anaesthesia'],
      possible: [],
      isQuestionAbout: [],
    });
  });

  it('a negation does not reach a new clause with its own subject', () => {
    expect(detector.detect("I don't have a fever and I can't feel my bum").flags).toEqual(['saddle_anaesthesia']);
    expect(detector.detect("No, I can't feel anything when I wipe").flags).toEqual(['saddle_anaesthesia']);
    expect(detector.detect('no bladder or bowel problems, but both legs are numb').flags).toEqual(['bilateral_leg_symptoms']);
  });

  it('a negation word inside a symptom phrase negates nothing else', () => {
    // "never" belongs to "never goes away"; "no" to "no feeling".
    expect(detector.detect('it never goes away even lying down').flags).toEqual(['night_pain']);
    expect(detector.detect('no feeling down below when I wipe').flags).toEqual(['saddle_anaesthesia']);
  });

  it('a hypothetical or second-hand mention about oneself is asked about, a plain statement is not', () => {
    expect(detector.detect('what should I do if I lose control of my bladder?').possible).toEqual(['bladder_dysfunction']);
    expect(detector.detect('I avoid lifting because both my legs are numb').flags).toEqual(['bilateral_leg_symptoms']);
    expect(detector.detect('I mentioned my bladder problems to the GP').flags).toEqual(['bladder_dysfunction']);
  });

  it("naming cauda equina as one's own reports each of its signs (advice at once)", () => {
    expect(detector.detect('I think I have cauda equina')).toEqual({
      flags: ['saddle_anaesthesia', 'bladder_dysfunction', 'bowel_dysfunction'],
      possible: [],
      isQuestionAbout: [],
    });
  });

  it('a negation carries over "or" in a list', () => {
    expect(detector.detect('no fever, chills or night sweats')).toEqual({ flags: [], possible: [], isQuestionAbout: [] });
  });

  it('is deterministic and keeps no state between messages', () => {
    const first = detector.detect('both my legs are numb');
    detector.detect('no numbness at all');
    expect(detector.detect('both my legs are numb')).toEqual(first);
  });
});

describe('red-flag patterns file', () => {
  it('has a plain label and a yes/no confirm question for every id', () => {
    for (const id of RED_FLAG_IDS) {
      expect(redFlagLabel(patterns, id).length).toBeGreaterThan(5);
      const question = confirmQuestion(patterns, id);
      expect(question).toMatch(/\?$/);
      expect(question.length).toBeLessThan(220);
    }
    expect(redFlagLabel(patterns, 'saddle_anaesthesia')).toBe('numbness around your bottom or genitals');
  });

  const source = readFileSync(join(process.cwd(), 'knowledge', 'red-flags.yaml'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'red-flags-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('rejects an unknown red-flag id, naming the file and the entry', () => {
    const file = write(
      'unknown-id.yaml',
      source.replace(
        /^red_flags:\n/m,
        'red_flags:\n  back_ache:\n    label: a sore back\n    confirm_question: Is your back sore?\n    patterns:\n      - any: [sore back]\n',
      ),
    );
    expect(() => loadRedFlagPatterns(file)).toThrowError(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*red_flags\\.back_ache.*unknown red-flag id`),
    );
  });

  it('rejects a bad regular expression, naming the entry', () => {
    const file = write('bad-regex.yaml', source.replace("- regex: '", "- regex: '(unclosed"));
    expect(() => loadRedFlagPatterns(file)).toThrowError(/bad-regex\.yaml: red_flags\.\w+\.patterns\[\d+\]\.regex: bad regular expression/);
  });

  it('rejects a missing red-flag id', () => {
    const withoutChest = source.replace(/\n  chest_pain:\n[\s\S]*?\n(?=  sudden_severe_pain:)/, '\n');
    expect(() => parseRedFlagPatterns(withoutChest, 'x.yaml')).toThrowError(/x\.yaml: red_flags: missing red-flag ids: chest_pain/);
  });

  it('rejects an unknown group, a malformed term and an unknown field', () => {
    expect(() => parseRedFlagPatterns(source.replace('"@saddle_area"]', '"@sadle_area"]'), 'x.yaml')).toThrowError(
      /x\.yaml: red_flags\.saddle_anaesthesia\.patterns\[\d+\]\.all\[1\]: unknown group "@sadle_area"/,
    );
    expect(() => parseRedFlagPatterns(source.replace('in remission,', 'in Remission!,'), 'x.yaml')).toThrowError(
      /x\.yaml: red_flags\.cancer_history\.patterns\[0\]\.any: term "in Remission!"/,
    );
    expect(() => parseRedFlagPatterns(source.replace('        note: numb + bum', '        nott: numb + bum'), 'x.yaml')).toThrowError(
      /x\.yaml: red_flags\.saddle_anaesthesia\.patterns\[\d+\]: Unrecognized key/,
    );
  });

  it('rejects a file that is not YAML or is missing', () => {
    expect(() => parseRedFlagPatterns('red_flags: [', 'broken.yaml')).toThrowError(/broken\.yaml: not valid YAML/);
    expect(() => loadRedFlagPatterns(join(dir, 'nope.yaml'))).toThrowError(/nope\.yaml: cannot read/);
  });
});

// ---------------------------------------------------------------------------------------
// Generalising improvements: new lay phrasings per id, better handling of questions,
// negations, other people's conditions and excuses. Written for these tests in wording of
// their own (each rule is covered by several variants, so no one sentence is special-cased).

// New ways of saying a red flag: each must be reported for sure (other ids may come too).
const NEW_PHRASINGS: Array<[string, RedFlagId]> = [
  // saddle: the insides of the thighs, "gone to sleep", "can't really feel", the dentist
  ['numbness on the inside of my thighs', 'saddle_anaesthesia'],
  ['numb inside my thighs and round my bottom', 'saddle_anaesthesia'],
  ['my backside and the inner parts of my thighs have gone numb', 'saddle_anaesthesia'],
  ["it's like my crotch has gone to sleep", 'saddle_anaesthesia'],
  ["wiping feels weird, like I can't really feel it", 'saddle_anaesthesia'],
  ['I can barely feel my bum', 'saddle_anaesthesia'],
  ["it feels like I've had an injection at the dentist but in my bum", 'saddle_anaesthesia'],
  // bladder
  ['peeing is really hard to get started since my back went', 'bladder_dysfunction'],
  ['it takes ages to get my wee started', 'bladder_dysfunction'],
  ['I went to the loo and nothing came out', 'bladder_dysfunction'],
  ['sat on the toilet for ages and nothing happened', 'bladder_dysfunction'],
  ["I've started leaking a bit of wee", 'bladder_dysfunction'],
  ['my bladder control has gone', 'bladder_dysfunction'],
  ['my bladder just emptied while I was standing there', 'bladder_dysfunction'],
  ['bowel control is terrible since Tuesday', 'bowel_dysfunction'],
  ['my bowels just let go', 'bowel_dysfunction'],
  // sexual
  ["I'm struggling to get an erection since the back pain", 'sexual_dysfunction'],
  ['having trouble keeping it up lately', 'sexual_dysfunction'],
  ['lost all feeling in my penis', 'sexual_dysfunction'],
  // both legs
  ['I have pins and needles in my legs', 'bilateral_leg_symptoms'],
  ["the pain used to be in my left leg but now it's in the right one too", 'bilateral_leg_symptoms'],
  ['it started in my right leg and now the left one as well', 'bilateral_leg_symptoms'],
  // progressive weakness
  ['the weakness in my right foot keeps getting worse', 'progressive_weakness'],
  ['my leg feels weak and it has been getting worse all week', 'progressive_weakness'],
  ['the strength in my leg is going', 'progressive_weakness'],
  ['the power in my left foot is fading', 'progressive_weakness'],
  ["I keep stubbing my toes because my foot won't lift", 'progressive_weakness'],
  ["I'm dragging my right foot", 'progressive_weakness'],
  ["I can't push off with my foot any more", 'progressive_weakness'],
  ['my leg just went from under me', 'progressive_weakness'],
  // fever
  ['I feel hot and shivery', 'fever'],
  // weight loss
  ['people keep saying I look thinner', 'weight_loss'],
  ["weight's falling off me", 'weight_loss'],
  ["I've lost a stone but not on purpose", 'weight_loss'],
  ["lost 8kg and I haven't been dieting", 'weight_loss'],
  // night pain
  ['evenings and nights are the worst, it never lets up', 'night_pain'],
  ["it's at its worst in the night", 'night_pain'],
  ['a constant ache no matter how I lie', 'night_pain'],
  ["the pain is there whatever position I'm in", 'night_pain'],
  ["it's worse when I'm lying in bed", 'night_pain'],
  ['the pain is there all the time, even at night', 'night_pain'],
  ["lying down doesn't help, it hurts even then", 'night_pain'],
  ["my back hurts most when I'm resting", 'night_pain'],
  ["I can't get comfy at night no matter what", 'night_pain'],
  ['it hurts so much at night I cry', 'night_pain'],
  ["changing position doesn't make any difference", 'night_pain'],
  // osteoporosis
  ['my bones are brittle', 'osteoporosis_risk'],
  ['the doctor says my bones have got thin', 'osteoporosis_risk'],
  // chest
  ['the pain goes right through to my chest', 'chest_pain'],
  ['pain in the middle of my chest', 'chest_pain'],
  // inflammatory: durations of an hour or more said in minutes, long mornings
  ['I wake up stiff and it takes 75 minutes before I can move properly', 'inflammatory_pattern'],
  ['my back is rigid first thing and needs 120 mins to ease off', 'inflammatory_pattern'],
  ['stiff for an hour and 20 mins every morning', 'inflammatory_pattern'],
  ['it takes me 2hrs 15mins to get going in the morning, so stiff', 'inflammatory_pattern'],
  ['the stiffness lasts most of the morning', 'inflammatory_pattern'],
  // pain worsening
  ['the ache keeps increasing even though I rest', 'pain_worsening'],
  ['the pain has intensified this week despite painkillers', 'pain_worsening'],
  ['it gets more painful every day whatever I try', 'pain_worsening'],
  ['my pain is worse now than when it started', 'pain_worsening'],
  ['every day it hurts more', 'pain_worsening'],
  ["it's gone from bad to worse", 'pain_worsening'],
  ['the pain keeps building', 'pain_worsening'],
  // non-native and plain wording
  ['my penis not get hard since back pain', 'sexual_dysfunction'],
  ['my leg not strong anymore, getting worse', 'progressive_weakness'],
  ['pain not go away at night', 'night_pain'],
  ['car hit me last week', 'significant_trauma'],
  ['very sudden very strong pain in my back', 'sudden_severe_pain'],
  ['pain is more and more every day', 'pain_worsening'],
  ['the pain becomes more bad', 'pain_worsening'],
  // saddle: the paper or tissue not felt, a longer gap after "wiping"
  ['when i wipe it feels like theres nothing there', 'saddle_anaesthesia'],
  ['i can barely feel the tissue when i go to the toilet', 'saddle_anaesthesia'],
  ['wiping my bum feels strange, almost like i cant feel the toilet paper at all', 'saddle_anaesthesia'],
  ['after a poo i wipe and honestly i dont feel the paper', 'saddle_anaesthesia'],
  ['cant feel the loo roll on my bottom', 'saddle_anaesthesia'],
  ['sitting on the loo my bum feels numb', 'saddle_anaesthesia'],
  ['my backside goes numb when i sit down', 'saddle_anaesthesia'],
  // night pain: no sleep for the pain, turning over changes nothing
  ['i lie awake all night because of the nagging back pain', 'night_pain'],
  ['cant sleep with this constant pain in my back, rolling over doesnt help', 'night_pain'],
  ['whichever way i turn in bed nothing makes any difference to the pain', 'night_pain'],
  ['moving about makes no difference, the pain is there all night', 'night_pain'],
  ['turning over in bed makes no difference, it just aches', 'night_pain'],
  // weight loss: an explanation that is not one, or denied
  ['had a baby 3 years ago and now ive lost a stone without trying', 'weight_loss'],
  ['im losing weight and i dont know why, not dieting', 'weight_loss'],
  ['lost weight even though i havent been dieting', 'weight_loss'],
  // infection: a serious or a current infection, even when said to be better
  ['i had a kidney infection last week', 'infection_risk'],
  ['had sepsis but its gone now', 'infection_risk'],
  ['ive had a uti for a week', 'infection_risk'],
];

// Near misses: questions about a sign, other people's conditions denied for oneself, clear
// negations and excuses. None may raise anything.
const NEAR_MISSES: string[] = [
  // asking why the bot asks, or why a sign matters, with an "I" inside the question
  "why do you want to know if I've lost weight",
  "why are you asking whether I've had a fall",
  'why do doctors check if my bladder works',
  'why does it matter if I have a fever',
  "what difference does it make if I've had cancer",
  'why would numbness down below be a worry',
  'is weight loss with back pain worrying?',
  'can sciatica affect both legs?',
  "is it bad if it's worse at night?",
  'should I be worried about cancer?',
  'do I need to worry about my bladder?',
  "I'm worried about cauda equina, what are the signs",
  'can you get an infection after back surgery',
  'what does foot drop look like',
  'do people with sciatica lose bladder control?',
  'can someone lose feeling down below from a slipped disc',
  // someone else's, denied for oneself
  'my dad had bowel cancer, not me though',
  "my sister had cancer but I'm fine",
  "my grandad had osteoporosis, I don't",
  'my mum has osteoporosis but my bones are fine',
  'my husband has bladder problems but mine are fine',
  "my partner has HIV but I don't",
  "my nan broke her hip from a fall, I haven't fallen",
  'my aunt had lymphoma. I never have.',
  // negations carried over "or" into a clause without a subject of its own
  "I haven't fallen or been in a crash",
  'never had cancer or been on steroids',
  'no fever or had any chills',
  // said to be fine straight after
  'my legs are both fine, it is just my back',
  'both my legs feel normal',
  'pain in my left leg only, my right leg is perfectly fine',
  'left leg is sore, right leg is ok',
  // deliberate weight loss
  "I've been trying to lose weight for my back",
  'lost 2 stone on weight watchers',
  'I lost some weight deliberately to help my back',
  'dropped a dress size by dieting',
  // a past fever that is over
  "I had a cold and a bit of a temperature last month but it's gone",
  'had a fever last week, all cleared up now',
  'I had the chills on Monday. Better now.',
  // ordinary things that look like red flags
  "it's fine at night, it's worse in the day when I'm moving",
  'I sleep fine, it only hurts when I move',
  'the ache wakes me sometimes when I roll over',
  "it's not getting worse but it's not getting better either",
  'my leg feels weak after the gym',
  "I'm cold and shivering because it's winter",
  'my chest of drawers fell over',
  'I nearly fell but caught myself',
  'I had a steroid injection in my back 5 years ago',
  'I had a chest infection last year',
  'why does pulling my knee up to my chest hurt my back',
  'my legs feel tired but fine otherwise',
  'stiff in the morning for 45 minutes',
  'i have no problem with pee or poo',
  'why you want know if i have cancer',
  // weight lost for a reason: diet, pregnancy, breastfeeding, an illness got over, exercise
  'im on a diet and have lost 5kg, is that why my back hurts?',
  'been dieting since january and lost a stone, back still hurts when i lift my leg',
  'lost half a stone since I started breastfeeding',
  "I've lost weight since giving birth in march",
  'lost weight since the baby, is that normal with back pain',
  'lost a few pounds after a nasty stomach bug',
  'I lost weight when I had covid, back is sore now',
  'been going to the gym and dropped 2 stone, now my back hurts',
  // a common infection that is over, or long ago
  'had a water infection a while back but it cleared up with antibiotics',
  'had a UTI last month, all cleared now',
  "I had a chest infection but I'm fully recovered now",
  'had cellulitis in my leg, antibiotics cleared it',
  'had pneumonia a few months ago, my back hurts when i lift my leg',
];

describe('red-flag detector: new lay phrasings', () => {
  it.each(NEW_PHRASINGS)('"%s" reports %s', (text, id) => {
    expect(detector.detect(text).flags, JSON.stringify(detector.explain(text))).toContain(id);
  });
});

describe('red-flag detector: near misses raise nothing', () => {
  it.each(NEAR_MISSES)('"%s" raises nothing', (text) => {
    const { flags, possible } = detector.detect(text);
    expect({ flags, possible }, JSON.stringify(detector.explain(text))).toEqual({ flags: [], possible: [] });
  });
});

describe('red-flag detector: general rules', () => {
  it('an excuse that is itself denied excuses nothing', () => {
    // "on purpose", "dieting", "trying to" excuse weight loss unless denied.
    expect(detector.detect('lost weight on purpose').flags).toEqual([]);
    expect(detector.detect("lost weight, it wasn't on purpose").flags).toEqual(['weight_loss']);
    expect(detector.detect("I've lost a stone and I'm not trying to").flags).toEqual(['weight_loss']);
    expect(detector.detect('lost weight, not dieting at all').flags).toEqual(['weight_loss']);
  });

  it('a negation carries over "or" only into a clause without its own subject', () => {
    expect(detector.detect("I've never fallen or had an accident")).toEqual({ flags: [], possible: [], isQuestionAbout: [] });
    expect(detector.detect("I haven't fallen or I can't remember it").possible).toEqual(['significant_trauma']);
    expect(detector.detect("I haven't had a fever, or I've lost weight").flags).toEqual(['weight_loss']);
  });

  it('"fine" straight after the words denies them, but not when the words hold a negation', () => {
    expect(detector.detect('both my legs are fine').possible).toEqual([]);
    expect(detector.detect('both my legs are numb, my arms are fine').flags).toEqual(['bilateral_leg_symptoms']);
    expect(detector.detect('my bladder is not working normal').flags).toEqual(['bladder_dysfunction']);
    expect(detector.detect('my left leg was fine but now both legs are numb').flags).toEqual(['bilateral_leg_symptoms']);
  });

  it("someone else's condition: a carer's report about the patient counts, a stranger's story only asks", () => {
    // lead's policy: someone else's history or risk factor raises nothing
    expect(detector.detect('my brother had prostate cancer').possible).toEqual([]);
    expect(detector.detect('my brother had prostate cancer').flags).toEqual([]);
    // issue #11: the person the user cares for is the patient: their symptoms now are reported
    expect(detector.detect("my wife's legs have gone numb").flags).toEqual(['bilateral_leg_symptoms']);
    expect(detector.detect("dad's legs are both numb").flags).toEqual(['bilateral_leg_symptoms']);
    expect(detector.detect("my mum had cancer but I don't think I have").possible).toEqual([]);
    expect(detector.detect('my dad had cancer and now I have it too').flags).toEqual(['cancer_history']);
    // a caregiver's report stays: a later clause about oneself that denies something else
    expect(detector.detect("my husband has lost bladder control and I'm not coping").flags).toEqual(['bladder_dysfunction']);
    expect(detector.detect("my wife can't feel her bum and I'm not sure what to do").flags).toEqual(['saddle_anaesthesia']);
    // a friend or colleague is not the patient: a confirming question at most
    expect(detector.detect("my friend's legs have gone numb").flags).toEqual([]);
    // the relative with the back trouble is the patient, so their history is the patient's
    expect(detector.detect('my dad had cancer, now his back is agony').flags).toEqual(['cancer_history']);
    expect(detector.detect('my gran had bowel cancer a while ago, how do I stretch my back').flags).toEqual([]);
  });

  it('a past fever is over only when said to be over', () => {
    expect(detector.detect('had a fever last night').flags).toEqual(['fever']);
    expect(detector.detect('had a fever last week, gone now').flags).toEqual([]);
    expect(detector.detect("had a fever last week, it's gone, but now I can't feel my bum").flags).toEqual(['saddle_anaesthesia']);
    // only red flags marked resolvable: a past cancer is still a history of cancer
    expect(detector.detect('had breast cancer but it is all gone now').flags).toEqual(['cancer_history']);
  });

  it('reads durations in minutes of an hour or more as hours', () => {
    expect(detector.detect('stiff for 90 minutes every morning').flags).toEqual(['inflammatory_pattern']);
    expect(detector.detect('stiff for 30 minutes every morning, it has been like this for ages').flags).toEqual([]);
  });

  it('words shared out over several sure red flags do not raise another unsure one', () => {
    expect(detector.detect('had an accident, pooed myself without feeling it')).toEqual({ flags: ['bowel_dysfunction'], possible: [], isQuestionAbout: [] });
  });

  it('rewrites apply again to their own output', () => {
    expect(detector.detect('I cannot really feel my bottom').flags).toEqual(['saddle_anaesthesia']);
  });
});

describe('red-flag patterns cache', () => {
  const SAMPLE = [
    ...Object.values(REPORTS).flat(),
    ...NOTHING,
    ...NEGATED,
    ...NEAR_MISSES,
    ...NEW_PHRASINGS.map(([text]) => text),
    // misspellings and real words one letter from a symptom word: the typo index must agree
    'numbnes in my bum',
    'i have a fevr',
    'getting myself up is hard',
    'never had it this bad',
    'I dried my back with a towel',
  ];
  const jsonFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('keeps the parsed file by its hash, and a cached load detects exactly as a fresh one', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'red-flag-cache-'));
    const fresh = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml', { cacheDir: false }));
    loadRedFlagPatterns('knowledge/red-flags.yaml', { cacheDir });
    expect(jsonFiles(cacheDir)).toHaveLength(1);
    const cached = loadRedFlagPatterns('knowledge/red-flags.yaml', { cacheDir });
    expect(cached.englishWords?.size).toBeGreaterThan(100);
    const fromCache = createRedFlagDetector(cached);
    for (const text of SAMPLE) expect(fromCache.detect(text), text).toEqual(fresh.detect(text));
  });

  it('a changed file gets its own entry, a broken one none, and a corrupt cache is ignored', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'red-flag-cache-'));
    const dir = mkdtempSync(join(tmpdir(), 'red-flags-src-'));
    const source = readFileSync(join(process.cwd(), 'knowledge', 'red-flags.yaml'), 'utf8');
    const file = join(dir, 'red-flags.yaml');
    writeFileSync(file, source);
    loadRedFlagPatterns(file, { cacheDir });
    writeFileSync(file, source.replace('label: numbness around your bottom or genitals', 'label: numbness around your bottom'));
    expect(redFlagLabel(loadRedFlagPatterns(file, { cacheDir }), 'saddle_anaesthesia')).toBe('numbness around your bottom');
    expect(jsonFiles(cacheDir)).toHaveLength(2);
    writeFileSync(
      file,
      source.replace(
        /^red_flags:\n/m,
        'red_flags:\n  back_ache:\n    label: a sore back\n    confirm_question: Is your back sore?\n    patterns:\n      - any: [sore back]\n',
      ),
    );
    expect(() => loadRedFlagPatterns(file, { cacheDir })).toThrowError(/unknown red-flag id/);
    expect(jsonFiles(cacheDir)).toHaveLength(2);
    writeFileSync(file, source);
    for (const f of jsonFiles(cacheDir)) writeFileSync(join(cacheDir, f), '{"format": 1, "key": "');
    const patterns = loadRedFlagPatterns(file, { cacheDir });
    expect(createRedFlagDetector(patterns).detect('both my legs are numb').flags).toEqual(['bilateral_leg_symptoms']);
  });
});

describe("red-flag detector: lead's policy on others, hypotheticals, position and topic fallbacks", () => {
  const raised = (text: string) => {
    const d = detector.detect(text);
    return [...d.flags, ...d.possible].sort();
  };
  it("someone else's history or risk factor raises nothing", () => {
    for (const text of [
      'my gran had bowel cancer a while ago, how do I stretch my back',
      'my uncle is on long term prednisolone and his bones are thin',
      'my brother injects drugs and I worry about him, what helps sciatica',
      'my cousin lost loads of weight without trying last year',
      'my son had a fever yesterday, my back is sore from carrying him',
    ])
      expect(raised(text), text).toEqual([]);
    // still the user's own when said to be theirs too
    expect(detector.detect('my dad had cancer and now I have it too').flags).toEqual(['cancer_history']);
  });
  it("someone else's acute sign: possible when about them now, nothing before a general question or in the past", () => {
    expect(raised("my dad can't feel his bum and has wet himself")).toEqual(expect.arrayContaining(['saddle_anaesthesia']));
    expect(raised('my wife says both her legs have gone numb since this morning')).toEqual(['bilateral_leg_symptoms']);
    for (const text of [
      'my brother wet himself with his bad back, what is a prolapsed disc?',
      'my neighbour had numbness in both legs with stenosis, what does stenosis mean?',
      'my mum had numbness in both legs years ago',
    ])
      expect(raised(text), text).toEqual([]);
  });
  it('hypotheticals ask about the sign', () => {
    for (const text of [
      'if I ever lose control of my bladder should I go to A&E?',
      'should I panic if my legs both go numb?',
      'what would happen if i ever got numb down below',
      // asking when to get help, not reporting
      'do I need A&E if my legs both go numb?',
      'would I need an ambulance if I wet myself without noticing?',
      'should i ring 111 if i get pins and needles in both legs',
      'should I go to hospital if i lose control of my bowels',
      'do i need to call 999 if my bum goes numb?',
    ])
      expect(raised(text), text).toEqual([]);
  });
  it('pain eased by changing position is not night pain', () => {
    for (const text of [
      'my back hurts at night lying on my back but it eases when I turn onto my side',
      'my legs ache at night but it settles once I roll over',
    ])
      expect(raised(text), text).not.toContain('night_pain');
  });
  it('topic fallbacks raise possible for unseen phrasings', () => {
    const cases: Array<[string, RedFlagId]> = [
      ['since my back went my wee just comes out on its own', 'bladder_dysfunction'],
      ['having trouble getting my stream going since the back pain', 'bladder_dysfunction'],
      ['my number twos come without warning now', 'bowel_dysfunction'],
      ['having real problems with the bowel movements, they just happen', 'bowel_dysfunction'],
      ['since my back went I have lost all interest in the bedroom, nothing works down there', 'sexual_dysfunction'],
      ['my clothes are all loose and I have not been dieting', 'weight_loss'],
      ['the ache in bed never eases whatever I try, it is all the time', 'night_pain'],
      ['bent down and out of nowhere the worst pain I have ever known, I cannot move', 'sudden_severe_pain'],
      ['I am 30 and I am so stiff every morning it takes hours to loosen up', 'inflammatory_pattern'],
      ['sharp pain in my back and my chest since lunch', 'chest_pain'],
    ];
    for (const [text, id] of cases) expect(raised(text), text).toContain(id);
    // a fallback makes a sure flag only for a cauda equina sign (`reported_when_unsure`: the
    // advice at once); for others it stays possible ("number twos come without warning" is a
    // pattern's: stool that comes with no warning is incontinence)
    expect(detector.detect('something strange going on with my number twos since the back went')).toMatchObject({ flags: ['bowel_dysfunction'], possible: [] });
    expect(detector.detect('something strange going on with my weight since the back went').flags).toEqual([]);
    expect(detector.detect('my number twos come without warning now').flags).toContain('bowel_dysfunction');
  });
  it('topic fallbacks stay quiet when denied, asked about or harmless', () => {
    for (const text of [
      'no problems with my waterworks',
      'my bowels are fine, no issues there',
      'I have lost weight on purpose at the gym',
      'what is bladder control?',
    ])
      expect(raised(text), text).toEqual([]);
    expect(raised('I sat on a stool and could not get comfortable')).not.toContain('bowel_dysfunction');
  });
});

// Session 4 (issue #11, recall): mechanisms that were missed, each in words written for this
// test (never the development sets' texts), with a near miss beside it.
describe('red-flag detector: recall mechanisms (carers, events, slang)', () => {
  const flagsOf = (text: string) => detector.detect(text).flags;
  it.each([
    // the saddle area said indirectly, with a carer's possessive
    ['the skin between her legs has gone numb since this morning', 'saddle_anaesthesia'],
    ['he says the insides of his thighs are tingly and numb', 'saddle_anaesthesia'],
    // wet without feeling it: the bed, a pad, clothes
    ['my husband woke up in a wet bed and had no idea how', 'bladder_dysfunction'],
    ['her incontinence pad was soaked and she never felt a thing, she has always been dry', 'bladder_dysfunction'],
    // retention in slang, and no urge at all
    ['not had a slash since breakfast and ive had three coffees', 'bladder_dysfunction'],
    ['i dont even feel like i need to go for a wee', 'bladder_dysfunction'],
    // sex words: "make love"
    ['we tried to make love and she felt nothing at all down there', 'sexual_dysfunction'],
    // both legs with a carer's possessive, and the second leg joining in
    ['pins and needles in both of her feet now', 'bilateral_leg_symptoms'],
    ['numbness started in my right calf and now the left leg has joined in', 'bilateral_leg_symptoms'],
    // a fall told as an event, and a blow to the back
    ['nan came down hard on the kitchen floor yesterday', 'significant_trauma'],
    ['the carers found him on the floor this morning', 'significant_trauma'],
    ['my daughter got kicked hard in the back at rugby', 'significant_trauma'],
    // worse despite what is being done
    ['despite the tablets and the physio her back keeps getting worse', 'pain_worsening'],
    ['my pain is getting worse week on week', 'pain_worsening'],
    // the parent is the patient
    ['mum had breast cancer and she is the one with the sore back now', 'cancer_history'],
  ])('"%s" reports %s', (text, id) => {
    expect(flagsOf(text), JSON.stringify(detector.explain(text))).toContain(id);
  });

  it.each([
    ['my toddler’s nappy was soaked this morning', 'bladder_dysfunction'],
    ['my trousers got soaked in the rain walking the dog', 'bladder_dysfunction'],
    ['he went down to the shop for some painkillers', 'significant_trauma'],
    ['my mum had breast cancer years ago, I am the one with the back pain', 'cancer_history'],
    ['I had physio back in 2015 and it helped', 'significant_trauma'],
    ['it got worse when I sat on the bus', 'pain_worsening'],
  ])('near miss "%s" does not report %s', (text, id) => {
    expect(flagsOf(text), JSON.stringify(detector.explain(text))).not.toContain(id);
  });

  it('"back in" (the body part, then a preposition) is not a story from the past', () => {
    // "kicked in the back in a game": the past cue "back in the day" must not swallow it.
    expect(flagsOf('my son was kicked in the back in a match today')).toContain('significant_trauma');
  });
});

// Session 4, after the fourth blind round was measured once (own wordings): a relative's
// history when the relative is the one with the back trouble, weight loss of the person cared
// for, weight falling told in other words, euphemisms for sexual function, a carer's "his".
describe('red-flag detector: mechanisms the fourth blind round missed', () => {
  const flagsOf = (text: string) => detector.detect(text).flags;
  it.each([
    ['my dad had bowel cancer as a young man, he have a bad back since the summer', 'cancer_history'],
    ['gran had a kidney infection in hospital and now she is home and has a sore back', 'infection_risk'],
    ['my wife is losing weight and she is not dieting, her rings slide off', 'weight_loss'],
    ['his weight keeps coming off even though he eats fine', 'weight_loss'],
    ['he keeps needing a new hole in his belt', 'weight_loss'],
    ['since the disc went nothing really works down there', 'sexual_dysfunction'],
    ['she gets a stabbing ache between her shoulder blades too', 'chest_pain'],
  ])('"%s" reports %s', (text, id) => {
    expect(flagsOf(text), JSON.stringify(detector.explain(text))).toContain(id);
  });

  it.each([
    ['the lift does not work downstairs so I use the stairs', 'sexual_dysfunction'],
    ['my mum lost a lot of weight before she passed, my back is the problem now', 'weight_loss'],
    ['my aunt had leukaemia years ago; I am the one with the sore back', 'cancer_history'],
  ])('near miss "%s" does not report %s', (text, id) => {
    expect(flagsOf(text), JSON.stringify(detector.explain(text))).not.toContain(id);
  });
});
