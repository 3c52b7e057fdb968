// The crisis pre-screen (required literals, src/text/requiredLiterals.ts) must never change what
// is found: every text of the crisis corpora, the development sets and every sign's corpus
// positives and near misses is read with and without it, in English and Spanish.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCrisisDetector, loadCrisisPatterns } from '../../src/nlu/crisis.js';
import { requiredLiterals } from '../../src/text/requiredLiterals.js';

/** Every string anywhere in a YAML file (texts, positives, near misses; notes too: more is fine). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

function yamlFiles(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') && keep(name))
    .map((name) => join(dir, name));
}

const files = [
  ...yamlFiles('knowledge/nlu/red-flag-corpus', () => true),
  ...yamlFiles('knowledge/nlu/crisis-corpus', () => true),
  ...yamlFiles('tests', (name) => /^nlu-(dev.*|heldout)\.yaml$/.test(name)),
];
const texts = [...new Set(files.flatMap((file) => stringsIn(parse(readFileSync(file, 'utf8')))))];

describe.each(['knowledge/crisis.yaml', 'knowledge/crisis.es.yaml'])('crisis pre-screen on %s', (file) => {
  const patterns = loadCrisisPatterns(file);
  const full = createCrisisDetector(patterns, [], { prescreen: false });
  const screened = createCrisisDetector(patterns, [], { prescreen: true });

  it('finds exactly what the full reading finds, on every corpus and development-set text', () => {
    expect(files.some((f) => f.includes('crisis'))).toBe(true);
    expect(texts.length).toBeGreaterThan(5000);
    const differ = texts.filter((text) => JSON.stringify(full.detect(text)) !== JSON.stringify(screened.detect(text)));
    expect(differ).toEqual([]);
  }, 180_000);

  it('screens every pattern of the file (none is read on every message for want of a literal)', () => {
    const all = patterns.kinds.flatMap((k) => [...k.patterns, ...k.pairs.flatMap((p) => [p.first, p.then])]);
    expect(all.filter((p) => requiredLiterals(p) === undefined).map((p) => p.source)).toEqual([]);
  });
});

describe('requiredLiterals', () => {
  it('gives strings every match contains', () => {
    const cases: [RegExp, string[]][] = [
      [/(kill|hang) myself/, ['kill myself', 'hang myself', 'gone']],
      [/end (it|things) (all|now)/, ['end it all', 'end things now', 'xx end things now yy']],
      [/(a|b)?c{2}d+/, ['ccd', 'bccddd']],
      [/(?<![a-z])(?:took \d+ (pills|tablets))(?![a-z])/, ['took 12 pills', 'took 3 tablets']],
    ];
    for (const [pattern, samples] of cases) {
      const literals = requiredLiterals(pattern)!;
      expect(literals.length).toBeGreaterThan(0);
      for (const sample of samples) {
        const matches = pattern.test(sample);
        if (matches) expect(literals.some((l) => sample.includes(l))).toBe(true);
      }
    }
  });

  it('gives none where a match can hold no fixed text', () => {
    expect(requiredLiterals(/\w+/)).toBeUndefined();
    expect(requiredLiterals(/(a|\d)/)).toBeUndefined();
    expect(requiredLiterals(/x?/)).toBeUndefined();
    expect(requiredLiterals(/(a)\1/)).toBeUndefined();
    expect(requiredLiterals(/kill/i)).toBeUndefined();
  });
});
