// Red-flag patterns: the schema of knowledge/red-flags.yaml (zod), the compiled form the
// matching engine runs on, the tuning constants both share, and the public types of the
// red-flag detector (redFlagDetector.ts).

import { z } from 'zod';
import { type RedFlagId } from '../contract.js';
import type { RedFlagDetection } from './types.js';

export const DEFAULT_RED_FLAG_PATTERNS_PATH = 'knowledge/red-flags.yaml';

/** How far (in words) `unless` and `possible_if` look around a hit. */
export const NEAR = 3;
/** How far back from a hit a negation word may stand in its clause. */
export const NEGATION_REACH = 8;
/** How many words may stand between a negation and an `unless` / `possible_if` term it denies. */
export const DENIED_EXCUSE_GAP = 2;
/** The longest clause (in words) that can deny for oneself what someone else has ("but my bones are fine"). */
export const SELF_DENIAL_MAX_WORDS = 8;
/** How many clauses back a negation or hedge may carry over "and", "or" and commas. */
export const CARRY_CLAUSES = 3;
/** Default `within` of an `all` pattern. */
export const DEFAULT_WITHIN = 6;
/** Default `within` of a topic fallback (topic word to change word). */
export const FALLBACK_WITHIN = 8;
/** Typo tolerance applies to words (and word beginnings) at least this long. */
export const FUZZY_MIN_LENGTH = 5;
/** Marks a word form that stands for "starts, give or take a typo, with this prefix". */
export const FUZZY_PREFIX_MARK = '*';

// =============================================================================== schema

const termList = z.array(z.string().min(1)).min(1);

const patternSchema = z
  .strictObject({
    any: termList.optional(),
    all: z
      .array(z.union([z.string().min(1), termList]))
      .min(2)
      .optional(),
    regex: z.string().min(1).optional(),
    within: z.number().int().min(1).max(40).optional(),
    near: z.number().int().min(1).max(10).optional(),
    ordered: z.boolean().optional(),
    unless: termList.optional(),
    not_between: termList.optional(),
    possible_if: termList.optional(),
    certainty: z.enum(['sure', 'possible']).optional(),
    note: z.string().optional(),
  })
  .refine((p) => [p.any, p.all, p.regex].filter((x) => x !== undefined).length === 1, {
    message: 'a pattern needs exactly one of any, all or regex',
  });

const redFlagSchema = z.strictObject({
  label: z.string().min(3),
  /** The label when the person asks for someone else ({their}: "numbness around his bottom"). */
  label_other: z.string().min(3).optional(),
  confirm_question: z.string().regex(/\?\s*$/, 'must be a question ending with "?"'),
  topics: termList.optional(),
  /** A later "but it's gone now" takes it back (a past fever, not a current one). */
  resolvable: z.boolean().optional(),
  /**
   * A report of this sign in the user's own words (or a carer's about the patient) whose only
   * doubt is how it is worded (a `certainty: possible` pattern, a topic fallback, a hedge) is
   * reported, not left `possible`: the urgent advice comes at once instead of with a question.
   * Doubt about whose it is, or whether it is happening, still makes `possible`.
   */
  reported_when_unsure: z.boolean().optional(),
  /**
   * Someone else's: `history` (a risk factor: only the user's own counts) raises nothing;
   * `acute` (default) raises `possible` when the message is about that person now.
   */
  others: z.enum(['history', 'acute']).optional(),
  /**
   * Topic fallback: a topic word with a word of change, loss or problem (`cues.change`, or
   * the red flag's own `change`) in a first-person report raises `possible` when no
   * pattern of the red flag matched in the sentence.
   */
  fallback: z
    .strictObject({
      topic: termList,
      change: termList.optional(),
      within: z.number().int().min(1).max(40).optional(),
      unless: termList.optional(),
      note: z.string().optional(),
    })
    .optional(),
  patterns: z.array(patternSchema).min(1),
});

const cueSchema = z.strictObject({
  negation: termList,
  pseudo_negation: termList,
  hedge: termList,
  post_negation: termList,
  post_normal: termList,
  resolved: termList,
  self_denial_filler: termList,
  self_too: termList,
  with_self: termList,
  affirmation: termList,
  family_history: termList,
  third_party: termList,
  generic_people: termList,
  first_person: termList,
  subject_pronouns: termList,
  clause_starters: termList,
  question_words: termList,
  asking_about: termList,
  asking_about_requests: termList,
  indirect: termList,
  /** "if i ever get...", "should i worry if...": a question about the sign, not a report. */
  hypothetical: termList,
  /** "since yesterday", "right now", "keeps": a question or "if" that still tells of the sign now. */
  present_report: termList.optional(),
  /** "ever", "what if", "one day": the sentence stays asked about, whatever time it names. */
  asked_only: termList.optional(),
  /** "what is a slipped disc": a general question that moves away from someone else's symptom. */
  general_question: termList,
  /** "years ago": someone else's symptom clearly in the past. */
  past: termList,
  /** Words of change, loss or problem for the topic fallback. */
  change: termList,
  /**
   * People a user may be caring for (partner, parent, child, "he", "she"): their current
   * symptoms are reports about the patient, not someone else's story.
   */
  patient_others: termList.optional(),
  /** That person's own back trouble ("his back", "she is in agony"): their history is then the patient's. */
  patient_complaint: termList.optional(),
  /** Blood relatives: their history without back trouble of their own is a family history. */
  blood_relatives: termList.optional(),
  /** Animals: a pet's symptoms are never the patient's. */
  animals: termList.optional(),
});

export const fileSchema = z.strictObject({
  version: z.literal(1),
  rewrite: z.record(z.string(), termList),
  boundaries: z.strictObject({ contrast: termList, and: termList, or: termList }),
  cues: cueSchema,
  groups: z.record(z.string(), termList),
  red_flags: z.record(z.string(), redFlagSchema),
});

export type PatternSpec = z.infer<typeof patternSchema>;

// =============================================================================== compiled form

export type BoundaryKind = 'contrast' | 'and' | 'or';

/** One position of a term: the words (or word beginnings) it accepts. */
export interface Slot {
  words: ReadonlySet<string>;
  prefixes: readonly string[];
  anyWord: boolean;
  optional: boolean;
  /** >0: a gap of 0..gap arbitrary words. */
  gap: number;
}

export interface Term {
  source: string;
  slots: readonly Slot[];
}

export type Certainty = 'sure' | 'possible';

export interface Rule {
  id: RedFlagId;
  /** Position in the file. */
  order: number;
  /** "red_flags.<id>.patterns[<n>]", for explanations and errors. */
  where: string;
  kind: 'any' | 'all' | 'regex';
  parts: readonly number[];
  regex?: RegExp;
  within: number;
  /** How far `unless` and `possible_if` look around a hit. */
  near: number;
  ordered: boolean;
  unless?: number;
  notBetween?: number;
  possibleIf?: number;
  certainty: Certainty;
  /** A topic fallback rule (red_flags.<id>.fallback). */
  fallback?: boolean;
}

export type CueName = keyof z.infer<typeof cueSchema>;

export interface Compiled {
  terms: Term[];
  /** termId -> the parts (term lists) it belongs to. */
  termParts: number[][];
  partCount: number;
  /**
   * first literal word -> the termIds starting with it: those whose second position is a
   * plain required word, by that word (tried only when the next token is one of them),
   * and all others.
   */
  firstWord: Map<string, FirstWordEntry>;
  /** first 3 letters of a first-slot prefix -> [prefix, termIds]. */
  firstPrefix: Map<string, Array<{ prefix: string; termIds: number[] }>>;
  rules: Rule[];
  /** part -> the token rules whose first part it is (a rule is only tried when that part hit). */
  rulesByFirstPart: ReadonlyMap<number, readonly Rule[]>;
  regexRules: readonly Rule[];
  topics: Array<{ id: RedFlagId; part: number }>;
  /** Red flags that a later "it's gone now" takes back. */
  resolvable: ReadonlySet<RedFlagId>;
  /** Red flags that are risk factors: someone else's raise nothing. */
  historyOnly: ReadonlySet<RedFlagId>;
  /** Red flags whose own report is reported even when its wording is unsure (`reported_when_unsure`). */
  reportedWhenUnsure: ReadonlySet<RedFlagId>;
  cues: Record<CueName, number>;
  questionWords: ReadonlySet<string>;
  boundaryKind: ReadonlyMap<string, BoundaryKind>;
  rewrites: Map<string, Array<{ from: string[]; to: string[] }>>;
  /** Every literal word a term can match exactly (the typo-correction targets). */
  vocabulary: ReadonlySet<string>;
  /** Word beginnings (tingl*) long enough to also match with a typo. */
  fuzzyPrefixes: readonly string[];
}

export interface FirstWordEntry {
  other: number[];
  bySecond: Map<string, number[]>;
}

/** Loaded, validated and compiled `knowledge/red-flags.yaml`. Treat as opaque. */
export interface RedFlagPatterns {
  readonly file: string;
  readonly labels: ReadonlyMap<RedFlagId, string>;
  /** label_other where given: the label for a carer, about the patient. */
  readonly labelsOther: ReadonlyMap<RedFlagId, string>;
  readonly confirmQuestions: ReadonlyMap<RedFlagId, string>;
  /** @internal compiled matcher tables */
  readonly compiled: Compiled;
  /**
   * @internal The English words the typo index must leave alone (from the cache); absent:
   * the detector loads the whole word list.
   */
  readonly englishWords?: ReadonlySet<string> | null;
}

export interface LoadRedFlagPatternsOptions {
  /**
   * Where the parsed file is cached, keyed by a hash of its text, so a start-up needs no
   * YAML parsing and no English word list (NLU_CACHE_DIR in the app; relative paths are from
   * the project root; default `data/red-flag-cache` there; false: no cache). A cache that
   * cannot be read or written is simply not used.
   */
  cacheDir?: string | false;
}

export interface RedFlagHit {
  id: RedFlagId;
  /** `explained`: unsure, and its words already report another red flag for sure. */
  status: 'flag' | 'possible' | 'question' | 'negated' | 'explained';
  /** Which pattern ("red_flags.fever.patterns[0]") or "topics". */
  where: string;
  /** The matched words, after normalisation. */
  matched: string;
  /** Why the hit got its status (e.g. "negated by 'no'"). */
  reason: string;
}

export interface RedFlagDetector {
  detect(text: string): RedFlagDetection;
  /** Every hit with its status and reason: for `backline nlu`, reviews and debugging. */
  explain(text: string): RedFlagHit[];
  /** The cues of `knowledge/red-flags.yaml` found in each sentence (for assertion.ts). */
  cueFacts(text: string): SentenceCueFacts[];
  /** Red flags that a later "it's gone now" takes back (`resolvable: true`). */
  readonly resolvable: ReadonlySet<RedFlagId>;
  /** Red flags that are risk factors or history (`others: history`). */
  readonly historyOnly: ReadonlySet<RedFlagId>;
  /** Red flags whose own report counts even when its wording is unsure (`reported_when_unsure`). */
  readonly reportedWhenUnsure: ReadonlySet<RedFlagId>;
}

/** What the cues say about one sentence, whatever red flag it may hold. */
export interface SentenceCueFacts {
  /** "what if", "should I worry if I ever ...". */
  hypothetical: boolean;
  /** A question or "if" that tells of the sign now ("since yesterday", "right now"), with no "ever" or "what if". */
  presentReport: boolean;
  /** Asks about something (what is, is it serious, tell me about) or second-hand ("watch for"). */
  asksAbout: boolean;
  /** Second-hand or hypothetical about oneself ("what if I", "the GP told me to watch for"). */
  indirect: boolean;
  isQuestion: boolean;
  /** I / me / my outside "my wife" and the question phrases. */
  firstPerson: boolean;
  /**
   * Someone else is the subject of a clause with no I/me/my: who, whether they may be the
   * patient (cues.patient_others), a blood relative (cues.blood_relatives) or an animal.
   */
  someoneElse: { who: string; patient: boolean; relative: boolean; animal: boolean } | null;
  /** People in general ("do people with sciatica..."). */
  generalPeople: boolean;
  familyHistory: boolean;
  /** Clearly in the past ("years ago"). */
  past: boolean;
  /** Said to be over after a "but" ("had a fever, but it's all sorted now"). */
  resolved: boolean;
  /** The whole sentence only says something is over ("That's all sorted now."). */
  onlyResolved: boolean;
  /** The person cared for has back trouble now ("his back", "she is in agony"). */
  patientComplaint: boolean;
  /** Starts with a denial ("no ...", "never had ...") and has no "but". */
  leadingDenial: boolean;
  /** Only hedge words around it: the speaker is unsure. */
  hedged: boolean;
}
