import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  ANSWER_WORDS_FILE,
  extractEntities,
  matchChoice,
  recognizeAge,
  recognizeDurationWeeks,
  recognizeEmail,
  recognizeNumber,
  recognizeOrdinal,
  recognizePhone,
  recognizeYesNo,
} from '../../src/nlu/entities.js';
import { compileVocabulary } from '../../src/nlu/entities/vocabulary.js';

// Fixed "now" for answers tied to a date: Tuesday 10 March 2026, noon local time.
const NOW = new Date(2026, 2, 10, 12, 0, 0);

describe('recognizeYesNo', () => {
  it.each([
    ['yes', 'yes'],
    ['yeah', 'yes'],
    ['yep', 'yes'],
    ['y', 'yes'],
    ['Y', 'yes'],
    ['sure', 'yes'],
    ['i think so', 'yes'],
    ['Yeah I think so', 'yes'],
    ['yes i do', 'yes'],
    ['aye', 'yes'],
    ['okay', 'yes'],
    ['i do', 'yes'],
    ['👍', 'yes'],
    ['no', 'no'],
    ['nah', 'no'],
    ['nope', 'no'],
    ['n', 'no'],
    ['N.', 'no'],
    ['not really', 'no'],
    ['never', 'no'],
    ['nope, never', 'no'],
    ["I don't think so", 'no'],
    ['absolutely not', 'no'],
    ['not sure', 'unsure'],
    ["I'm not sure", 'unsure'],
    ['not really sure', 'unsure'],
    ['dunno', 'unsure'],
    ['maybe', 'unsure'],
    ['possibly', 'unsure'],
    ["i don't know", 'unsure'],
    ['no idea', 'unsure'],
    ['kind of', 'unsure'],
  ] as const)('%j is %s', (text, expected) => {
    expect(recognizeYesNo(text)).toBe(expected);
  });

  it('reads "not sure" as unsure although the recognizer alone finds "sure" (yes) in it', () => {
    expect(recognizeYesNo('not sure')).toBe('unsure');
  });

  it('covers "nah" and "n", which the recognizer alone does not know', () => {
    expect(recognizeYesNo('nah')).toBe('no');
    expect(recognizeYesNo('n')).toBe('no');
  });

  it('takes a reply with both yes and no in it as unsure, which triage counts as yes', () => {
    expect(recognizeYesNo('yes and no')).toBe('unsure');
    expect(recognizeYesNo('yes... no')).toBe('unsure');
  });

  it('never reads a symptom with "no" in it ("no feeling down there") as the answer no', () => {
    expect(recognizeYesNo('I have no feeling down there')).toBeUndefined();
  });

  it.each(['i like trains', 'banana', 'my back hurts', 'never mind', '', '   ', 'what do you mean', 'i have an appointment'])(
    'unrelated text %j gives undefined',
    (text) => {
      expect(recognizeYesNo(text)).toBeUndefined();
    },
  );
});

describe('recognizeNumber', () => {
  it.each([
    ['52', 52],
    ['fifty two', 52],
    ['fifty-two', 52],
    ['7 out of 10', 7],
    ['7/10', 7],
    ['seven out of ten', 7],
    ['7 out of ten', 7],
    ['about 3', 3],
    ['3.5', 3.5],
    ['3 and a half', 3.5],
    ['a dozen', 12],
    ['one', 1],
    ['40ish', 40],
    ['3/4', 0.75],
    ['on a scale of 1 to 10 its 8', 8],
  ] as const)('%j is %d', (text, expected) => {
    expect(recognizeNumber(text)).toBe(expected);
  });

  it('gives the score for "7 out of 10", where the recognizer alone gives NaN', () => {
    expect(recognizeNumber('7 out of 10')).toBe(7);
  });

  it.each([
    ['6 or 7', 7],
    ['between 6 and 7', 7],
    ['7, maybe 8', 8],
  ] as const)('a range or correction %j gives the larger number', (text, expected) => {
    expect(recognizeNumber(text)).toBe(expected);
  });

  it.each(['banana', 'none', 'a few', 'the second one', 'that one', '7 but 3 at night', ''])('%j gives undefined', (text) => {
    expect(recognizeNumber(text)).toBeUndefined();
  });
});

describe('recognizeAge', () => {
  it.each([
    ['52', 52],
    ["I'm 52", 52],
    ['im 52', 52],
    ['52 years old', 52],
    ['fifty-two', 52],
    ['I am fifty two', 52],
    ['age 41', 41],
    ['aged 41', 41],
    ['52yo', 52],
    ['i am 52 yrs', 52],
    ['I turned 60 last month', 60],
    ["I'm 52 and it has hurt for 3 weeks", 52],
    ['my son is 12 and I am 45', 45],
    ['in my forties', 45],
    ['late 50s', 58],
    ['forty-something', 45],
  ] as const)('%j is %d', (text, expected) => {
    expect(recognizeAge(text)).toBe(expected);
  });

  it('falls back to the number model for "fifty-two", which the age model alone does not take', () => {
    expect(recognizeAge('fifty-two')).toBe(52);
  });

  it('takes the number with an age cue when the reply holds others', () => {
    expect(recognizeAge('52, pain for 3 weeks')).toBe(52);
    expect(recognizeAge('52 years')).toBe(52);
  });

  it.each(['0', '150', '150 years old', '6 months old', '3 weeks', "I'm 5 foot 10", "I'm 100% sure", 'banana', 'how old do you think', ''])(
    'implausible or missing age %j gives undefined',
    (text) => {
      expect(recognizeAge(text)).toBeUndefined();
    },
  );
});

describe('recognizeDurationWeeks', () => {
  it.each([
    ['about three weeks', 3],
    ['2 weeks', 2],
    ['10 days', 1.43],
    ['a month', 4.29],
    ['6 months', 25.71],
    ['a year', 52.14],
    ['since yesterday', 0.14],
    ['a few days', 0.43],
    ['couple of weeks', 2],
    ['a couple of weeks', 2],
    ['a fortnight', 2],
    ['3 and a half weeks', 3.5],
    ['a week and a half', 1.5],
    ['3wks', 3],
    ['2 mths', 8.57],
    ['a day or two', 0.29],
    ['2-3 weeks', 3],
    ['1 year and 2 months', 60.71],
    ['3 days ago', 0.43],
    ['since last monday', 1.14],
    ['since March', 1.29],
    ['for weeks', 2],
    ['more than 6 months', 25.71],
    ['48 hours', 0.29],
    ['today', 0],
    ['0 weeks', 0],
  ] as const)('%j is %d weeks', (text, expected) => {
    expect(recognizeDurationWeeks(text, { now: NOW })).toBe(expected);
  });

  it('"a month" is about 4.3 weeks', () => {
    expect(recognizeDurationWeeks('a month', { now: NOW })).toBeCloseTo(4.3, 1);
  });

  it('"a few days" is about half a week', () => {
    expect(recognizeDurationWeeks('a few days', { now: NOW })).toBeCloseTo(0.5, 0);
  });

  it('a bare number has no unit and gives undefined, unless the question says the unit', () => {
    expect(recognizeDurationWeeks('3', { now: NOW })).toBeUndefined();
    expect(recognizeDurationWeeks('3', { now: NOW, bareNumberUnit: 'weeks' })).toBe(3);
    expect(recognizeDurationWeeks('10', { now: NOW, bareNumberUnit: 'days' })).toBe(1.43);
  });

  it('works without a given "now"', () => {
    expect(recognizeDurationWeeks('2 weeks')).toBe(2);
  });

  it.each(['a while', 'ages', 'banana', 'i like trains', 'next week', ''])('vague or unrelated %j gives undefined', (text) => {
    expect(recognizeDurationWeeks(text, { now: NOW })).toBeUndefined();
  });
});

describe('recognizeOrdinal', () => {
  it.each([
    ['the second one', 1],
    ['2nd', 1],
    ['second', 1],
    ['2', 1],
    ['number 2', 1],
    ['option two', 1],
    ['#2', 1],
    ['the 3rd please', 2],
    ['the last one', 3],
    ['last', 3],
    ['second to last', 2],
    ['the first', 0],
    ['first one', 0],
    ['one', 0],
  ] as const)('%j of 4 options is index %d', (text, expected) => {
    expect(recognizeOrdinal(text, 4)).toBe(expected);
  });

  it.each(['the fifth', '5', '0', 'the fifth one'])('%j is out of range for 4 options', (text) => {
    expect(recognizeOrdinal(text, 4)).toBeUndefined();
  });

  it.each(['I have 2 kids', 'the first time it hurt was in may', 'next', 'that one', 'banana', ''])('%j is not a choice of option', (text) => {
    expect(recognizeOrdinal(text, 4)).toBeUndefined();
  });

  it('"last" follows the number of options', () => {
    expect(recognizeOrdinal('the last one', 2)).toBe(1);
    expect(recognizeOrdinal('the last one', 0)).toBeUndefined();
  });
});

describe('recognizePhone and recognizeEmail', () => {
  it.each([
    ['my number is 07700 900123 thanks', '07700 900123'],
    ['call me on +44 7700 900123', '+44 7700 900123'],
    ['you can reach me at 020 7946 0958 after 5', '020 7946 0958'],
    ['555-123-4567', '555-123-4567'],
    ['call (555) 123-4567 please', '(555) 123-4567'],
    ['555.123.4567', '555.123.4567'],
  ] as const)('phone in %j is %j', (text, expected) => {
    expect(recognizePhone(text)).toBe(expected);
  });

  it.each(['i am 52', 'it has been 3 weeks', 'no phone', '12345'])('%j has no phone number', (text) => {
    expect(recognizePhone(text)).toBeUndefined();
  });

  it.each([
    ['my email is Jo.Bloggs@Example.com thanks', 'Jo.Bloggs@Example.com'],
    ['email me at jo@example.co.uk.', 'jo@example.co.uk'],
    ['jo@example.com, thanks', 'jo@example.com'],
  ] as const)('email in %j is %j, as written and without the full stop', (text, expected) => {
    expect(recognizeEmail(text)).toBe(expected);
  });

  it.each(['no email', 'jo at example dot com', 'jo@@example.com'])('%j has no email address', (text) => {
    expect(recognizeEmail(text)).toBeUndefined();
  });
});

describe('matchChoice', () => {
  const conditions = ['Sciatica', 'Piriformis syndrome', 'Spinal stenosis', 'Herniated disc'];
  const synonyms = [[], [], ['narrowing of the spine'], ['slipped disc', 'bulging disc']];

  it.each([
    ['sciatica', 0, 'exact'],
    ['Sciatica!', 0, 'exact'],
    ['SPINAL STENOSIS', 2, 'exact'],
    ['tell me about sciatica', 0, 'exact'],
    ['slipped disc', 3, 'exact'],
    ['narrowing of the spine', 2, 'exact'],
    ['the second one', 1, 'ordinal'],
    ['2', 1, 'ordinal'],
    ['last', 3, 'ordinal'],
    ['sciatca', 0, 'fuzzy'],
    ['piriformis sindrome', 1, 'fuzzy'],
    ['spinal stenossis', 2, 'fuzzy'],
    ['herniated dics', 3, 'fuzzy'],
    ['slipped disk', 3, 'fuzzy'],
    ['piriformis', 1, 'fuzzy'],
  ] as const)('%j picks option %d (%s)', (text, index, how) => {
    expect(matchChoice(text, conditions, synonyms)).toEqual({ index, how });
  });

  it.each(['banana', 'what is sciatica?', 'what is sciatica', 'my sciatica is bad and my back hurts', 'the fifth one', 'sciatica or stenosis', ''])(
    '%j picks nothing',
    (text) => {
      expect(matchChoice(text, conditions, synonyms)).toBeUndefined();
    },
  );

  it('a word shared by two options is ambiguous and picks nothing', () => {
    expect(matchChoice('stenosis', ['Lumbar stenosis', 'Cervical stenosis'])).toBeUndefined();
    expect(matchChoice('stenossis', ['Lumbar stenosis', 'Cervical stenosis'])).toBeUndefined();
    expect(matchChoice('lumbar stenosis', ['Lumbar stenosis', 'Cervical stenosis'])).toEqual({ index: 0, how: 'exact' });
  });

  it('short words need an exact spelling: one edit there makes another word', () => {
    expect(matchChoice('leg', ['Back', 'Leg'])).toEqual({ index: 1, how: 'exact' });
    expect(matchChoice('log', ['Back', 'Leg'])).toBeUndefined();
  });

  it('options that are answers take yes/no words', () => {
    const answers = ['Yes', 'No', 'Not sure'];
    expect(matchChoice('yeah', answers)).toEqual({ index: 0, how: 'exact' });
    expect(matchChoice('nah', answers)).toEqual({ index: 1, how: 'exact' });
    expect(matchChoice('dunno', answers)).toEqual({ index: 2, how: 'exact' });
    expect(matchChoice('banana', answers)).toBeUndefined();
  });
});

describe('extractEntities', () => {
  it.each([
    [
      "I'm 52 and it's hurt for about three weeks",
      [
        { type: 'age', value: 52 },
        { type: 'duration_weeks', value: 3 },
      ],
    ],
    ['52 years old', [{ type: 'age', value: 52 }]],
    [
      'call me on 07700 900123 or jo@example.com',
      [
        { type: 'email', value: 'jo@example.com' },
        { type: 'phone', value: '07700 900123' },
      ],
    ],
    ['yes', [{ type: 'yes_no', value: 'yes' }]],
    ['the second one', [{ type: 'ordinal', value: 2 }]],
    ['the last one', [{ type: 'ordinal', value: -1 }]],
    ['7 out of 10', [{ type: 'number', value: 7 }]],
    ['I have 2 kids', [{ type: 'number', value: 2 }]],
    ['pain since yesterday', [{ type: 'duration_weeks', value: 0.14 }]],
    [
      'I am 41, pain since last monday',
      [
        { type: 'age', value: 41 },
        { type: 'duration_weeks', value: 1.14 },
      ],
    ],
    ['no, never', [{ type: 'yes_no', value: 'no' }]],
    [
      "3wks of pain, I'm 52yo",
      [
        { type: 'age', value: 52 },
        { type: 'duration_weeks', value: 3 },
      ],
    ],
    [
      '52 years old, pain for 2 yrs',
      [
        { type: 'age', value: 52 },
        { type: 'duration_weeks', value: 104.29 },
      ],
    ],
    [
      'jo2x@example.com 07700 900123 age 33',
      [
        { type: 'email', value: 'jo2x@example.com' },
        { type: 'phone', value: '07700 900123' },
        { type: 'age', value: 33 },
      ],
    ],
    ['the second to last one', [{ type: 'ordinal', value: -2 }]],
    ['in my late 50s', [{ type: 'age', value: 58 }]],
    [
      "I'm 100% sure",
      [
        { type: 'number', value: 100 },
        { type: 'yes_no', value: 'yes' },
      ],
    ],
    ['my back hurts today', []],
    ['the first time it hurt was last week', []],
    ['why does my back hurt when I lift my leg', []],
  ] as const)('%j', (text, expected) => {
    expect(extractEntities(text, NOW)).toEqual(expected);
  });

  // The date-time recognizer returns hits with a null resolution for some non-native phrasings
  // ("last week ago"); extracting entities from them once threw and failed the whole turn.
  it.each(['it started last week ago', 'pain since last month ago now', 'my back hurts from last days ago', 'since last weekend ago'])(
    'survives a date hit without a resolution: %j',
    (text) => {
      expect(() => extractEntities(text, NOW)).not.toThrow();
    },
  );
});

describe('answer-words.yaml', () => {
  const raw = parseYaml(readFileSync(ANSWER_WORDS_FILE, 'utf8')) as Record<string, Record<string, unknown>>;

  it('is valid', () => {
    expect(() => compileVocabulary(raw, ANSWER_WORDS_FILE)).not.toThrow();
  });

  it('rejects a phrase listed as both yes and no, naming it', () => {
    const broken = structuredClone(raw) as { yes_no: { yes: string[]; no: string[] } };
    broken.yes_no.no.push('aye');
    expect(() => compileVocabulary(broken, 'test')).toThrow(/"aye" is also in yes_no\.yes/);
  });

  it('rejects a missing list', () => {
    const broken = structuredClone(raw) as { yes_no: Partial<Record<string, unknown>> };
    delete broken.yes_no.unsure;
    expect(() => compileVocabulary(broken, 'test')).toThrow(/yes_no\.unsure/);
  });
});
