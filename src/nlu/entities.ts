// Answers and entities in what people type: yes/no, numbers, ages, durations, which option,
// phone numbers and email addresses. English only. Built on the Microsoft recognizers, with
// the gaps they leave covered here; the words people use live in
// knowledge/nlu/answer-words.yaml. Each recognizer is built once, on first use
// (`warmUpEntityRecognizers` builds them all, e.g. at server start).
import type { Entity } from './types.js';
import { findEmailHits, findPhoneHits } from './entities/contact.js';
import { findDurationHits } from './entities/duration.js';
import { findAgeHits, findNumberHits, mayHoldNumber, prepare } from './entities/numbers.js';
import { findPosition } from './entities/ordinal.js';
import { keepHitsOfAnswerWords, RECOGNIZER_YES_NO_WORDS, warmUpModels, warmUpModelsInSteps, type AnswerModel } from './entities/models.js';
import { tokensOf } from './entities/text.js';
import { vocabulary } from './entities/vocabulary.js';
import { recognizeYesNo } from './entities/yesNo.js';

export { matchChoice, type ChoiceMatch } from './entities/choice.js';
export { duringOneMessage } from './entities/models.js';
export { recognizeEmail, recognizePhone } from './entities/contact.js';
export { recognizeDurationWeeks, type DurationOptions } from './entities/duration.js';
export { MAX_AGE, MIN_AGE, recognizeAge, recognizeNumber } from './entities/numbers.js';
export { recognizeOrdinal } from './entities/ordinal.js';
export { ANSWER_WORDS_FILE, answerWordsSchema, loadVocabulary } from './entities/vocabulary.js';
export { recognizeYesNo } from './entities/yesNo.js';

/**
 * The fixed answer words whose recognizer hits are worked out once (src/nlu/entities/models.ts),
 * with the models each meets: the recognizer's own yes/no words reach the yes/no model; the
 * listed phrases never do (they are read from the lists first), but any of them can reach the
 * option-position models ("nah" to a list of options).
 */
function answerWords(): [string[], AnswerModel[]][] {
  const vocab = vocabulary();
  const listed = [...new Set([...vocab.yesNoPhrases.keys(), ...vocab.wholeAnswers.keys()])].filter((w) => !RECOGNIZER_YES_NO_WORDS.includes(w));
  return [
    [RECOGNIZER_YES_NO_WORDS, ['boolean', 'ordinal', 'number']],
    [listed, ['ordinal', 'number']],
  ];
}

/**
 * The answer words as people type them ("no", "No", "nope"...): the texts whose crisis and
 * red-flag readings the NLU engine works out once (src/util/memo.ts `rememberFixed`). Most
 * replies to the warning-sign questions are one of them.
 */
export function fixedAnswerTexts(): Set<string> {
  const texts = new Set<string>();
  for (const [words] of answerWords()) {
    for (const word of words) {
      texts.add(word);
      texts.add(word.charAt(0).toUpperCase() + word.slice(1));
    }
  }
  return texts;
}

/** Loads the answer vocabulary and builds every recognizer now rather than on first use. */
export function warmUpEntityRecognizers(): void {
  vocabulary();
  warmUpModels();
  for (const [words, models] of answerWords()) keepHitsOfAnswerWords(words, models);
}

/** The same without blocking: one recognizer at a time, for a server that is already listening. */
export async function warmUpEntityRecognizersInSteps(): Promise<void> {
  vocabulary();
  await warmUpModelsInSteps();
  for (const [words, models] of answerWords()) {
    for (let i = 0; i < words.length; i += 10) {
      await new Promise((resolve) => setImmediate(resolve));
      keepHitsOfAnswerWords(words.slice(i, i + 10), models);
    }
  }
}

type Span = [number, number];
const overlaps = (a: Span, b: Span) => a[0] < b[1] && b[0] < a[1];

/**
 * Everything recognisable in free text, for `backline nlu`. Stricter than the answer
 * recognizers, which know what the bot asked: a bare number is a number, not an age; an
 * ordinal counts only in a short reply ("the second one"), not in "the first time it hurt";
 * a date counts as a duration only with "since", "ago" or "started". A number inside an
 * age, duration, phone number or email address is not reported again on its own.
 * Ordinal values are 1-based, negative from the end (-1 = the last one).
 */
export function extractEntities(text: string, now: Date = new Date()): Entity[] {
  const entities: Entity[] = [];
  const taken: Span[] = [];

  let rest = text;
  const blank = (span: Span) => {
    rest = rest.slice(0, span[0]) + ' '.repeat(span[1] - span[0]) + rest.slice(span[1]);
    taken.push(span);
  };
  for (const hit of findEmailHits(text)) {
    entities.push({ type: 'email', value: hit.value });
    blank([hit.start, hit.end]);
  }
  for (const hit of findPhoneHits(rest)) {
    entities.push({ type: 'phone', value: hit.value });
    blank([hit.start, hit.end]);
  }

  const vocab = vocabulary();
  const aboutTime = tokensOf(rest).some((t) => vocab.unitWords.has(t) || vocab.anchorWords.has(t));
  if (aboutTime || mayHoldNumber(rest) || /\d0s|ties\b|teens\b/i.test(rest)) {
    const prepared = prepare(rest);
    for (const hit of findAgeHits(prepared, false)) {
      entities.push({ type: 'age', value: hit.value });
      taken.push(prepared.originalSpan(hit.start, hit.end));
    }
    for (const hit of findDurationHits(prepared, now, true)) {
      const span: Span = [hit.start, hit.end];
      if (taken.some((t) => overlaps(t, span))) continue; // "52 years old" is an age, not 52 years
      entities.push({ type: 'duration_weeks', value: hit.weeks });
      taken.push(span);
    }
    if (mayHoldNumber(rest)) {
      for (const hit of findNumberHits(prepared)) {
        const span = prepared.originalSpan(hit.start, hit.end);
        if (!taken.some((t) => overlaps(t, span))) entities.push({ type: 'number', value: hit.value });
      }
    }
  }

  const position = findPosition(rest);
  if (position?.kind === 'ordinal') entities.push({ type: 'ordinal', value: position.position });

  const yesNo = recognizeYesNo(rest);
  if (yesNo) entities.push({ type: 'yes_no', value: yesNo });
  return entities;
}
