// The Microsoft recognizer models, English only. Each is built once, on first use, and kept:
// building one takes tens to hundreds of milliseconds, using one well under a millisecond.
import { ChoiceRecognizer } from '@microsoft/recognizers-text-choice';
import {
  BaseDurationExtractor,
  BaseDurationParser,
  DateTimeRecognizer,
  EnglishCommonDateTimeParserConfiguration,
  EnglishDurationExtractorConfiguration,
  EnglishDurationParserConfiguration,
} from '@microsoft/recognizers-text-date-time';
import { Culture, NumberRecognizer } from '@microsoft/recognizers-text-number';
import { NumberWithUnitRecognizer } from '@microsoft/recognizers-text-number-with-unit';
import { SequenceRecognizer } from '@microsoft/recognizers-text-sequence';

/** What every model returns; `end` is inclusive. */
export interface RecognizerHit {
  text: string;
  start: number;
  end: number;
  typeName: string;
  resolution: Record<string, unknown>;
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

const LAZY = true; // build only the models asked for, not every model of the culture
const numberRecognizer = once(() => new NumberRecognizer(Culture.English, undefined, LAZY));
const numberModel = once(() => numberRecognizer().getNumberModel());
const ordinalModel = once(() => numberRecognizer().getOrdinalModel());
const ageModel = once(() => new NumberWithUnitRecognizer(Culture.English, undefined, LAZY).getAgeModel());
const booleanModel = once(() => new ChoiceRecognizer(Culture.English, undefined, LAZY).getBooleanModel());
const sequenceRecognizer = once(() => new SequenceRecognizer(Culture.English, undefined, LAZY));
const phoneModel = once(() => sequenceRecognizer().getPhoneNumberModel());
const emailModel = once(() => sequenceRecognizer().getEmailModel());
const dateTimeModel = once(() => new DateTimeRecognizer(Culture.English, undefined, LAZY).getDateTimeModel());
// The duration extractor on its own is about ten times faster than the full date-time model.
const durationPair = once(() => ({
  extractor: new BaseDurationExtractor(new EnglishDurationExtractorConfiguration()),
  parser: new BaseDurationParser(new EnglishDurationParserConfiguration(new EnglishCommonDateTimeParserConfiguration())),
}));

const hits = (results: unknown): RecognizerHit[] => results as RecognizerHit[];

export const findNumbers = (text: string): RecognizerHit[] => hits(numberModel().parse(text));
export const findOrdinals = (text: string): RecognizerHit[] => hits(ordinalModel().parse(text));
export const findAges = (text: string): RecognizerHit[] => hits(ageModel().parse(text));
export const findBooleans = (text: string): RecognizerHit[] => hits(booleanModel().parse(text));
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

/** Builds every model now, e.g. at server start, so the first user does not wait. */
export function warmUpModels(): void {
  const now = new Date();
  findNumbers('52');
  findOrdinals('second');
  findAges('52 years old');
  findBooleans('yes');
  findPhones('020 7946 0958');
  findEmails('a@example.com');
  findDurations('3 weeks', now);
  findDateTimes('since yesterday', now);
}
