import { describe, expect, it } from 'vitest';
import { cloneData } from '../../src/util/clone.js';
import { newConversationState } from '../../src/engine/state.js';

describe('cloneData (the per-turn copy of a conversation state)', () => {
  const state = {
    ...newConversationState(),
    answers: { saddle_anaesthesia: 'no', age: 41, pain: null, flags: ['fever', 'night_pain'] },
    at: { tree: 'red_flags', node: 'q_age' },
    said: ['6e4f760', '8aaf6d5'],
    nested: [[1, 2], { deep: { deeper: [true, false, 'x'] } }],
  };

  it('gives what structuredClone gives for JSON data', () => {
    expect(cloneData(state)).toStrictEqual(structuredClone(state));
  });

  it('shares nothing with the original', () => {
    const copy = cloneData(state);
    copy.answers.flags.push('weight_loss');
    (copy.nested[1] as { deep: { deeper: unknown[] } }).deep.deeper.length = 0;
    copy.at.node = 'elsewhere';
    expect(state.answers.flags).toEqual(['fever', 'night_pain']);
    expect((state.nested[1] as { deep: { deeper: unknown[] } }).deep.deeper).toEqual([true, false, 'x']);
    expect(state.at.node).toBe('q_age');
  });

  it('copies what is not plain data as structuredClone does (a Date stays a Date, a Map a Map)', () => {
    const when = new Date('2026-12-07T06:00:00Z');
    const copy = cloneData({ when, seen: new Map([['a', 1]]) });
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(when.getTime());
    expect(copy.seen).toBeInstanceOf(Map);
    expect(copy.seen.get('a')).toBe(1);
  });

  it('keeps an own "__proto__" key as a key, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const copy = cloneData(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'ok']);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(copy).toStrictEqual(structuredClone(parsed));
  });
});
