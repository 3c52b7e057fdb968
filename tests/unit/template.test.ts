// The one template filler (src/text/template.ts): content, web pages and the Teams manifest.
import { describe, expect, it } from 'vitest';
import { fill, MissingPlaceholderError, placeholdersOf } from '../../src/text/template.js';

describe('fill', () => {
  it('puts values in {placeholders}, numbers as text', () => {
    expect(fill('Call {emergency_number} now; you are number {position}.', { emergency_number: '999', position: 3 })).toBe('Call 999 now; you are number 3.');
  });

  it('leaves a placeholder without a value as written by default, so review and the check see it', () => {
    expect(fill('Call {emergency_number}, {patient}.', { patient: 'your wife' })).toBe('Call {emergency_number}, your wife.');
    expect(fill('Call {emergency_number}.', { emergency_number: undefined })).toBe('Call {emergency_number}.');
  });

  it("missing: 'throw' names the placeholder", () => {
    expect(() => fill('Call {emergency_number}.', {}, { missing: 'throw' })).toThrow(MissingPlaceholderError);
    try {
      fill('x {a} {b}', { a: 1 }, { missing: 'throw' });
    } catch (error) {
      expect((error as MissingPlaceholderError).placeholder).toBe('{b}');
    }
  });

  it('does not take values from the object prototype', () => {
    expect(fill('{constructor} {to_string}', {})).toBe('{constructor} {to_string}');
  });

  it('picks plural forms by the number: {count|one|other} in English', () => {
    const t = '{count} support {count|request|requests}';
    expect(fill(t, { count: 1 })).toBe('1 support request');
    expect(fill(t, { count: 2 })).toBe('2 support requests');
    expect(fill(t, { count: 0 })).toBe('0 support requests');
  });

  it('named plural forms follow the locale (Polish one / few / many)', () => {
    const t = '{count} {count|one:plik|few:pliki|many:plików|other:pliku}';
    expect(fill(t, { count: 1 }, { locale: 'pl' })).toBe('1 plik');
    expect(fill(t, { count: 3 }, { locale: 'pl' })).toBe('3 pliki');
    expect(fill(t, { count: 5 }, { locale: 'pl' })).toBe('5 plików');
    expect(fill(t, { count: 1.5 }, { locale: 'pl' })).toBe('1.5 pliku');
  });

  it('a plural whose number is missing or not a number is a missing placeholder', () => {
    expect(fill('{count|day|days}', {})).toBe('{count|day|days}');
    expect(fill('{count|day|days}', { count: 'many' })).toBe('{count|day|days}');
    expect(() => fill('{count|day|days}', {}, { missing: 'throw' })).toThrow(MissingPlaceholderError);
  });

  it('{{name}} for HTML pages, with the caller escaping', () => {
    const escape = (v: string) => v.replace(/</g, '&lt;');
    expect(fill('<title>{{title}}</title>{{gone}}', { title: '<b>' }, { syntax: 'double_braces', escape })).toBe('<title>&lt;b></title>{{gone}}');
    // Single braces are not placeholders there.
    expect(fill('{title}', { title: 'x' }, { syntax: 'double_braces' })).toBe('{title}');
  });

  it('${{NAME}} for the Teams manifest, JSON-escaped', () => {
    const escape = (v: string) => JSON.stringify(v).slice(1, -1);
    expect(fill('{"v": "${{APP_VERSION}}"}', { APP_VERSION: '1.0 "beta"' }, { syntax: 'dollar_double_braces', escape })).toBe('{"v": "1.0 \\"beta\\""}');
    expect(() => fill('"${{NOPE}}"', {}, { syntax: 'dollar_double_braces', missing: 'throw' })).toThrow('${{NOPE}}');
  });
});

describe('placeholdersOf', () => {
  it('lists the names a template uses, plural numbers included, once each', () => {
    expect(placeholdersOf('{b} {a} {count|x|y} {a}')).toEqual(['a', 'b', 'count']);
    expect(placeholdersOf('no placeholders')).toEqual([]);
    expect(placeholdersOf('{{lang}} {x}', 'double_braces')).toEqual(['lang']);
  });
});
