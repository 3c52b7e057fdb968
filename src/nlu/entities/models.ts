// The Microsoft recognizer models, English only. Each is built once, on first use, and kept:
// building one takes tens to hundreds of milliseconds, using one well under a millisecond.
// The packages themselves are loaded on first use too (about 0.7 s of module evaluation in
// all), so a server answers its first question before they are needed; see warmUpModelsInSteps.
import { createRequire } from 'node:module';
import type * as ChoicePackage from '@microsoft/recognizers-text-choice';
import type * as DateTimePackage from '@microsoft/recognizers-text-date-time';
import type * as NumberPackage from '@microsoft/recognizers-text-number';
import type * as NumberWithUnitPackage from '@microsoft/recognizers-text-number-with-unit';
import type * as SequencePackage from '@microsoft/recognizers-text-sequence';

const requirePackage = createRequire(import.meta.url);

/** What every model returns; `end` is inclusive. */
export interface RecognizerHit {
  text: string;
  start: number;
  end: number;
  typeName: string;
  /** Null for some date-time hits (the recognizers type it as always present; it is not). */
  resolution: Record<string, unknown> | null;
}

export interface DurationHit {
  start: number;
  length: number;
  text: string;
  seconds: number;
}

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

const numberPackage = once(() => requirePackage('@microsoft/recognizers-text-number') as typeof NumberPackage);
const choicePackage = once(() => requirePackage('@microsoft/recognizers-text-choice') as typeof ChoicePackage);
const dateTimePackage = once(() => requirePackage('@microsoft/recognizers-text-date-time') as typeof DateTimePackage);
const numberWithUnitPackage = once(() => requirePackage('@microsoft/recognizers-text-number-with-unit') as typeof NumberWithUnitPackage);
const sequencePackage = once(() => requirePackage('@microsoft/recognizers-text-sequence') as typeof SequencePackage);
const ENGLISH = 'en-us';

const LAZY = true; // build only the models asked for, not every model of the culture
const numberRecognizer = once(() => new (numberPackage().NumberRecognizer)(ENGLISH, undefined, LAZY));
const numberModel = once(() => numberRecognizer().getNumberModel());
const ordinalModel = once(() => numberRecognizer().getOrdinalModel());
const ageModel = once(() => new (numberWithUnitPackage().NumberWithUnitRecognizer)(ENGLISH, undefined, LAZY).getAgeModel());
const booleanModel = once(() => new (choicePackage().ChoiceRecognizer)(ENGLISH, undefined, LAZY).getBooleanModel());
const sequenceRecognizer = once(() => new (sequencePackage().SequenceRecognizer)(ENGLISH, undefined, LAZY));
const phoneModel = once(() => sequenceRecognizer().getPhoneNumberModel());
const emailModel = once(() => sequenceRecognizer().getEmailModel());
const dateTimeModel = once(() => new (dateTimePackage().DateTimeRecognizer)(ENGLISH, undefined, LAZY).getDateTimeModel());
// The duration extractor on its own is about ten times faster than the full date-time model.
const durationPair = once(() => {
  const dt = dateTimePackage();
  return {
    extractor: new dt.BaseDurationExtractor(new dt.EnglishDurationExtractorConfiguration()),
    parser: new dt.BaseDurationParser(new dt.EnglishDurationParserConfiguration(new dt.EnglishCommonDateTimeParserConfiguration())),
  };
});

const hits = (results: unknown): RecognizerHit[] => results as RecognizerHit[];

/**
 * The recognizers' hits for the message being decided, by model and text; undefined between
 * messages. Deciding one message asks the same model about the same words more than once (the
 * typed-choice check, then the question's own answer reading); each pass costs a tenth of a
 * millisecond or so. Filled and dropped within one synchronous call (`duringOneMessage`), so
 * no other message can see it and no text outlives its turn. Callers never change the hits.
 */
let messageMemo: Map<string, RecognizerHit[]> | undefined;

/** Runs `decide` (synchronous) with the recognizers' hits shared across its passes over the same text. */
export function duringOneMessage<T>(decide: () => T): T {
  const outer = messageMemo;
  messageMemo = new Map();
  try {
    return decide();
  } finally {
    messageMemo = outer;
  }
}

/**
 * The hits for fixed answer words ("no", "nope", "not really"...: the answer vocabulary and the
 * recognizers' own yes/no words), worked out once at warm-up (`keepHitsOfAnswerWords`). Most
 * replies to a question are one of them, and each recognizer pass costs far more than a look-up.
 * Filled only from those fixed lists, never from what a person typed.
 */
const answerWordHits = new Map<string, RecognizerHit[]>();

export type AnswerModel = 'number' | 'ordinal' | 'age' | 'boolean';

const PARSERS: Record<AnswerModel, (text: string) => unknown> = {
  number: (t) => numberModel().parse(t),
  ordinal: (t) => ordinalModel().parse(t),
  age: (t) => ageModel().parse(t),
  boolean: (t) => booleanModel().parse(t),
};

/** The recognizer's own yes/no words (recognizers-text-choice), which answer-words.yaml leaves to it. */
export const RECOGNIZER_YES_NO_WORDS = [
  'yes',
  'yeah',
  'yep',
  'yup',
  'y',
  'sure',
  'ok',
  'true',
  'agree',
  'no',
  'nope',
  'nop',
  'n',
  'false',
  'not ok',
  'disagree',
];

/** Shared by every turn, so nobody may change them: frozen, a write throws. */
function frozen(found: RecognizerHit[]): RecognizerHit[] {
  for (const hit of found) {
    if (hit.resolution) Object.freeze(hit.resolution);
    Object.freeze(hit);
  }
  return Object.freeze(found) as RecognizerHit[];
}

/** Works out these models' hits for these fixed texts now and keeps them (see `answerWordHits`). */
export function keepHitsOfAnswerWords(words: Iterable<string>, models: readonly AnswerModel[]): void {
  for (const word of words) {
    for (const model of models) answerWordHits.set(`${model}\u0000${word}`, frozen(hits(PARSERS[model](word))));
  }
}

function remembered(model: AnswerModel, text: string, parse: (text: string) => unknown): RecognizerHit[] {
  const key = `${model}\u0000${text}`;
  const fixed = answerWordHits.get(key);
  if (fixed) return fixed;
  if (!messageMemo) return hits(parse(text));
  let found = messageMemo.get(key);
  if (!found) {
    found = hits(parse(text));
    messageMemo.set(key, found);
  }
  return found;
}

export const findNumbers = (text: string): RecognizerHit[] => remembered('number', text, PARSERS.number);
export const findOrdinals = (text: string): RecognizerHit[] => remembered('ordinal', text, PARSERS.ordinal);
export const findAges = (text: string): RecognizerHit[] => remembered('age', text, PARSERS.age);
export const findBooleans = (text: string): RecognizerHit[] => remembered('boolean', text, PARSERS.boolean);
export const findPhones = (text: string): RecognizerHit[] => hits(phoneModel().parse(text));
export const findEmails = (text: string): RecognizerHit[] => hits(emailModel().parse(text));
export const findDateTimes = (text: string, now: Date): RecognizerHit[] => hits(dateTimeModel().parse(text, now));

export function findDurations(text: string, now: Date): DurationHit[] {
  const { extractor, parser } = durationPair();
  const found: DurationHit[] = [];
  for (const extracted of extractor.extract(text, now)) {
    const parsed = parser.parse(extracted, now) as { value?: { futureValue?: unknown } } | null;
    const seconds = Number(parsed?.value?.futureValue);
    if (Number.isFinite(seconds) && seconds >= 0) {
      found.push({ start: extracted.start, length: extracted.length, text: extracted.text, seconds });
    }
  }
  return found;
}

const WARM_UP_STEPS: ((now: Date) => unknown)[] = [
  () => findNumbers('52'),
  () => findOrdinals('second'),
  () => findAges('52 years old'),
  () => findBooleans('yes'),
  () => findPhones('020 7946 0958'),
  () => findEmails('a@example.com'),
  (now) => findDurations('3 weeks', now),
  (now) => findDateTimes('since yesterday', now),
];

/** Builds every model now, so the first user does not wait. */
export function warmUpModels(): void {
  const now = new Date();
  for (const step of WARM_UP_STEPS) step(now);
}

/**
 * The same, one model at a time with the event loop free in between, so a server that is
 * already listening keeps answering while it warms up.
 */
export async function warmUpModelsInSteps(): Promise<void> {
  const now = new Date();
  for (const step of WARM_UP_STEPS) {
    await new Promise((resolve) => setImmediate(resolve));
    step(now);
  }
}
