import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import naturalDistance from 'natural/lib/natural/distance/levenshtein_distance.js';
import { parse as parseYaml } from 'yaml';
import { INTENT_IDS, type IntentId } from '../../src/contract.js';
import { DEFAULT_CALIBRATION, applyCalibration, isCalibrationCurrent, loadCalibration } from '../../src/nlu/intentCalibration.js';
import { MODEL_NAMES } from '../../src/nlu/intentModel.js';
import { charGramCode } from '../../src/nlu/features.js';
import { chooseCalibration } from '../../src/eval/chooseCalibration.js';
import { crossValidate, stratifiedFolds, type CrossValidationResult } from '../../src/eval/intentCrossValidation.js';
import { fillNaturalBayes } from '../../src/nlu/intentTraining.js';
import { lexiconHash, loadTrainingData, parseTrainingData, trainingDataHash, type TrainingData } from '../../src/nlu/trainingData.js';
import { loadLexicon, type Lexicon } from '../../src/nlu/normalize.js';
import { loadOrTrainClassifierDetailed } from '../../src/nlu/intentCache.js';
import { parseSimpleTrainingYaml } from '../../src/nlu/trainingYamlFastPath.js';
import { restoreIntentClassifier, trainIntentClassifier, type TrainedIntentClassifier } from '../../src/nlu/classifier.js';
import { Normalizer, applyLexicon, boundedEditDistance, parseLexicon, parseSimpleLexiconYaml, tokenize } from '../../src/nlu/normalize.js';
import type { IntentScore } from '../../src/nlu/types.js';

const DATA_DIR = 'knowledge/nlu';

let data: TrainingData;
let lexicon: Lexicon;
let classifier: TrainedIntentClassifier;

beforeAll(() => {
  data = loadTrainingData(DATA_DIR);
  lexicon = loadLexicon(join(DATA_DIR, 'lexicon.yaml'));
  classifier = trainIntentClassifier(data, lexicon);
});

const top = (text: string): IntentId => (classifier.classify(text)[0] as IntentScore).intent;

describe('training data', () => {
  it('has at least 40 examples for every intent of the contract', () => {
    const counts = new Map<IntentId, number>();
    for (const e of data.examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
    for (const id of INTENT_IDS) expect(counts.get(id) ?? 0, id).toBeGreaterThanOrEqual(40);
  });

  it('rejects an unknown intent id, naming the file and the id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-nlu-'));
    writeFileSync(join(dir, 'training.yaml'), 'greeting:\n  - hi\nsymptom.knee_pain:\n  - my knee hurts\n');
    expect(() => loadTrainingData(dir)).toThrow(/training\.yaml.*symptom\.knee_pain/);
    expect(() => parseTrainingData('help: [menu]\nbogus: [x]\n', 'my-file.yaml')).toThrow(/my-file\.yaml.*"bogus"/);
  });

  it('rejects malformed files and the same utterance under two intents', () => {
    expect(() => parseTrainingData('- just a list\n', 'f.yaml')).toThrow(/f\.yaml/);
    expect(() => parseTrainingData('help: menu\n', 'f.yaml')).toThrow(/f\.yaml/);
    expect(() => parseTrainingData('help: [menu]\ncancel: [Menu]\n', 'f.yaml')).toThrow(/both/);
  });

  it('the fast YAML paths read the real files exactly like the YAML library, and fall back otherwise', () => {
    const training = readFileSync(join(DATA_DIR, 'training.yaml'), 'utf8');
    const lex = readFileSync(join(DATA_DIR, 'lexicon.yaml'), 'utf8');
    expect(parseSimpleTrainingYaml(training)).toEqual(parseYaml(training));
    expect(parseSimpleLexiconYaml(lex)).toEqual(parseYaml(lex));
    for (const odd of ['help:\n  - true\n', 'help:\n  - 12\n', 'help:\n  - a: b\n', 'help: [x]\n', 'help:\n    - x\n']) {
      expect(parseSimpleTrainingYaml(odd)).toBeUndefined();
    }
    expect(parseSimpleLexiconYaml('a: [x, {y: z}]\n')).toBeUndefined();
    expect(parseTrainingData('help:\n  - "say \\"hi\\""\n  - \'it\'\'s\'\n').examples.map((e) => e.text)).toEqual(['say "hi"', "it's"]);
    expect(parseTrainingData('help: [menu, options]\n').examples).toHaveLength(2); // via the YAML library
  });

  it('hashes the examples deterministically (sha256)', () => {
    const h = trainingDataHash(data);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(trainingDataHash({ examples: [...data.examples] })).toBe(h);
    expect(trainingDataHash({ examples: data.examples.slice(1) })).not.toBe(h);
  });
});

describe('normalisation and lexicon', () => {
  it('tokenizes with apostrophes, accents, punctuation and letter runs', () => {
    expect(tokenize('I can’t feel my BUM, café?!  Heyyy')).toEqual(['i', 'cant', 'feel', 'my', 'bum', ',', 'cafe', '?', '!', 'heyy']);
  });

  it('maps lay terms, brands and spellings to canonical words (longest match first)', () => {
    const words = (t: string) => applyLexicon(tokenize(t), lexicon).filter((w) => /\w/.test(w));
    expect(words('slipped disc')).toEqual(['herniated', 'disc']);
    expect(words('trapped nerve')).toEqual(['pinched', 'nerve']);
    expect(words('took Nurofen then Tylenol and Aleve')).toEqual(['took', 'ibuprofen', 'then', 'paracetamol', 'and', 'naproxen']);
    expect(words('my bum hurts')).toEqual(['my', 'buttock', 'hurts']);
    expect(words('saddle anesthesia')).toEqual(['saddle', 'anaesthesia']);
    expect(words('rheumatoid arthritis vs arthritis')).toEqual(['rheumatoid', 'arthritis', 'vs', 'osteoarthritis']);
    expect(words('go to A&E')).toEqual(['go', 'to', 'emergency', 'department']);
  });

  it('gives every character n-gram (1..5 characters of space, a-z, 0-9) its own int32 code', () => {
    const grams = ['a', ' ', 'z9', ' a', 'a ', 'sci', 'ica ', ' back', '99999', '     ', 'zzzzz'];
    const codes = grams.map(charGramCode);
    expect(new Set(codes).size).toBe(grams.length);
    for (const c of codes) expect(Number.isInteger(c) && c >= 0 && c < 2 ** 31).toBe(true);
    expect(charGramCode(' ')).toBe(0);
    expect(charGramCode('  ')).toBe(37);
  });

  it('rejects a lexicon that lists one variant under two canonical forms', () => {
    expect(() => parseLexicon('a: [x]\nb: [x]\n', 'lex.yaml')).toThrow(/lex\.yaml.*"x"/);
  });

  it('keeps meaningful stop words and marks negated words', () => {
    const n = classifier.normalizer.normalize('No numbness, just an ache when I lift my leg');
    expect(n.stems).toContain('NEG_numb');
    expect(n.stems).not.toContain('numb');
    expect(n.stems).toEqual(expect.arrayContaining(['when', 'i', 'lift', 'my', 'leg']));
    const q = classifier.normalizer.normalize('why should both of my legs hurt?');
    expect(q.stems).toEqual(expect.arrayContaining(['why', 'should', 'both', 'my', '?']));
  });

  it('the fast edit distance agrees with natural (restricted Damerau-Levenshtein)', () => {
    const words = [...new Set(data.examples.flatMap((e) => tokenize(e.text)))].filter((w) => w.length >= 4).slice(0, 120);
    for (let i = 0; i < words.length; i++) {
      for (const w of [words[(i * 7) % words.length] as string, (words[i] as string).slice(1), 'sciatica', 'piriformis']) {
        const a = words[i] as string;
        const exact = naturalDistance.DamerauLevenshteinDistance(a, w, { restricted: true });
        expect(boundedEditDistance(a, w, 2), `${a}/${w}`).toBe(Math.min(exact, 3));
      }
    }
    expect(boundedEditDistance('sciatca', 'sciatica', 1)).toBe(1);
    expect(boundedEditDistance('hlep', 'help', 1)).toBe(1);
  });

  it('corrects typos against the training vocabulary, with a cache', () => {
    const normalizer = Normalizer.fromTexts(
      lexicon,
      data.examples.map((e) => e.text),
    );
    expect(normalizer.normalize('sciatca').words).toEqual(['sciatica']);
    expect(normalizer.normalize('arthrytis in my back').words[0]).toBe('osteoarthritis');
    expect(normalizer.normalize('herniatd disc').words).toEqual(['herniated', 'disc']);
    const again = normalizer.normalize('arthrytis');
    expect(again.corrections).toEqual([{ from: 'arthrytis', to: 'arthritis' }]);
    // short words are left alone: too easy to turn into another word
    expect(normalizer.normalize('my wife').words).toEqual(['my', 'wife']);
  });
});

describe('classification', () => {
  it('returns every intent, sorted, with confidences summing to 1', () => {
    for (const text of ['why does my back hurt when I lift my leg', 'xqzv wpt', '', 'hello', 'what is a slipped disc?']) {
      const ranking = classifier.classify(text);
      expect(ranking.map((r) => r.intent).sort()).toEqual([...INTENT_IDS].sort());
      const sum = ranking.reduce((a, r) => a + r.confidence, 0);
      expect(sum).toBeCloseTo(1, 9);
      for (let i = 1; i < ranking.length; i++) {
        expect((ranking[i - 1] as IntentScore).confidence).toBeGreaterThanOrEqual((ranking[i] as IntentScore).confidence);
      }
      for (const r of ranking) expect(r.confidence).toBeGreaterThanOrEqual(0);
    }
  });

  it.each([
    'why does my back hurt when I lift my leg',
    'Why does my back hurt when I lift my leg?',
    'pain in lower back when raising leg',
    'why does lifting my leg hurt my back',
    'lower back pain when i lift my leg',
    'my lower back hurts when I raise my leg',
    'no numbness, just an ache when I lift my leg',
  ])('headline question and variants: %s', (text) => {
    expect(top(text)).toBe('symptom.leg_raise_pain');
  });

  it.each<[string, IntentId]>([
    ['slipped disc', 'condition.herniated_disc'],
    ['what is a slipped disc', 'condition.herniated_disc'],
    ['I think I have a bulging disk', 'condition.herniated_disc'],
    ['trapped nerve down my leg', 'condition.sciatica'],
    ['pinched nerve in my back', 'condition.sciatica'],
    ['narrowing of the spine', 'condition.spinal_stenosis'],
    ['arthritis in my lower back', 'condition.osteoarthritis'],
    ['pain in my bum from a muscle pressing on the nerve', 'condition.piriformis_syndrome'],
  ])('lay terms via the lexicon: %s', (text, intent) => {
    expect(top(text)).toBe(intent);
  });

  it.each<[string, IntentId]>([
    ['sciatca', 'condition.sciatica'],
    ['piriformus', 'condition.piriformis_syndrome'],
    ['is this sciatcia', 'condition.sciatica'],
    ['what is piriformas syndrom', 'condition.piriformis_syndrome'],
    ['arachnoiditiss symptoms', 'condition.arachnoiditis'],
  ])('typo tolerance: %s', (text, intent) => {
    expect(top(text)).toBe(intent);
  });

  it.each<[string, IntentId]>([
    ['i cant feel my bum when i wipe', 'redflag.report'],
    ['peed myself without noticing', 'redflag.report'],
    ['both legs going numb', 'redflag.report'],
    ['had cancer a few years ago and now my back hurts', 'redflag.report'],
    ['what is saddle numbness', 'care.when_to_see_doctor'],
    ['why is bladder trouble with back pain serious', 'care.when_to_see_doctor'],
    ['should I see a doctor', 'care.when_to_see_doctor'],
    ['is my back pain serious?', 'triage.start'],
    ['let me talk to a real person', 'support.human'],
    ['delete everything you know about me', 'privacy.delete_data'],
    ['are there any studies I can join', 'trials.interest'],
    ['my tooth hurts', 'out_of_scope'],
    ['what is the weather tomorrow', 'out_of_scope'],
  ])('team labelling conventions: %s', (text, intent) => {
    expect(top(text)).toBe(intent);
  });

  it('computes the natural Bayes scores exactly as natural does', () => {
    // fillNaturalBayes() gives the same model as natural's own (slow) train()
    const docs = data.examples.filter((_, i) => i % 25 === 0);
    const fast = new BayesClassifier(undefined, 0.1);
    const slow = new BayesClassifier(undefined, 0.1);
    for (const d of docs) {
      const tokens = classifier.normalizer.normalize(d.text).stems;
      fast.addDocument(tokens.length ? tokens : ['<empty>'], d.intent);
      slow.addDocument(tokens.length ? tokens : ['<empty>'], d.intent);
    }
    fillNaturalBayes(fast);
    slow.train();
    expect(fast.classifier.classFeatures).toEqual(slow.classifier.classFeatures);
    expect(fast.classifier.classTotals).toEqual(slow.classifier.classTotals);
    expect(fast.classifier.totalExamples).toBe(slow.classifier.totalExamples);

    // and the ensemble's nb scores are the logs of natural's getClassifications()
    const text = 'what is a slipped disc';
    const stems = [...new Set(classifier.normalizer.normalize(text).stems)];
    const natural = classifier.naturalBayes.getClassifications(stems);
    const ours = classifier.nbLogScores(text);
    for (const { label, value } of natural) {
      expect(ours.get(label as IntentId)).toBeCloseTo(Math.log(value), 6);
    }
  });
});

describe('model cache', () => {
  const texts = [
    'why does my back hurt when I lift my leg',
    'sciatca',
    'trapped nerve down my leg',
    'my tooth hurts',
    'cheers, that helped',
    'i cant feel my bum when i wipe',
  ];

  it('round trip gives identical rankings, and a corrupt cache is silently replaced', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'backline-cache-'));
    const first = loadOrTrainClassifierDetailed({ dataDir: DATA_DIR, cacheDir });
    expect(first.source).toBe('trained');
    expect(existsSync(first.cacheFile)).toBe(true);
    const second = loadOrTrainClassifierDetailed({ dataDir: DATA_DIR, cacheDir });
    expect(second.source).toBe('cache');
    expect(second.cacheFile).toBe(first.cacheFile);
    for (const t of texts) {
      expect(second.classifier.classify(t)).toEqual(first.classifier.classify(t));
      expect(second.classifier.classifyDetailed(t).perModel).toEqual(first.classifier.classifyDetailed(t).perModel);
    }
    // a freshly trained classifier gives the same rankings too (training is deterministic)
    for (const t of texts) expect(classifier.classify(t)).toEqual(first.classifier.classify(t));
    // JSON round trip without the file system
    const restored = restoreIntentClassifier(JSON.parse(JSON.stringify(classifier.serialize())), lexicon);
    for (const t of texts) expect(restored.classify(t)).toEqual(classifier.classify(t));

    writeFileSync(first.cacheFile, '{"version": "backline-intent-ensemble-3", "nb": ');
    const third = loadOrTrainClassifierDetailed({ dataDir: DATA_DIR, cacheDir });
    expect(third.source).toBe('trained');
    for (const t of texts) expect(third.classifier.classify(t)).toEqual(first.classifier.classify(t));
    expect(loadOrTrainClassifierDetailed({ dataDir: DATA_DIR, cacheDir }).source).toBe('cache');
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('retrains when the cache directory cannot be used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-cache-'));
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const r = loadOrTrainClassifierDetailed({ dataDir: DATA_DIR, cacheDir: join(blocker, 'cache') });
    expect(r.source).toBe('trained');
    expect(r.classifier.classify('hello')[0]?.intent).toBe('greeting');
  });
});

describe('calibration', () => {
  it('calibration.json was chosen on the current training data and model (else run `npx tsx src/eval/calibrateIntents.ts`)', () => {
    const calibration = loadCalibration(DATA_DIR);
    expect(calibration.dataHash).toBe(trainingDataHash(data));
    expect(calibration.lexiconHash).toBe(lexiconHash(lexicon));
    expect(isCalibrationCurrent(calibration, data, lexicon)).toBe(true);
    expect(calibration.threshold).toBeGreaterThan(0);
    expect(calibration.threshold).toBeLessThan(1);
    expect(calibration.margin).toBeGreaterThanOrEqual(0);
    expect(calibration.margin).toBeLessThan(1);
  });

  const ranking = (pairs: [IntentId, number][]): IntentScore[] => {
    const rest = INTENT_IDS.filter((id) => !pairs.some(([p]) => p === id));
    const left = 1 - pairs.reduce((a, [, c]) => a + c, 0);
    return [...pairs.map(([intent, confidence]) => ({ intent, confidence })), ...rest.map((intent) => ({ intent, confidence: left / rest.length }))];
  };

  it('applies the out-of-scope threshold and the ambiguity margin', () => {
    const cal = { threshold: 0.3, margin: 0.1 };
    const low = applyCalibration(
      ranking([
        ['condition.sciatica', 0.2],
        ['care.self_care', 0.05],
      ]),
      cal,
    );
    expect(low.intent).toBe('out_of_scope');
    expect(low.belowThreshold).toBe(true);
    expect(low.ambiguous).toBe(false);

    const close = applyCalibration(
      ranking([
        ['condition.sciatica', 0.45],
        ['condition.piriformis_syndrome', 0.4],
      ]),
      cal,
    );
    expect(close.intent).toBe('condition.sciatica');
    expect(close.ambiguous).toBe(true);
    expect(close.candidates).toEqual(['condition.sciatica', 'condition.piriformis_syndrome']);

    const clear = applyCalibration(
      ranking([
        ['condition.sciatica', 0.8],
        ['condition.piriformis_syndrome', 0.1],
      ]),
      cal,
    );
    expect(clear).toMatchObject({ intent: 'condition.sciatica', confidence: 0.8, ambiguous: false, belowThreshold: false });

    // a red flag report is never downgraded to out_of_scope nor turned into a question
    const flag = applyCalibration(
      ranking([
        ['redflag.report', 0.2],
        ['triage.start', 0.19],
      ]),
      cal,
    );
    expect(flag).toMatchObject({ intent: 'redflag.report', ambiguous: false, belowThreshold: false });
    expect(applyCalibration([], cal).intent).toBe('out_of_scope');
    expect(applyCalibration(ranking([['help', 0.9]])).intent).toBe('help');
    expect(DEFAULT_CALIBRATION.threshold).toBeGreaterThan(0);
  });

  it('chooses the threshold and margin from out-of-fold predictions', () => {
    const preds = [
      { expected: 'condition.sciatica' as IntentId, ranking: ranking([['condition.sciatica', 0.9]]) },
      {
        expected: 'out_of_scope' as IntentId,
        ranking: ranking([
          ['help', 0.2],
          ['greeting', 0.1],
        ]),
      },
      { expected: 'help' as IntentId, ranking: ranking([['help', 0.5]]) },
      {
        expected: 'cancel' as IntentId,
        ranking: ranking([
          ['goodbye', 0.4],
          ['cancel', 0.35],
        ]),
      },
      { expected: 'goodbye' as IntentId, ranking: ranking([['goodbye', 0.9]]) },
    ];
    const choice = chooseCalibration(preds);
    // the threshold sends 0.2 to out_of_scope and keeps the right 0.5
    expect(choice.threshold).toBeGreaterThan(0.2);
    expect(choice.threshold).toBeLessThanOrEqual(0.5);
    // the margin turns the goodbye/cancel near-tie into a question, and nothing else
    expect(choice.margin).toBeGreaterThan(0.04);
    expect(choice.margin).toBeLessThanOrEqual(0.1);
    expect(choice.utility).toBeCloseTo((1 + 1 + 1 + 0.8 + 1) / 5, 6);
  });
});

describe('cross-validation', () => {
  let cv: CrossValidationResult;
  beforeAll(() => {
    cv = crossValidate(data, 5, 1, { lexicon });
  });

  it('folds are stratified and deterministic by seed', () => {
    const a = stratifiedFolds(data, 5, 1);
    expect(stratifiedFolds(data, 5, 1)).toEqual(a);
    expect(stratifiedFolds(data, 5, 2)).not.toEqual(a);
    for (const id of INTENT_IDS) {
      const sizes = [0, 0, 0, 0, 0];
      data.examples.forEach((e, i) => {
        if (e.intent === id) sizes[a[i] as number]!++;
      });
      expect(Math.max(...sizes) - Math.min(...sizes), id).toBeLessThanOrEqual(1);
    }
  });

  it('the ensemble beats every single model on 5-fold CV', () => {
    console.log(
      `5-fold CV accuracy: ensemble ${cv.perModel.ensemble.toFixed(4)} | ` +
        MODEL_NAMES.map((m) => `${m} ${cv.perModel[m].toFixed(4)}`).join(' | ') +
        ` | macro-F1 ${cv.macroF1.toFixed(4)}`,
    );
    for (const m of MODEL_NAMES) expect(cv.perModel.ensemble, m).toBeGreaterThan(cv.perModel[m]);
    expect(cv.accuracy).toBe(cv.perModel.ensemble);
    expect(cv.total).toBe(data.examples.length);
    expect(cv.accuracy).toBeGreaterThan(0.85);
  });
});
