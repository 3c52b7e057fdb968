// Concept features of the learned red-flag detector (knowledge/nlu/red-flag-concepts.yaml) and
// the corpus rounds the leave-one-round-out evaluation holds out (src/nlu/learnedRounds.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConceptIndex, conceptFeatures } from '../../src/nlu/learnedFeatures.js';
import { parseConcepts } from '../../src/nlu/learnedCorpus.js';
import { roundOfFile, roundsOfTexts } from '../../src/nlu/learnedRounds.js';
import { applyLexicon, lexiconFromEntries } from '../../src/nlu/normalize.js';
import { buildPhraseIndex, longestPhraseAt } from '../../src/nlu/phraseIndex.js';

describe('the shared phrase index (lexicon substitutions and concept words)', () => {
  it('keeps the longest phrase at a position first, and only whole phrases match', () => {
    const index = buildPhraseIndex([
      { words: ['back'], value: 'a' },
      { words: ['back', 'passage'], value: 'b' },
      { words: ['back', 'passage', 'area'], value: 'c' },
    ]);
    expect(index.get('back')!.map((p) => p.value)).toEqual(['c', 'b', 'a']);
    expect(longestPhraseAt(index, ['my', 'back', 'passage'], 1)?.value).toBe('b');
    expect(longestPhraseAt(index, ['my', 'back'], 1)?.value).toBe('a');
    expect(longestPhraseAt(index, ['my', 'backside'], 1)).toBeUndefined();
  });

  it('the lexicon replaces the longest variant once; concepts light every phrase that stands there', () => {
    const lexicon = lexiconFromEntries(
      [
        ['saddle area', ['back passage', 'bum']],
        ['numb', ['cant feel']],
      ],
      'test',
    );
    expect(applyLexicon(['cant', 'feel', 'my', 'back', 'passage'], lexicon)).toEqual(['numb', 'my', 'saddle', 'area']);
    const concepts = buildConceptIndex([
      ['seat_area', ['back passage']],
      ['back_word', ['back']],
    ]);
    expect(conceptFeatures(concepts, 'my back passage')).toEqual(['@back_word', '@seat_area', '@back_word+@seat_area']);
  });
});

describe('concept features', () => {
  const index = buildConceptIndex([
    ['seat_area', ['bum', 'back passage']],
    ['no_feeling', ['numb*', 'cant feel']],
  ]);

  it('names each concept once, phrases and prefixes included, and every pair of them', () => {
    expect(conceptFeatures(index, "Can't feel my bum, it's gone numb, totally numbness")).toEqual(['@no_feeling', '@seat_area', '@no_feeling+@seat_area']);
    expect(conceptFeatures(index, 'tingling round the back passage')).toEqual(['@seat_area']);
  });

  it('matches whole words only ("bumpy" is not "bum")', () => {
    expect(conceptFeatures(index, 'a bumpy ride')).toEqual([]);
  });

  it('the project file parses, and a bad concept name is refused naming the file', () => {
    const entries = parseConcepts(readFileSync('knowledge/nlu/red-flag-concepts.yaml', 'utf8'));
    expect(entries.map(([name]) => name)).toContain('seat_area');
    expect(() => parseConcepts('version: 1\nconcepts:\n  Seat-Area: [bum]\n')).toThrow(/red-flag-concepts\.yaml/);
    expect(parseConcepts('')).toEqual([]);
  });
});

describe('corpus rounds', () => {
  it('the round is the part of the file name after the sign', () => {
    expect(roundOfFile('fever.yaml')).toBe('base');
    expect(roundOfFile('fever.s5b.yaml')).toBe('s5b');
  });

  it('a text belongs to the round it was first written in; intents to none', () => {
    const files = [
      { name: 'fever.yaml', file: { sign: 'fever' as const, positives: ['Burning up'], nearMisses: [] } },
      {
        name: 'fever.s6.yaml',
        file: { sign: 'fever' as const, positives: ['burning  up', 'shivers all night'], nearMisses: [{ text: 'hay fever', kind: 'other_sense' }] },
      },
    ];
    const set = [
      { text: 'Burning up', signs: ['fever' as const], source: 'positive:fever' },
      { text: 'shivers all night', signs: ['fever' as const], source: 'positive:fever' },
      { text: 'hay fever', signs: [], source: 'near_miss:fever:other_sense' },
      { text: 'hello', signs: [], source: 'intent:greeting' },
    ];
    expect(roundsOfTexts(set, files)).toEqual(['base', 's6', 's6', '']);
  });
});
