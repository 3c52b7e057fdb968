import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    'on chemo',
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
  ['I think I might have wet myself', 'bladder_dysfunction'],
  ['not sure if my legs are both numb', 'bilateral_leg_symptoms'],
  ['maybe a bit of a temperature', 'fever'],
  ['possibly some numbness down below, hard to say', 'saddle_anaesthesia'],
  ["I don't think I have a fever", 'fever'],
  ['I might have lost some weight', 'weight_loss'],
  ['my mum had breast cancer', 'cancer_history'],
  ['numb down below I think', 'saddle_anaesthesia'],
  ['no fever, numb bum', 'saddle_anaesthesia'],
  ["I'm worried it's cancer", 'cancer_history'],
  ['my left buttock is numb', 'saddle_anaesthesia'],
  ['my leg feels weak', 'progressive_weakness'],
  ['is it normal to have numbness down below?', 'saddle_anaesthesia'],
  ['the GP told me to watch out for wetting myself', 'bladder_dysfunction'],
  ['Fever? Not sure.', 'fever'],
];

const MULTI: Array<[string, RedFlagId[]]> = [
  ['I fell off a ladder and now both legs are numb and I wet myself', ['bladder_dysfunction', 'bilateral_leg_symptoms', 'significant_trauma']],
  ['fever and chills, and I had chemo last year', ['fever', 'cancer_history']],
  ['lost a stone without trying and the pain wakes me at night', ['weight_loss', 'night_pain']],
  ['chest pain and a sudden tearing pain in my back', ['chest_pain', 'sudden_severe_pain']],
  ["cant feel my bum when I wipe and I've pooed myself", ['saddle_anaesthesia', 'bowel_dysfunction']],
  ['on steroids for years. Fell down the stairs yesterday.', ['significant_trauma', 'osteoporosis_risk']],
  ['i inject drugs and i have a high temperature', ['fever', 'infection_risk']],
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
        const result = detector.detect(text);
        expect(result.flags, JSON.stringify(detector.explain(text))).toEqual([id]);
      });
    });
  }
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
    expect(detector.detect("no bladder or bowel problems, but both legs are numb").flags).toEqual(['bilateral_leg_symptoms']);
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
    const file = write('unknown-id.yaml', source.replace(/^red_flags:\n/m, 'red_flags:\n  back_ache:\n    label: a sore back\n    confirm_question: Is your back sore?\n    patterns:\n      - any: [sore back]\n'));
    expect(() => loadRedFlagPatterns(file)).toThrowError(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*red_flags\\.back_ache.*unknown red-flag id`));
  });

  it('rejects a bad regular expression, naming the entry', () => {
    const file = write('bad-regex.yaml', source.replace("- regex: '", "- regex: '(unclosed"));
    expect(() => loadRedFlagPatterns(file)).toThrowError(/bad-regex\.yaml: red_flags\.fever\.patterns\[1\]\.regex: bad regular expression/);
  });

  it('rejects a missing red-flag id', () => {
    const withoutChest = source.replace(/\n  chest_pain:\n[\s\S]*?\n(?=  sudden_severe_pain:)/, '\n');
    expect(() => parseRedFlagPatterns(withoutChest, 'x.yaml')).toThrowError(/x\.yaml: red_flags: missing red-flag ids: chest_pain/);
  });

  it('rejects an unknown group, a malformed term and an unknown field', () => {
    expect(() => parseRedFlagPatterns(source.replace('"@saddle_area"]', '"@sadle_area"]'), 'x.yaml')).toThrowError(
      /x\.yaml: red_flags\.saddle_anaesthesia\.patterns\[0\]\.all\[1\]: unknown group "@sadle_area"/,
    );
    expect(() => parseRedFlagPatterns(source.replace('in remission,', 'in Remission!,'), 'x.yaml')).toThrowError(
      /x\.yaml: red_flags\.cancer_history\.patterns\[0\]\.any: term "in Remission!"/,
    );
    expect(() => parseRedFlagPatterns(source.replace('        within: 5\n', '        withinn: 5\n'), 'x.yaml')).toThrowError(/x\.yaml: red_flags\.saddle_anaesthesia\.patterns\[0\]/);
  });

  it('rejects a file that is not YAML or is missing', () => {
    expect(() => parseRedFlagPatterns('red_flags: [', 'broken.yaml')).toThrowError(/broken\.yaml: not valid YAML/);
    expect(() => loadRedFlagPatterns(join(dir, 'nope.yaml'))).toThrowError(/nope\.yaml: cannot read/);
  });
});
