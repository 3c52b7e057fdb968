import { describe, expect, it } from 'vitest';
import { memoizeText, rememberFixed } from '../../src/util/memo.js';

describe('memoizeText', () => {
  it('computes each text once and returns the remembered value after', () => {
    const seen: string[] = [];
    const upper = memoizeText((text) => {
      seen.push(text);
      return text.toUpperCase();
    }, 10);
    expect(upper('a')).toBe('A');
    expect(upper('b')).toBe('B');
    expect(upper('a')).toBe('A');
    expect(seen).toEqual(['a', 'b']);
  });

  it('remembers undefined results too', () => {
    let calls = 0;
    const none = memoizeText(() => {
      calls++;
      return undefined;
    }, 10);
    none('x');
    none('x');
    expect(calls).toBe(1);
  });

  it('holds at most max texts (starting again when full), and still answers correctly', () => {
    let calls = 0;
    const length = memoizeText((text) => {
      calls++;
      return text.length;
    }, 3);
    for (const t of ['a', 'bb', 'ccc', 'dddd']) expect(length(t)).toBe(t.length);
    expect(calls).toBe(4);
    // 'dddd' is remembered in the new memo; 'a' was forgotten with the old one.
    expect(length('dddd')).toBe(4);
    expect(calls).toBe(4);
    expect(length('a')).toBe(1);
    expect(calls).toBe(5);
  });
});

describe('rememberFixed', () => {
  const fixed = new Set(['no', 'nope']);

  it('works out a fixed text once and any other text on every call', () => {
    const seen: string[] = [];
    const read = rememberFixed(
      (text) => {
        seen.push(text);
        return { text, words: text.split(' ') };
      },
      fixed,
      (value) => ({ ...value, words: [...value.words] }),
    );
    expect(read('no')).toEqual({ text: 'no', words: ['no'] });
    expect(read('no')).toEqual({ text: 'no', words: ['no'] });
    expect(read('my legs are numb')).toEqual({ text: 'my legs are numb', words: ['my', 'legs', 'are', 'numb'] });
    expect(read('my legs are numb').words).toHaveLength(4);
    expect(seen).toEqual(['no', 'my legs are numb', 'my legs are numb']);
  });

  it('gives each caller its own copy: a change to one result is not seen by the next caller', () => {
    const read = rememberFixed(
      (text) => ({ flags: [text] }),
      fixed,
      (value) => ({ flags: [...value.flags] }),
    );
    read('nope').flags.push('saddle_numbness');
    expect(read('nope')).toEqual({ flags: ['nope'] });
  });
});
