// The answer vocabulary (knowledge/nlu/answer-words.yaml): loaded once, validated with zod,
// and compiled into the normalised sets and regular expressions the recognizers use.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { normalizeForMatch, wordAlternation } from './text.js';

export const ANSWER_WORDS_FILE = fileURLToPath(new URL('../../../knowledge/nlu/answer-words.yaml', import.meta.url));

const words = z.array(z.string().min(1));
const unit = z.enum(['hours', 'days', 'weeks', 'months', 'years']);

export const answerWordsSchema = z
  .strictObject({
    yes_no: z.strictObject({
      yes: words,
      no: words,
      unsure: words,
      neutral: words,
      whole_answer: z.strictObject({ yes: words, no: words, unsure: words }),
    }),
    numbers: z.strictObject({
      words: words.min(1),
      scale_tops: z.array(z.number().positive()),
      range_joiners: words,
      pronoun_one_after: words,
    }),
    age: z.strictObject({
      cues: words,
      not_age_units: words,
      decades: z.record(z.string().min(1), z.number().int().min(10).max(110)),
      decade_offsets: z.strictObject({ early: z.number(), mid: z.number(), late: z.number(), default: z.number() }),
    }),
    duration: z.strictObject({
      unit_abbreviations: z.record(z.string().min(1), unit),
      bare_plural_units: z.partialRecord(unit, z.number().positive()),
      anchor_words: words,
      unit_words: words,
    }),
    choice: z.strictObject({
      filler: words,
      ordinal_extra_words: z.number().int().min(0),
      from_end: z.record(z.string().min(1), z.number().int().positive()),
      from_start: z.record(z.string().min(1), z.number().int().positive()),
      ignore_ordinals: words,
      question_starts: words,
    }),
  })
  .superRefine((data, ctx) => {
    // A phrase in two yes/no lists would make the answer depend on list order.
    const seen = new Map<string, string>();
    const lists: [string, string[]][] = [
      ['yes', data.yes_no.yes],
      ['no', data.yes_no.no],
      ['unsure', data.yes_no.unsure],
      ['neutral', data.yes_no.neutral],
    ];
    for (const [list, phrases] of lists) {
      for (const phrase of phrases) {
        const key = normalizeForMatch(phrase);
        if (key === '') ctx.addIssue({ code: 'custom', path: ['yes_no', list], message: `"${phrase}" has no letters or digits` });
        const other = seen.get(key);
        if (other !== undefined && other !== list) {
          ctx.addIssue({ code: 'custom', path: ['yes_no', list], message: `"${phrase}" is also in yes_no.${other}` });
        }
        seen.set(key, list);
      }
    }
  });

export type AnswerWords = z.infer<typeof answerWordsSchema>;
export type YesNo = 'yes' | 'no' | 'unsure';
export type DurationUnit = z.infer<typeof unit>;

export interface Vocabulary {
  /** Normalised phrase -> what it answers; "neutral" phrases are consumed and give nothing. */
  yesNoPhrases: Map<string, YesNo | 'neutral'>;
  yesNoLongestPhrase: number;
  wholeAnswers: Map<string, YesNo>;
  numberWords: Set<string>;
  scaleTops: Set<number>;
  rangeJoiners: Set<string>;
  pronounOneAfter: Set<string>;
  /** Ends right before a number: "i'm", "aged", "age is". */
  ageCueBefore: RegExp;
  notAgeUnitAfter: RegExp;
  decades: Map<string, number>;
  decadeOffsets: AnswerWords['age']['decade_offsets'];
  unitAbbreviation: RegExp;
  unitAbbreviations: Map<string, DurationUnit>;
  barePluralUnits: Map<DurationUnit, number>;
  anchorWords: Set<string>;
  unitWords: Set<string>;
  choiceFiller: Set<string>;
  ordinalExtraWords: number;
  /** Normalised phrase -> position: positive from the start (1 = first), negative from the end (-1 = last). */
  relativePositions: Map<string, number>;
  relativeLongestPhrase: number;
  ignoreOrdinals: Set<string>;
  questionStarts: Set<string>;
}

/** Validates raw YAML data and compiles it; throws with every problem listed. */
export function compileVocabulary(raw: unknown, source = 'answer words'): Vocabulary {
  const parsed = answerWordsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`${source} is not valid:\n${problems}`);
  }
  const data = parsed.data;
  const norm = (list: readonly string[]) => list.map(normalizeForMatch).filter((w) => w !== '');

  const yesNoPhrases = new Map<string, YesNo | 'neutral'>();
  for (const kind of ['yes', 'no', 'unsure', 'neutral'] as const) {
    for (const phrase of norm(data.yes_no[kind])) yesNoPhrases.set(phrase, kind);
  }
  const wholeAnswers = new Map<string, YesNo>();
  for (const kind of ['yes', 'no', 'unsure'] as const) {
    for (const phrase of norm(data.yes_no.whole_answer[kind])) wholeAnswers.set(phrase, kind);
  }
  const relativePositions = new Map<string, number>();
  for (const [phrase, n] of Object.entries(data.choice.from_start)) relativePositions.set(normalizeForMatch(phrase), n);
  for (const [phrase, n] of Object.entries(data.choice.from_end)) relativePositions.set(normalizeForMatch(phrase), -n);

  const abbreviations = new Map<string, DurationUnit>();
  for (const [short, full] of Object.entries(data.duration.unit_abbreviations)) abbreviations.set(short.toLowerCase(), full);
  const numberWords = new Set(norm(data.numbers.words));
  const numberWordAlternation = wordAlternation(numberWords);
  const longest = (phrases: Iterable<string>) => Math.max(1, ...[...phrases].map((p) => p.split(' ').length));

  return {
    yesNoPhrases,
    yesNoLongestPhrase: longest(yesNoPhrases.keys()),
    wholeAnswers,
    numberWords,
    scaleTops: new Set(data.numbers.scale_tops),
    rangeJoiners: new Set(data.numbers.range_joiners.map((w) => w.toLowerCase())),
    pronounOneAfter: new Set(norm(data.numbers.pronoun_one_after)),
    ageCueBefore: new RegExp(`\\b(?:${wordAlternation(norm(data.age.cues))})\\s*$`),
    notAgeUnitAfter: new RegExp(`^\\s*(?:${wordAlternation(norm(data.age.not_age_units))})\\b`),
    decades: new Map(Object.entries(data.age.decades).map(([w, n]) => [normalizeForMatch(w), n])),
    decadeOffsets: data.age.decade_offsets,
    // Only straight after a number ("3wks", "3 wks", "two wks"), never on its own.
    unitAbbreviation: new RegExp(`(?<=(?:\\d|\\b(?:${numberWordAlternation}))\\s*)(${wordAlternation(abbreviations.keys())})\\.?(?![\\p{L}\\p{N}])`, 'giu'),
    unitAbbreviations: abbreviations,
    barePluralUnits: new Map(Object.entries(data.duration.bare_plural_units) as [DurationUnit, number][]),
    anchorWords: new Set(norm(data.duration.anchor_words)),
    unitWords: new Set(norm(data.duration.unit_words)),
    choiceFiller: new Set(norm(data.choice.filler)),
    ordinalExtraWords: data.choice.ordinal_extra_words,
    relativePositions,
    relativeLongestPhrase: longest(relativePositions.keys()),
    ignoreOrdinals: new Set(norm(data.choice.ignore_ordinals)),
    questionStarts: new Set(norm(data.choice.question_starts)),
  };
}

export function loadVocabulary(file = ANSWER_WORDS_FILE): Vocabulary {
  return compileVocabulary(parseYaml(readFileSync(file, 'utf8')) as unknown, file);
}

let cached: Vocabulary | undefined;

/** The vocabulary, read from disk on first use only. */
export function vocabulary(): Vocabulary {
  cached ??= loadVocabulary();
  return cached;
}
