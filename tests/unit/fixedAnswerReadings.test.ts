// The NLU engine reads the answer words ("no", "nope"...) once and keeps their crisis and
// red-flag readings (src/nlu/understand.ts, src/util/memo.ts rememberFixed). The kept readings
// must be exactly what a full reading gives, and no caller may change them for the next.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content.js';
import { fixedAnswerTexts } from '../../src/nlu/entities.js';
import { createNluEngine, type NluEngine } from '../../src/nlu/understand.js';

let engine: NluEngine;
beforeAll(() => {
  const content = loadContent('.', '911');
  engine = createNluEngine({ root: '.', cacheDir: 'data/test-nlu-cache', redFlagPatterns: content.redFlagPatterns });
}, 180_000); // trains the models when the test cache is cold

describe('the answer words read once', () => {
  it('are the answer vocabulary as typed, capitalised too, and nothing longer than a short answer', () => {
    const texts = fixedAnswerTexts();
    for (const word of ['no', 'No', 'nope', 'Nope', 'nah', 'yes', 'Yes']) expect(texts.has(word)).toBe(true);
    expect(texts.has('I want to die')).toBe(false);
    expect(texts.has("I can't feel my saddle area")).toBe(false);
  });

  it('read as a full reading does, on every call', () => {
    for (const text of fixedAnswerTexts()) {
      // With `original` the engine always reads in full (the retold path): the reference.
      const full = engine.detectRedFlags(text, text);
      expect(engine.detectRedFlags(text)).toEqual(full);
      expect(engine.detectRedFlags(text)).toEqual(full);
      expect(engine.detectCrisis(text)).toEqual(engine.understand(`${text} `).crisis);
    }
  });

  it('give every caller its own copy', () => {
    const first = engine.detectRedFlags('no');
    first.flags.push('saddle_anaesthesia');
    first.possible.push('bladder_dysfunction');
    expect(engine.detectRedFlags('no').flags).toEqual([]);
    expect(engine.detectRedFlags('no').possible).toEqual([]);
    const crisis = engine.detectCrisis('no');
    crisis.crisis = true;
    expect(engine.detectCrisis('no').crisis).toBe(false);
  });

  it('leave every other text to the full readers: a crisis or a warning sign is still found', () => {
    expect(engine.detectCrisis('no, I want to end my life').crisis).toBe(true);
    expect(engine.detectRedFlags("no but I can't feel my bum or between my legs").flags.length).toBeGreaterThan(0);
  });
});
