// The recognizers' hits are shared in two ways (src/nlu/entities/models.ts): within the decision
// on one message, and, for the fixed answer words only, for the life of the process. Neither may
// keep what a person typed beyond their turn, nor change what the recognizers find.
import { beforeAll, describe, expect, it } from 'vitest';
import { matchChoice, recognizeYesNo, warmUpEntityRecognizers } from '../../src/nlu/entities.js';
import { duringOneMessage, findBooleans, findNumbers, findOrdinals, keepHitsOfAnswerWords } from '../../src/nlu/entities/models.js';

beforeAll(() => warmUpEntityRecognizers(), 60_000);

describe('recognizer hits for the fixed answer words', () => {
  it('are what the recognizers find, worked out again from scratch', () => {
    for (const word of ['no', 'nope', 'yes', 'yeah', 'not ok', 'nah', 'not really']) {
      // "no " (a trailing space) is not in the table: the recognizers run on it afresh.
      const kept = [findBooleans(word), findOrdinals(word), findNumbers(word)];
      expect(JSON.parse(JSON.stringify(kept))).toEqual(
        duringOneMessage(() =>
          JSON.parse(JSON.stringify([findBooleans(`${word} `).map((h) => ({ ...h, text: h.text.trim() })), findOrdinals(word), findNumbers(word)])),
        ),
      );
    }
  });

  it('are the same objects on every call and cannot be changed by one caller for the next', () => {
    const first = findBooleans('no');
    expect(first.length).toBeGreaterThan(0);
    expect(findBooleans('no')).toBe(first);
    expect(() => first.push(first[0]!)).toThrow(TypeError);
    expect(() => {
      (first[0] as { start: number }).start = 99;
    }).toThrow(TypeError);
  });

  it('leave the answers as they were: "no" to a list of options and to a yes/no question', () => {
    expect(recognizeYesNo('no')).toBe('no');
    expect(recognizeYesNo('nope')).toBe('no');
    expect(matchChoice('no', ['Yes', 'No', 'Not sure'])).toEqual({ index: 1, how: 'exact' });
    expect(matchChoice('nah', ['Yes', 'No', 'Not sure'])).toEqual({ index: 1, how: 'exact' });
  });

  it('are never added for a typed text outside those lists', () => {
    const typed = 'my left leg went numb on tuesday';
    expect(findNumbers(typed)).not.toBe(findNumbers(typed));
    keepHitsOfAnswerWords([], ['number']);
    expect(findNumbers(typed)).not.toBe(findNumbers(typed));
  });
});

describe('duringOneMessage', () => {
  const typed = 'it started about 3 weeks ago, the second time';

  it('shares one pass per model and text within the decision on one message', () => {
    duringOneMessage(() => {
      expect(findNumbers(typed)).toBe(findNumbers(typed));
      expect(findOrdinals(typed)).toBe(findOrdinals(typed));
    });
  });

  it('keeps nothing once the message is decided: the next message starts empty', () => {
    const inside = duringOneMessage(() => findNumbers(typed));
    const outside = findNumbers(typed);
    expect(outside).not.toBe(inside);
    expect(outside).toEqual(inside);
    expect(duringOneMessage(() => findNumbers(typed))).not.toBe(inside);
  });

  it('drops the shared hits also when the decision throws', () => {
    let inside: unknown;
    expect(() =>
      duringOneMessage(() => {
        inside = findNumbers(typed);
        throw new Error('decision failed');
      }),
    ).toThrow('decision failed');
    expect(findNumbers(typed)).not.toBe(inside);
  });
});
