// The learned red-flag detector (issue #11): training, thresholds, cache, and what it catches
// on top of the patterns. Fixture corpora are written for these tests; the real-model checks
// use the project's corpus (knowledge/nlu/red-flag-corpus) through the real NLU engine.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content.js';
import {
  answerNegatives,
  answerWords,
  buildTrainingSet,
  corpusHash,
  learnedCacheKey,
  parseLearnedAnswers,
  loadLearnedThresholds,
  loadOrTrainLearnedRedFlags,
  parseCorpus,
  readCorpusSources,
  trainLearnedModel,
  THRESHOLDS_FILE,
  LEARNED_SIGNS,
} from '../../src/nlu/learnedRedFlags.js';
import { HELD_OUT_THRESHOLDS_FILE, WHOSE_SIGN_KINDS, detectorSkippedKinds } from '../../src/nlu/learnedCorpus.js';
import { loadHeldOutThresholds } from '../../src/nlu/learnedScoring.js';
import { parseLexicon } from '../../src/nlu/normalize.js';
import { createNluEngine, unionDetection, type LearnedHit, type NluEngine } from '../../src/nlu/understand.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A small knowledge/nlu directory: two signs, a few intents, the real lexicon. */
function fixtureDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backline-learned-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'red-flag-corpus'));
  copyFileSync('knowledge/nlu/lexicon.yaml', join(dir, 'lexicon.yaml'));
  writeFileSync(
    join(dir, 'training.yaml'),
    [
      'greeting:',
      '  - hello',
      '  - hi there',
      '  - good morning',
      'care.self_care:',
      '  - how can I ease the pain at home',
      '  - what stretches help',
      '  - is heat or ice better',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'red-flag-corpus', 'fever.yaml'),
    [
      'sign: fever',
      'positives:',
      ...[
        'I have a fever',
        'running a temperature',
        'I feel hot and shivery',
        'got the chills and a high temp',
        'burning up with a fever',
        'my temperature is 39',
      ].map((t) => `  - "${t}"`),
      'near_misses:',
      '  - text: "no fever at all"',
      '    kind: negated',
      '  - text: "my fever went away last week"',
      '    kind: resolved',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'red-flag-corpus', 'weight_loss.yaml'),
    [
      'sign: weight_loss',
      'positives:',
      ...['I have lost weight without trying', 'my clothes are falling off me', 'dropped a stone and I do not know why', 'losing weight for no reason'].map(
        (t) => `  - "${t}"`,
      ),
      'near_misses:',
      '  - text: "how do I lose weight for my wedding"',
      '    kind: ordinary',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('learned red-flag detector: training and storage', () => {
  it('training is deterministic: the same corpus gives the same weights', () => {
    const dir = fixtureDataDir();
    const sources = readCorpusSources(dir);
    const set = buildTrainingSet(parseCorpus(sources), sources.training);
    const lexicon = parseLexicon(sources.lexicon);
    const hashes = { cacheKey: 'k', corpusHash: corpusHash(sources) };
    const a = trainLearnedModel(set, lexicon, hashes, []);
    const b = trainLearnedModel(set, lexicon, hashes, []);
    expect(a.weights).toBe(b.weights);
    expect(a.bias).toBe(b.bias);
    expect(a.trained).toEqual(['fever', 'weight_loss']);
  });

  it('a positive wins over the same text as a near miss or an intent utterance', () => {
    const dir = fixtureDataDir();
    writeFileSync(join(dir, 'training.yaml'), 'greeting:\n  - hello\n  - I have a fever\n');
    const sources = readCorpusSources(dir);
    const set = buildTrainingSet(parseCorpus(sources), sources.training);
    expect(set.filter((t) => t.text.toLowerCase() === 'i have a fever')).toEqual([{ text: 'I have a fever', signs: ['fever'], source: 'positive:fever' }]);
  });

  it("crisis texts are read but not learned: negatives of every sign (crisis is the crisis gate's)", () => {
    const dir = fixtureDataDir();
    writeFileSync(
      join(dir, 'red-flag-corpus', 'crisis.yaml'),
      'sign: crisis\npositives: ["I want to end it all", "I have a fever"]\nnear_misses:\n  - text: "this traffic is killing me"\n    kind: idiom\n',
    );
    const sources = readCorpusSources(dir);
    const set = buildTrainingSet(parseCorpus(sources), sources.training);
    expect(set.find((t) => t.text === 'I want to end it all')).toEqual({ text: 'I want to end it all', signs: [], source: 'positive:crisis' });
    // the same text as another sign's positive stays that sign's positive only
    expect(set.find((t) => t.text === 'I have a fever')?.signs).toEqual(['fever']);
    const model = trainLearnedModel(set, parseLexicon(sources.lexicon), { cacheKey: 'k', corpusHash: corpusHash(sources) }, []);
    expect(model.signs).toEqual([...LEARNED_SIGNS]);
    expect(model.signs).not.toContain('crisis');
    expect(model.trained).toEqual(['fever', 'weight_loss']);
  });

  it("whose-sign near misses (someone else's sign) can be left out of the detector's negatives", () => {
    const dir = fixtureDataDir();
    writeFileSync(
      join(dir, 'red-flag-corpus', 'fever.whose.yaml'),
      [
        'sign: fever',
        'positives: ["burning up with a temperature all night"]',
        'near_misses:',
        '  - text: "my neighbour has had a high fever all week"',
        '    kind: stranger',
        '  - text: "fever pitch at the match tonight"',
        '    kind: idiom',
        '',
      ].join('\n'),
    );
    const sources = readCorpusSources(dir);
    const texts = (skip?: readonly string[]) => buildTrainingSet(parseCorpus(sources), sources.training, [], { skipNearMissKinds: skip }).map((t) => t.text);
    expect(texts()).toContain('my neighbour has had a high fever all week');
    expect(texts(WHOSE_SIGN_KINDS)).not.toContain('my neighbour has had a high fever all week');
    expect(texts(WHOSE_SIGN_KINDS)).toContain('fever pitch at the match tonight');
    expect(detectorSkippedKinds({})).toEqual([]);
    expect(detectorSkippedKinds({ BACKLINE_DETECTOR_WHOSE_NEAR_MISSES: 'skip' })).toEqual(WHOSE_SIGN_KINDS);
    expect(() => detectorSkippedKinds({ BACKLINE_DETECTOR_WHOSE_NEAR_MISSES: 'yes' })).toThrow(/negative.*skip/);
  });

  it('a corpus file whose sign does not match its name is refused, naming the file', () => {
    const dir = fixtureDataDir();
    writeFileSync(join(dir, 'red-flag-corpus', 'night_pain.yaml'), 'sign: fever\npositives: ["x"]\n');
    expect(() => parseCorpus(readCorpusSources(dir))).toThrow(/night_pain\.yaml.*does not match/);
  });

  it('reads a later round of a sign from <sign>.<part>.yaml, deduplicated against the first', () => {
    const dir = fixtureDataDir();
    writeFileSync(
      join(dir, 'red-flag-corpus', 'fever.round2.yaml'),
      [
        'sign: fever',
        'positives:',
        '  - "sweating and shivering under three duvets"',
        '  - "I have a fever"',
        'near_misses:',
        '  - text: "fever pitch at the match"',
        '    kind: idiom',
        '',
      ].join('\n'),
    );
    const sources = readCorpusSources(dir);
    const set = buildTrainingSet(parseCorpus(sources), sources.training);
    expect(set.filter((t) => t.text === 'sweating and shivering under three duvets')).toEqual([
      { text: 'sweating and shivering under three duvets', signs: ['fever'], source: 'positive:fever' },
    ]);
    expect(set.filter((t) => t.text.toLowerCase() === 'i have a fever')).toHaveLength(1);
    expect(set.some((t) => t.text === 'fever pitch at the match' && t.signs.length === 0)).toBe(true);
    writeFileSync(join(dir, 'red-flag-corpus', 'night_pain.round2.yaml'), 'sign: fever\npositives: ["x"]\n');
    expect(() => parseCorpus(readCorpusSources(dir))).toThrow(/night_pain\.round2\.yaml.*does not match/);
  });

  it('caches the weights keyed by the corpus, and retrains when a corpus file changes', () => {
    const dir = fixtureDataDir();
    const cacheDir = mkdtempSync(join(tmpdir(), 'backline-learned-cache-'));
    dirs.push(cacheDir);
    const first = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir });
    expect(first.source).toBe('trained');
    const second = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir });
    expect(second.source).toBe('cache');
    expect(second.cacheFile).toBe(first.cacheFile);
    expect(Array.from(second.model.probabilities('I have a fever'))).toEqual(Array.from(first.model.probabilities('I have a fever')));

    const file = join(dir, 'red-flag-corpus', 'fever.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('positives:', 'positives:\n  - "sweating buckets and feverish"'));
    const third = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir });
    expect(third.source).toBe('trained');
    expect(third.cacheFile).not.toBe(first.cacheFile);
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('red-flag-model-'))).toHaveLength(1); // the stale one is gone
    expect(third.model.corpusHash).not.toBe(first.model.corpusHash);
  });

  it('a corrupt cache file is replaced, not trusted', () => {
    const dir = fixtureDataDir();
    const cacheDir = mkdtempSync(join(tmpdir(), 'backline-learned-cache-'));
    dirs.push(cacheDir);
    const first = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir });
    writeFileSync(first.cacheFile, '{"not": "a model"');
    const again = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir });
    expect(again.source).toBe('trained');
  });

  it('reads thresholds from red-flag-model.json and knows whether they were chosen on this corpus', () => {
    const dir = fixtureDataDir();
    const cacheDir = mkdtempSync(join(tmpdir(), 'backline-learned-cache-'));
    dirs.push(cacheDir);
    const hash = corpusHash(readCorpusSources(dir));
    writeFileSync(
      join(dir, THRESHOLDS_FILE),
      JSON.stringify({ version: 'x', corpusHash: hash, signs: { fever: { a: 1, b: 0, possible: 0.999, sure: 0.9999 } } }),
    );
    expect(loadLearnedThresholds(dir).signs.fever).toEqual({ a: 1, b: 0, possible: 0.999, sure: 0.9999 });
    const strict = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir }).model;
    expect(strict.thresholdsCurrent).toBe(true);
    expect(strict.thresholds('fever').possible).toBe(0.999);
    // A threshold near 1 keeps even a training positive below "possible".
    expect(strict.detect('I have a fever').some((h) => h.sign === 'fever')).toBe(false);

    writeFileSync(join(dir, THRESHOLDS_FILE), JSON.stringify({ version: 'x', corpusHash: 'other', signs: {} }));
    const stale = loadOrTrainLearnedRedFlags({ dataDir: dir, cacheDir }).model;
    expect(stale.thresholdsCurrent).toBe(false);
  });

  it('a bad thresholds file is an error naming it', () => {
    const dir = fixtureDataDir();
    writeFileSync(join(dir, THRESHOLDS_FILE), JSON.stringify({ version: 'x', corpusHash: 'h', signs: { fever: { a: 1, b: 0, possible: 2, sure: 3 } } }));
    expect(() => loadLearnedThresholds(dir)).toThrow(/red-flag-model\.json/);
  });
});

describe('learned red-flag detector: what an answer looks like (knowledge/nlu/learned-answers.yaml)', () => {
  const answersYaml = readFileSync('knowledge/nlu/answer-words.yaml', 'utf8');
  const learned = parseLearnedAnswers(readFileSync('knowledge/nlu/learned-answers.yaml', 'utf8'));

  it('answer words come from both files, and words that report something never are answer words', () => {
    const words = answerWords(answersYaml, learned);
    for (const w of ['weeks', 'about', 'okay', 'first']) expect(words).toContain(w);
    for (const w of learned.reporting_words) expect(words).not.toContain(w);
  });

  it('negatives are the yes/no phrases, ages and durations filled into their templates, none with a reporting word', () => {
    const negatives = answerNegatives(answersYaml, learned);
    for (const t of ['not really', "I'm 52", '52 years old', 'about 3 weeks', 'since 12 weeks', 'fifty two days']) expect(negatives).toContain(t);
    expect(negatives.filter((t) => /\b(numb|bladder|feel)/i.test(t))).toEqual([]);
  });

  it('a malformed file is refused, naming the field', () => {
    expect(() => parseLearnedAnswers('version: 1\nfiller_words: [a]\nreporting_words: [numb]\n')).toThrow(/learned-answers\.yaml: negatives/);
    const text = readFileSync('knowledge/nlu/learned-answers.yaml', 'utf8').replace('"{n} years old"', '"years old"');
    expect(() => parseLearnedAnswers(text)).toThrow(/age_templates\.1: a template needs \{n\}/);
  });

  it('is part of the cache key: a changed list trains a new model', () => {
    const dir = fixtureDataDir();
    const before = learnedCacheKey(readCorpusSources(dir));
    writeFileSync(
      join(dir, 'learned-answers.yaml'),
      readFileSync('knowledge/nlu/learned-answers.yaml', 'utf8').replace('phrases: [yes,', 'phrases: [yes, yup,'),
    );
    expect(learnedCacheKey(readCorpusSources(dir))).not.toBe(before);
  });
});

describe('learned red-flag detector: the project corpus', () => {
  let engine: NluEngine;
  beforeAll(() => {
    const content = loadContent('.', '911');
    engine = createNluEngine({ root: '.', cacheDir: 'data/test-nlu-cache', redFlagPatterns: content.redFlagPatterns });
  }, 120_000); // trains both models when the test cache is cold
  const raised = (text: string) => {
    const d = engine.detectRedFlags(text);
    return [...d.flags, ...d.possible];
  };

  it('red-flag-model.json was chosen on the current corpus (run `npm run train:red-flags` after editing it)', () => {
    expect(engine.learnedRedFlags.thresholdsCurrent).toBe(true);
    expect(loadLearnedThresholds('knowledge/nlu').corpusHash).toBe(corpusHash(readCorpusSources('knowledge/nlu')));
  });

  it('every warning sign has a trained classifier and thresholds with possible <= sure', () => {
    const file = JSON.parse(readFileSync(join('knowledge/nlu', THRESHOLDS_FILE), 'utf8')) as { signs: Record<string, { possible: number; sure: number }> };
    for (const sign of engine.learnedRedFlags.trained) {
      expect(file.signs[sign], sign).toBeDefined();
      expect(file.signs[sign]!.possible).toBeLessThanOrEqual(file.signs[sign]!.sure);
    }
    expect(engine.learnedRedFlags.trained.length).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ['the other leg has started too now', 'bilateral_leg_symptoms'],
    ["it's not just my left leg anymore, it's the right one as well", 'bilateral_leg_symptoms'],
    ["she's been wetting herself", 'bladder_dysfunction'],
    ['I had chemo for lymphoma', 'cancer_history'],
    ['my husband had chemo for bowel cancer last year', 'cancer_history'],
  ] as const)('catches the euphemism "%s" (%s)', (text, sign) => {
    expect(raised(text)).toContain(sign);
  });

  it.each([
    'I had a wee accident with my coffee this morning, spilled it all over',
    'my dog keeps weeing on the carpet since his back op',
    'a colleague is on chemo',
    'should I worry if it spreads to my other leg?',
    'turning over in bed stops the pins and needles',
  ])('raises nothing for the near miss "%s"', (text) => {
    expect(raised(text)).toEqual([]);
  });

  it('shows both detectors and the union in explainRedFlags', () => {
    const detail = engine.explainRedFlags('my wife has been wetting herself since yesterday');
    expect(detail.learned.some((h) => h.sign === 'bladder_dysfunction' && h.status === 'current')).toBe(true);
    expect(detail.union.flags).toContain('bladder_dysfunction');
  });
});

describe('the union of the two detectors', () => {
  const none = { flags: [], possible: [], isQuestionAbout: [] };
  const hit = (sign: LearnedHit['sign'], level: LearnedHit['level'], status: LearnedHit['status']): LearnedHit => ({
    sign,
    p: 0.5,
    level,
    status,
    reason: '',
    sentence: -1,
  });

  it("either detector's hit counts: a learned sure hit about the patient is a flag, a possible one a question", () => {
    expect(unionDetection(none, [hit('fever', 'sure', 'current')])).toEqual({ flags: ['fever'], possible: [], isQuestionAbout: [] });
    expect(unionDetection(none, [hit('fever', 'possible', 'current')])).toEqual({ flags: [], possible: ['fever'], isQuestionAbout: [] });
    expect(unionDetection({ flags: ['chest_pain'], possible: [], isQuestionAbout: [] }, [])).toEqual({
      flags: ['chest_pain'],
      possible: [],
      isQuestionAbout: [],
    });
  });

  it('a flag from one detector is not also asked about; hypotheticals and questions only ask about the sign', () => {
    const rule = { flags: ['fever' as const], possible: [], isQuestionAbout: [] };
    expect(unionDetection(rule, [hit('fever', 'possible', 'current')]).possible).toEqual([]);
    expect(unionDetection(none, [hit('bladder_dysfunction', 'sure', 'hypothetical')])).toEqual({
      flags: [],
      possible: [],
      isQuestionAbout: ['bladder_dysfunction'],
    });
    expect(unionDetection(none, [hit('bladder_dysfunction', 'sure', 'question')]).isQuestionAbout).toEqual(['bladder_dysfunction']);
  });

  it("denied learned hits raise nothing; someone else's or resolved ones go on to the assertion gate", () => {
    expect(unionDetection(none, [hit('fever', 'sure', 'negated')])).toEqual(none);
    // The learned side's own reading of who and when is coarse: the gate (assertionGate.ts,
    // tests/unit/assertionGate.test.ts) reads the clause and has the last word.
    for (const status of ['other_person', 'resolved'] as const)
      expect(unionDetection(none, [hit('fever', 'sure', status)])).toEqual({ ...none, flags: ['fever'] });
  });
});

describe('learned red-flag detector: per-sign thresholds chosen on held-out rounds', () => {
  it("red-flag-heldout-thresholds.yaml replaces a sign's possible threshold (sure never below it); a bad file is an error naming it", () => {
    const dir = fixtureDataDir();
    writeFileSync(
      join(dir, THRESHOLDS_FILE),
      JSON.stringify({
        version: 'x',
        corpusHash: 'h',
        signs: { fever: { a: 1, b: 0, possible: 0.35, sure: 0.3 }, chest_pain: { a: 1, b: 0, possible: 0.35, sure: 0.9 } },
      }),
    );
    writeFileSync(join(dir, HELD_OUT_THRESHOLDS_FILE), 'chosen: { rounds: [base, s4] }\nsigns:\n  fever: { possible: 0.4, heldOutRecall: 0.9 }\n');
    const t = loadLearnedThresholds(dir);
    expect(t.signs.fever).toEqual({ a: 1, b: 0, possible: 0.4, sure: 0.4 });
    expect(t.signs.chest_pain?.possible).toBe(0.35);
    writeFileSync(join(dir, HELD_OUT_THRESHOLDS_FILE), 'signs:\n  fever: { possible: 2 }\n');
    expect(() => loadLearnedThresholds(dir)).toThrow(/red-flag-heldout-thresholds\.yaml/);
  });

  it('the project file parses and names only signs the model has', () => {
    const chosen = loadHeldOutThresholds('knowledge/nlu');
    for (const [sign, possible] of Object.entries(chosen)) {
      expect(LEARNED_SIGNS).toContain(sign);
      expect(possible).toBeGreaterThan(0);
    }
  });
});
