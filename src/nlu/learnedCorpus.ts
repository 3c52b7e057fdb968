// Learned red-flag detector: the signs it scores, its config and model version, and the
// corpus (knowledge/nlu/red-flag-corpus/, training.yaml, answer words) read, hashed and turned
// into the labelled training set.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RED_FLAG_IDS } from '../contract.js';
import { z } from 'zod';
import { parseTrainingData } from './trainingData.js';
import { resolveFromRoot, LEXICON_FILE, TRAINING_FILE } from './dataFiles.js';
import { sha256 } from '../util/hash.js';
import { escapeRegExp } from '../text/regex.js';
import { parseYamlWith } from '../util/yamlFile.js';

/** What the learned detector scores: the 17 warning signs. */
export const LEARNED_SIGNS = RED_FLAG_IDS;
export type LearnedSign = (typeof LEARNED_SIGNS)[number];
/**
 * Corpus files of these are read but not learned: crisis is the crisis gate's (crisisModel.ts);
 * here its texts are negatives of every sign, as they were when the detector also scored crisis
 * (so dropping that output changed no other sign's weights or thresholds).
 */
export const NEGATIVE_ONLY_SIGNS = ['crisis'] as const;
export type CorpusSign = LearnedSign | (typeof NEGATIVE_ONLY_SIGNS)[number];
const CORPUS_SIGNS = [...LEARNED_SIGNS, ...NEGATIVE_ONLY_SIGNS] as const;
const isLearned = (sign: CorpusSign): sign is LearnedSign => !(NEGATIVE_ONLY_SIGNS as readonly string[]).includes(sign);

export const CORPUS_DIR = 'red-flag-corpus';
export const THRESHOLDS_FILE = 'red-flag-model.json';
/** Per-sign `possible` thresholds chosen on held-out writing rounds (scripts/cross-round.mjs --thresholds). */
export const HELD_OUT_THRESHOLDS_FILE = 'red-flag-heldout-thresholds.yaml';
/** Bump when features or training change: invalidates caches and red-flag-model.json.
 * (14 epochs measured +0.014 mean out-of-fold recall at 0.5% false alarms but doubled the
 * training CPU of an empty-cache start: kept at 8.) */
export const MODEL_VERSION = 'backline-red-flag-lr-8';

export interface LearnedConfig {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Positives count this many times a negative (before the square root of the class ratio). */
  positiveWeightCap: number;
  charMinN: number;
  charMaxN: number;
  /** A feature must occur in at least this many training texts. */
  minDf: number;
  /** Weight of the character block against the word block. */
  charWeight: number;
  seed: number;
}

export const DEFAULT_LEARNED_CONFIG: LearnedConfig = {
  epochs: 8,
  learningRate: 0.4,
  l2: 1e-5,
  positiveWeightCap: 8,
  charMinN: 3,
  charMaxN: 4,
  minDf: 2,
  charWeight: 1,
  seed: 11,
};

// ---------------------------------------------------------------------------- corpus

const corpusFileSchema = z.object({
  sign: z.enum(CORPUS_SIGNS),
  positives: z.array(z.union([z.string(), z.number()]).transform((v) => String(v).trim())).min(1),
  near_misses: z.array(z.object({ text: z.union([z.string(), z.number()]).transform((v) => String(v).trim()), kind: z.string().min(1) })).default([]),
});

export interface CorpusFile {
  sign: CorpusSign;
  positives: string[];
  nearMisses: { text: string; kind: string }[];
}

export interface CorpusSources {
  /** [file name, text] of every corpus file, sorted by name. */
  corpus: [string, string][];
  training: string;
  lexicon: string;
  /** answer-words.yaml ("" when absent): its yes/no/unsure words are negatives. */
  answers: string;
  /** learned-answers.yaml (the project's own when the directory has none). */
  learnedAnswers: string;
  /** red-flag-concepts.yaml ("" when absent: no concept features). */
  concepts: string;
}

export const CONCEPTS_FILE = 'red-flag-concepts.yaml';

/** Parses red-flag-concepts.yaml into [concept, words] entries (sorted by name). Throws naming the file. */
export function parseConcepts(text: string, file = CONCEPTS_FILE): [string, string[]][] {
  if (text.trim() === '') return [];
  const parsed = parseYamlWith(text, conceptsSchema, file);
  return Object.entries(parsed.concepts).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export const ANSWER_WORDS_FILE = 'answer-words.yaml';
/**
 * Messages with fewer content words are left to the patterns: a classifier has too little to
 * go on, and answers to the bot's questions ("about three weeks", "I'm 52", "not really") are
 * made only of answer words (answerWords) and numbers.
 */
export const MIN_CONTENT_WORDS = 3;

/** knowledge/nlu/learned-answers.yaml: what an answer to the bot's questions looks like to the learned detector. */
export const LEARNED_ANSWERS_FILE = 'learned-answers.yaml';

const words = z.array(z.union([z.string(), z.number()]).transform((v) => String(v).toLowerCase().trim())).min(1);
const conceptsSchema = z.strictObject({
  version: z.literal(1),
  concepts: z.record(z.string().regex(/^[a-z_]+$/, 'a concept name is lower case with underscores'), words),
});
const template = z.string().regex(/\{n\}/, 'a template needs {n}');
const learnedAnswersSchema = z.strictObject({
  version: z.literal(1),
  filler_words: words,
  reporting_words: words,
  negatives: z.strictObject({
    phrases: words,
    ages: z.array(z.number().int().min(1).max(120)).min(1),
    age_templates: z.array(template).min(1),
    durations: z.array(z.number().int().min(1)).min(1),
    duration_templates: z.array(template).min(1),
    number_words: words,
    number_word_templates: z.array(template).min(1),
  }),
});
export type LearnedAnswers = z.infer<typeof learnedAnswersSchema>;

/** Parses and checks learned-answers.yaml. Throws naming the file and the field. */
export function parseLearnedAnswers(text: string, file = LEARNED_ANSWERS_FILE): LearnedAnswers {
  return parseYamlWith(text, learnedAnswersSchema, file);
}

/** Words an answer to the bot's questions is made of (plus numbers): yes/no/unsure words, number words, age and duration words. */
export function answerWords(answerWordsYaml: string, learned: LearnedAnswers): string[] {
  const words = new Set(learned.filler_words);
  try {
    const raw = (parseYaml(answerWordsYaml) ?? {}) as {
      yes_no?: unknown;
      numbers?: { words?: unknown };
      age?: { cues?: unknown; not_age_units?: unknown; decades?: unknown };
      choice?: { filler?: unknown; from_end?: unknown; from_start?: unknown; ignore_ordinals?: unknown };
    };
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const w of v
          .toLowerCase()
          .replace(/'/g, '')
          .split(/[^a-z0-9]+/))
          if (w) words.add(w);
      } else if (Array.isArray(v)) {
        v.forEach(collect);
      } else if (v && typeof v === 'object') {
        Object.keys(v).forEach(collect);
        Object.values(v).forEach(collect);
      }
    };
    collect(raw.yes_no);
    collect(raw.numbers?.words);
    collect(raw.age?.cues);
    collect(raw.age?.not_age_units);
    collect(raw.age?.decades);
    // Picking a button by words: "the last one", "the second one", "carry on".
    collect(raw.choice?.filler);
    collect(raw.choice?.from_end);
    collect(raw.choice?.from_start);
    collect(raw.choice?.ignore_ordinals);
  } catch {
    // a broken file is reported by `backline check`
  }
  for (const w of learned.reporting_words) words.delete(w);
  return [...words].sort();
}

/** Reads the corpus files, training.yaml and lexicon.yaml of a knowledge/nlu directory. */
export function readCorpusSources(dataDir: string): CorpusSources {
  const dir = resolveFromRoot(dataDir);
  const corpusDir = join(dir, CORPUS_DIR);
  const names = existsSync(corpusDir)
    ? readdirSync(corpusDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
  return {
    corpus: names.map((n) => [n, readFileSync(join(corpusDir, n), 'utf8')]),
    training: readFileSync(join(dir, TRAINING_FILE), 'utf8'),
    lexicon: readFileSync(join(dir, LEXICON_FILE), 'utf8'),
    answers: existsSync(join(dir, ANSWER_WORDS_FILE)) ? readFileSync(join(dir, ANSWER_WORDS_FILE), 'utf8') : '',
    learnedAnswers: readFileSync(
      existsSync(join(dir, LEARNED_ANSWERS_FILE)) ? join(dir, LEARNED_ANSWERS_FILE) : resolveFromRoot(join('knowledge/nlu', LEARNED_ANSWERS_FILE)),
      'utf8',
    ),
    concepts: existsSync(join(dir, CONCEPTS_FILE)) ? readFileSync(join(dir, CONCEPTS_FILE), 'utf8') : '',
  };
}

/**
 * Answers to the bot's questions, which every message of the questionnaire is: the yes/no/
 * unsure words of answer-words.yaml, and the phrases, ages and durations of
 * learned-answers.yaml. Without them the classifiers never see a short answer and guess
 * wildly on "not really" or "i am 40".
 */
export function answerNegatives(answerWordsYaml: string, learned: LearnedAnswers): string[] {
  const out: string[] = [];
  try {
    const raw = (parseYaml(answerWordsYaml) ?? {}) as { yes_no?: Record<string, unknown> };
    const collect = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(raw.yes_no ?? {});
  } catch {
    // a broken file is reported by `backline check`; the negatives below still apply
  }
  const n = learned.negatives;
  const fill = (templates: readonly string[], values: readonly (string | number)[]) =>
    values.flatMap((v) => templates.map((t) => t.replaceAll('{n}', String(v))));
  out.push(...fill(n.age_templates, n.ages), ...fill(n.duration_templates, n.durations), ...fill(n.number_word_templates, n.number_words));
  // Whole words: "weeks" is not "wee" (an earlier prefix match dropped every "... weeks" answer).
  const reporting = new RegExp(`\\b(?:${learned.reporting_words.map(escapeRegExp).join('|')})\\b`, 'i');
  return [...n.phrases, ...out].filter((t) => !reporting.test(t));
}

/** sha256 of the corpus files (names and bytes): what red-flag-model.json was chosen on. */
export function corpusHash(sources: CorpusSources): string {
  return sha256(
    JSON.stringify([
      MODEL_VERSION,
      sources.corpus,
      sha256(sources.training),
      sha256(sources.lexicon),
      sha256(sources.answers),
      sha256(sources.learnedAnswers),
      ...(sources.concepts ? [sha256(sources.concepts)] : []),
      ...(detectorSkippedKinds().length > 0 ? [`skip-near-miss:${detectorSkippedKinds().join(',')}`] : []),
    ]),
  );
}

/** Parses and checks the corpus files. Throws naming the file on a problem. */
export function parseCorpus(sources: CorpusSources): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const [name, text] of sources.corpus) {
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (error) {
      throw new Error(`${CORPUS_DIR}/${name}: not valid YAML: ${(error as Error).message}`, { cause: error });
    }
    const parsed = corpusFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${CORPUS_DIR}/${name}: ${issue.path.join('.')}: ${issue.message}`);
    }
    // <sign>.yaml, or a further file of the same sign: <sign>.<part>.yaml (a later writing round).
    if (name.split('.')[0] !== parsed.data.sign || !/^[a-z_]+(?:\.[a-z0-9_-]+)?\.yaml$/.test(name)) {
      throw new Error(`${CORPUS_DIR}/${name}: sign "${parsed.data.sign}" does not match the file name (<sign>.yaml or <sign>.<part>.yaml)`);
    }
    files.push({
      sign: parsed.data.sign,
      positives: parsed.data.positives.filter((t) => t !== ''),
      nearMisses: parsed.data.near_misses.filter((n) => n.text !== ''),
    });
  }
  return files;
}

/** One training text: the signs it is a positive of (none: a negative for all). */
export interface LabelledText {
  text: string;
  signs: LearnedSign[];
  /**
   * Where it comes from: `positive:<sign>`, `near_miss:<sign>:<kind>` or `intent:<id>`
   * (`positive:crisis`: a crisis text, a negative of every sign).
   */
  source: string;
}

/**
 * Near-miss kinds whose sign IS present but is someone else's (a stranger's, a relative's
 * history, a pet's). Whose sign it is, is the assertion step's decision (gate + assertion
 * model), so these may be left out of the sign detector's negatives: as negatives they teach
 * it that "his pain is getting worse" is not pain_worsening, which a carer's report needs.
 */
export const WHOSE_SIGN_KINDS: readonly string[] = ['stranger', 'family_history', 'pet'];

/**
 * Near-miss kinds left out of the red-flag detector's training set. Off by default (all near
 * misses are negatives); BACKLINE_DETECTOR_WHOSE_NEAR_MISSES=skip leaves WHOSE_SIGN_KINDS out.
 * Part of corpusHash when not empty, so a model trained either way is not mistaken for the other.
 */
export function detectorSkippedKinds(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const v = env.BACKLINE_DETECTOR_WHOSE_NEAR_MISSES ?? 'negative';
  if (v === 'skip') return WHOSE_SIGN_KINDS;
  if (v === 'negative') return [];
  throw new Error(`BACKLINE_DETECTOR_WHOSE_NEAR_MISSES must be "negative" or "skip", not "${v}"`);
}

/** Positives, near misses and the non-red-flag intent utterances, deduplicated (a positive wins). */
export function buildTrainingSet(
  files: CorpusFile[],
  trainingYaml: string,
  answers: readonly string[] = [],
  options: { skipNearMissKinds?: readonly string[] } = {},
): LabelledText[] {
  const skip = new Set(options.skipNearMissKinds ?? []);
  const byText = new Map<string, LabelledText>();
  const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const f of files) {
    for (const text of f.positives) {
      const k = key(text);
      const known = byText.get(k);
      const signs = isLearned(f.sign) ? [f.sign] : [];
      if (!known) byText.set(k, { text, signs, source: `positive:${f.sign}` });
      else if (isLearned(f.sign) && !known.signs.includes(f.sign)) {
        known.signs.push(f.sign);
        if (!known.source.startsWith('positive:')) known.source = `positive:${f.sign}`;
      }
    }
  }
  for (const f of files) {
    for (const n of f.nearMisses) {
      if (skip.has(n.kind)) continue;
      const k = key(n.text);
      if (!byText.has(k)) byText.set(k, { text: n.text, signs: [], source: `near_miss:${f.sign}:${n.kind}` });
    }
  }
  for (const e of parseTrainingData(trainingYaml).examples) {
    if (e.intent === 'redflag.report') continue; // reports of some unnamed sign: neither positive nor negative
    const k = key(e.text);
    if (!byText.has(k)) byText.set(k, { text: e.text, signs: [], source: `intent:${e.intent}` });
  }
  for (const text of answers) {
    const k = key(text);
    if (!byText.has(k)) byText.set(k, { text, signs: [], source: 'answer:' });
  }
  return [...byText.values()];
}
