// Red-flag detector: runs on every user message before anything else.
//
// Under-triage is the failure that matters, so the design leans to recall: lay words and
// misspellings match, and anything unclear (hedged, negation that may not reach the
// symptom, someone else's symptom, a bare question) goes to `possible`, which makes the
// bot ask one confirming question instead of dropping the hit.
//
// All medical wording lives in knowledge/red-flags.yaml (the header of that file explains
// the pattern language). This module:
//   load:   YAML -> zod -> every term compiled to word slots, indexed by first word. The
//           parsed file, and the few English words the typo index must leave alone, are
//           cached under data/red-flag-cache keyed by a hash of the file (and of this
//           engine), so a start-up parses no YAML and reads no 4 MB word list;
//   create: adds the typo index (edit distance 1 for words of 5+ letters, never for real
//           English words, using the word list that ships with `natural`);
//   detect: normalise -> sentences -> rewrites (repeated until stable) -> durations in
//           hours -> one pass of term matching over the tokens ->
//           patterns -> each hit judged against negation, hedges, third parties and
//           question cues of its clause -> flags / possible / isQuestionAbout.
// detect() does no I/O and allocates little; everything else is precomputed.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RED_FLAG_IDS, isRedFlagId, type RedFlagId } from '../contract.js';
import type { RedFlagDetection } from './types.js';

export const DEFAULT_RED_FLAG_PATTERNS_PATH = 'knowledge/red-flags.yaml';

/** How far (in words) `unless` and `possible_if` look around a hit. */
const NEAR = 3;
/** How far back from a hit a negation word may stand in its clause. */
const NEGATION_REACH = 8;
/** How many words may stand between a negation and an `unless` / `possible_if` term it denies. */
const DENIED_EXCUSE_GAP = 2;
/** The longest clause (in words) that can deny for oneself what someone else has ("but my bones are fine"). */
const SELF_DENIAL_MAX_WORDS = 8;
/** How many clauses back a negation or hedge may carry over "and", "or" and commas. */
const CARRY_CLAUSES = 3;
/** Default `within` of an `all` pattern. */
const DEFAULT_WITHIN = 6;
/** Default `within` of a topic fallback (topic word to change word). */
const FALLBACK_WITHIN = 8;
/** Typo tolerance applies to words (and word beginnings) at least this long. */
const FUZZY_MIN_LENGTH = 5;
/** Marks a word form that stands for "starts, give or take a typo, with this prefix". */
const FUZZY_PREFIX_MARK = '*';

// =============================================================================== schema

const termList = z.array(z.string().min(1)).min(1);

const patternSchema = z
  .strictObject({
    any: termList.optional(),
    all: z.array(z.union([z.string().min(1), termList])).min(2).optional(),
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
  confirm_question: z.string().regex(/\?\s*$/, 'must be a question ending with "?"'),
  topics: termList.optional(),
  /** A later "but it's gone now" takes it back (a past fever, not a current one). */
  resolvable: z.boolean().optional(),
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

const fileSchema = z.strictObject({
  version: z.literal(1),
  rewrite: z.record(z.string(), termList),
  boundaries: z.strictObject({ contrast: termList, and: termList, or: termList }),
  cues: cueSchema,
  groups: z.record(z.string(), termList),
  red_flags: z.record(z.string(), redFlagSchema),
});

type PatternSpec = z.infer<typeof patternSchema>;

// =============================================================================== compiled form

/** One position of a term: the words (or word beginnings) it accepts. */
interface Slot {
  words: ReadonlySet<string>;
  prefixes: readonly string[];
  anyWord: boolean;
  optional: boolean;
  /** >0: a gap of 0..gap arbitrary words. */
  gap: number;
}

interface Term {
  source: string;
  slots: readonly Slot[];
}

type Certainty = 'sure' | 'possible';

interface Rule {
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

type CueName = keyof z.infer<typeof cueSchema>;

interface Compiled {
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
  cues: Record<CueName, number>;
  questionWords: ReadonlySet<string>;
  boundaryKind: ReadonlyMap<string, BoundaryKind>;
  rewrites: Map<string, Array<{ from: string[]; to: string[] }>>;
  /** Every literal word a term can match exactly (the typo-correction targets). */
  vocabulary: ReadonlySet<string>;
  /** Word beginnings (tingl*) long enough to also match with a typo. */
  fuzzyPrefixes: readonly string[];
}

interface FirstWordEntry {
  other: number[];
  bySecond: Map<string, number[]>;
}

/** Loaded, validated and compiled `knowledge/red-flags.yaml`. Treat as opaque. */
export interface RedFlagPatterns {
  readonly file: string;
  readonly labels: ReadonlyMap<RedFlagId, string>;
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
}

/** What the cues say about one sentence, whatever red flag it may hold. */
export interface SentenceCueFacts {
  /** "what if", "should I worry if I ever ...". */
  hypothetical: boolean;
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

// =============================================================================== loading

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_CACHE_DIR = join(PACKAGE_ROOT, 'data', 'red-flag-cache');

function resolvePatternsPath(path: string): string {
  if (isAbsolute(path)) return path;
  const fromCwd = resolve(process.cwd(), path);
  if (existsSync(fromCwd)) return fromCwd;
  return join(PACKAGE_ROOT, path);
}

class PatternFileError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}: ${where ? `${where}: ` : ''}${message}`);
    this.name = 'PatternFileError';
  }
}

function zodPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Reads, validates and compiles the red-flag patterns. Relative paths are tried against
 * the working directory, then the project root. Throws an Error naming the file and the
 * entry on any problem (unknown or missing id, bad term, bad regex, unknown group).
 */
export function loadRedFlagPatterns(path: string = DEFAULT_RED_FLAG_PATTERNS_PATH, options: LoadRedFlagPatternsOptions = {}): RedFlagPatterns {
  const file = resolvePatternsPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PatternFileError(file, '', `cannot read: ${(error as Error).message}`);
  }
  if (options.cacheDir === false) return parseRedFlagPatterns(text, file);
  // Relative to the project root, like the intent model's cache (NLU_CACHE_DIR).
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : resolve(PACKAGE_ROOT, options.cacheDir);
  const key = cacheKey(text);
  const cacheFile = join(cacheDir, `${CACHE_PREFIX}${key.slice(0, 32)}.json`);
  const cached = readCache(cacheFile, key);
  if (cached) return { ...compileRaw(cached.raw, file), englishWords: cached.english === null ? null : new Set(cached.english) };
  const raw = parseYamlText(text, file);
  const patterns = compileRaw(raw, file);
  const english = loadEnglishWords();
  const atRisk = english ? englishWordsAtRisk(patterns.compiled, english) : null;
  if (english) writeCache(cacheDir, cacheFile, { format: CACHE_FORMAT, key, raw, english: atRisk });
  return { ...patterns, englishWords: atRisk === null ? null : new Set(atRisk) };
}

/** As loadRedFlagPatterns, from YAML text (`file` is only used in messages); never cached. */
export function parseRedFlagPatterns(yamlText: string, file = '<red-flags>'): RedFlagPatterns {
  return compileRaw(parseYamlText(yamlText, file), file);
}

// --------------------------------------------------------------------------- cache

/** Bump when what the cache holds, or what the engine derives from it, changes. */
const CACHE_FORMAT = 1;
const CACHE_PREFIX = 'red-flags-';
/** Cache files kept in the directory (other versions of the file, other checkouts). */
const CACHE_KEEP = 4;

interface PatternCache {
  format: number;
  key: string;
  /** The YAML file as parsed (validated and compiled again on every load). */
  raw: unknown;
  /** englishWordsAtRisk() of the compiled patterns. */
  english: string[] | null;
}

/**
 * sha256 of the file text, the cache format, this engine's own code (an engine change
 * never meets a cache built by another) and the English word list it was built with.
 */
function cacheKey(text: string): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0`);
  try {
    hash.update(readFileSync(fileURLToPath(import.meta.url)));
  } catch {
    hash.update('engine?\0');
  }
  const lexicon = englishLexiconPath();
  if (lexicon) {
    try {
      const stat = statSync(lexicon);
      hash.update(`${lexicon}\0${stat.size}\0${stat.mtimeMs}\0`);
    } catch {
      hash.update('no-lexicon\0');
    }
  }
  return hash.update(text).digest('hex');
}

function readCache(cacheFile: string, key: string): PatternCache | null {
  const cache = readCacheFile(cacheFile) as Partial<PatternCache> | null;
  if (!cache || cache.format !== CACHE_FORMAT || cache.key !== key || cache.raw === undefined) return null;
  if (cache.english !== null && !(Array.isArray(cache.english) && cache.english.every((w) => typeof w === 'string'))) return null;
  return cache as PatternCache;
}

function writeCache(cacheDir: string, cacheFile: string, cache: PatternCache): void {
  writeCacheFile(cacheDir, basename(cacheFile), cache, { prefix: CACHE_PREFIX, keep: CACHE_KEEP });
}

function parseYamlText(yamlText: string, file: string): unknown {
  try {
    return parseYaml(yamlText);
  } catch (error) {
    throw new PatternFileError(file, '', `not valid YAML: ${(error as Error).message}`);
  }
}

/** Validates and compiles the parsed file. */
function compileRaw(raw: unknown, file: string): RedFlagPatterns {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PatternFileError(file, zodPath(issue.path), issue.message);
  }
  const data = parsed.data;
  for (const key of Object.keys(data.red_flags)) {
    if (!isRedFlagId(key)) {
      throw new PatternFileError(file, `red_flags.${key}`, `unknown red-flag id "${key}" (known: ${RED_FLAG_IDS.join(', ')})`);
    }
  }
  const missing = RED_FLAG_IDS.filter((id) => !(id in data.red_flags));
  if (missing.length > 0) throw new PatternFileError(file, 'red_flags', `missing red-flag ids: ${missing.join(', ')}`);

  const compiler = new Compiler(file, data.groups);
  const rewrites = compileRewrites(file, data.rewrite);
  const boundaryKind = new Map<string, BoundaryKind>();
  for (const [kind, words] of Object.entries(data.boundaries) as Array<[BoundaryKind, string[]]>) {
    for (const w of words) {
      if (!/^[a-z0-9]+$/.test(w)) throw new PatternFileError(file, `boundaries.${kind}`, `"${w}" must be one lowercase word`);
      boundaryKind.set(w, kind);
    }
  }
  const cues = {} as Record<CueName, number>;
  // Optional cue lists that are absent match nothing (view.spans(undefined) is empty).
  for (const name of Object.keys(data.cues) as CueName[]) {
    const list = data.cues[name];
    if (list) cues[name] = compiler.part(list, `cues.${name}`);
  }

  const rules: Rule[] = [];
  const topics: Compiled['topics'] = [];
  const resolvable = new Set<RedFlagId>();
  const historyOnly = new Set<RedFlagId>();
  const labels = new Map<RedFlagId, string>();
  const confirmQuestions = new Map<RedFlagId, string>();
  for (const id of RED_FLAG_IDS) {
    const entry = data.red_flags[id]!;
    labels.set(id, entry.label.trim());
    confirmQuestions.set(id, entry.confirm_question.trim());
    if (entry.topics) topics.push({ id, part: compiler.part(entry.topics, `red_flags.${id}.topics`) });
    if (entry.resolvable) resolvable.add(id);
    if (entry.others === 'history') historyOnly.add(id);
    entry.patterns.forEach((spec, n) => rules.push({ ...compiler.rule(id, `red_flags.${id}.patterns[${n}]`, spec), order: rules.length }));
  }
  // Topic fallbacks come after every pattern: each is tried only when no pattern of its red
  // flag matched in the sentence.
  for (const id of RED_FLAG_IDS) {
    const fb = data.red_flags[id]!.fallback;
    if (!fb) continue;
    const where = `red_flags.${id}.fallback`;
    const spec: PatternSpec = { all: [fb.topic, fb.change ?? data.cues.change], within: fb.within ?? FALLBACK_WITHIN, certainty: 'possible', unless: fb.unless, near: 5 };
    rules.push({ ...compiler.rule(id, where, spec), order: rules.length, fallback: true });
  }

  const rulesByFirstPart = new Map<number, Rule[]>();
  for (const rule of rules) {
    if (rule.kind === 'regex') continue;
    const list = rulesByFirstPart.get(rule.parts[0]!) ?? [];
    list.push(rule);
    rulesByFirstPart.set(rule.parts[0]!, list);
  }
  const compiled: Compiled = {
    ...compiler.tables(),
    rules,
    rulesByFirstPart,
    regexRules: rules.filter((r) => r.kind === 'regex'),
    topics,
    resolvable,
    historyOnly,
    cues,
    questionWords: new Set(data.cues.question_words.filter((w) => !w.includes(' '))),
    boundaryKind,
    rewrites,
  };
  return { file, labels, confirmQuestions, compiled };
}

export function redFlagLabel(patterns: RedFlagPatterns, id: RedFlagId): string {
  return patterns.labels.get(id) ?? id;
}

export function confirmQuestion(patterns: RedFlagPatterns, id: RedFlagId): string {
  return patterns.confirmQuestions.get(id) ?? `Do you have ${redFlagLabel(patterns, id)}?`;
}

// --------------------------------------------------------------------------- compiler

const WORD_RE = /^[a-z0-9]+$/;

class Compiler {
  private readonly terms: Term[] = [];
  private readonly termIds = new Map<string, number>();
  private readonly termParts: number[][] = [];
  private partCount = 0;
  private readonly groupTerms = new Map<string, number[]>();

  constructor(
    private readonly file: string,
    groups: Record<string, string[]>,
  ) {
    for (const [name, list] of Object.entries(groups)) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new PatternFileError(file, `groups.${name}`, 'group names are lowercase words with _');
      const ids: number[] = [];
      for (const src of list) {
        if (src.startsWith('@')) throw new PatternFileError(file, `groups.${name}`, `groups cannot include other groups ("${src}")`);
        ids.push(...this.termsOf(src, `groups.${name}`));
      }
      this.groupTerms.set(name, ids);
    }
  }

  /** A list of terms and @group references, as one part; returns the part id. */
  part(list: readonly string[], where: string): number {
    const partId = this.partCount++;
    const seen = new Set<number>();
    for (const src of list) {
      let ids: number[];
      if (src.startsWith('@')) {
        const group = this.groupTerms.get(src.slice(1));
        if (!group) throw new PatternFileError(this.file, where, `unknown group "${src}"`);
        ids = group;
      } else {
        ids = this.termsOf(src, where);
      }
      for (const termId of ids) {
        if (seen.has(termId)) continue;
        seen.add(termId);
        this.termParts[termId]!.push(partId);
      }
    }
    return partId;
  }

  rule(id: RedFlagId, where: string, spec: PatternSpec): Omit<Rule, 'order'> {
    const base = {
      id,
      where,
      within: spec.within ?? DEFAULT_WITHIN,
      near: spec.near ?? NEAR,
      ordered: spec.ordered ?? false,
      certainty: spec.certainty ?? 'sure',
      unless: spec.unless ? this.part(spec.unless, `${where}.unless`) : undefined,
      notBetween: spec.not_between ? this.part(spec.not_between, `${where}.not_between`) : undefined,
      possibleIf: spec.possible_if ? this.part(spec.possible_if, `${where}.possible_if`) : undefined,
    } satisfies Partial<Rule>;
    if (spec.any) return { ...base, kind: 'any', parts: [this.part(spec.any, `${where}.any`)] };
    if (spec.all) {
      const parts = spec.all.map((item, i) => this.part(typeof item === 'string' ? [item] : item, `${where}.all[${i}]`));
      return { ...base, kind: 'all', parts };
    }
    let regex: RegExp;
    try {
      regex = new RegExp(spec.regex!, 'g');
    } catch (error) {
      throw new PatternFileError(this.file, `${where}.regex`, `bad regular expression: ${(error as Error).message}`);
    }
    if (regex.test('')) throw new PatternFileError(this.file, `${where}.regex`, 'regular expression matches empty text');
    return { ...base, kind: 'regex', parts: [], regex };
  }

  /** A term source may expand to several terms: "(lack of|loss of) feeling". */
  termsOf(source: string, where: string): number[] {
    return expandGroups(source, this.file, where).map((variant) => this.term(variant, source, where));
  }

  private term(variant: string, source: string, where: string): number {
    const key = variant;
    const known = this.termIds.get(key);
    if (known !== undefined) return known;
    const slots = key.split(' ').map((piece) => this.slot(piece, key, where));
    const first = slots[0]!;
    if (first.anyWord || first.gap > 0 || first.optional) {
      throw new PatternFileError(this.file, where, `term "${source}" must start with a required word`);
    }
    const last = slots[slots.length - 1]!;
    if (last.gap > 0) throw new PatternFileError(this.file, where, `term "${source}" cannot end with "..."`);
    const id = this.terms.length;
    this.terms.push({ source: key, slots });
    this.termParts.push([]);
    this.termIds.set(key, id);
    return id;
  }

  private slot(piece: string, term: string, where: string): Slot {
    if (piece === '...') return { words: new Set(), prefixes: [], anyWord: false, optional: false, gap: 3 };
    if (piece === '_') return { words: new Set(), prefixes: [], anyWord: true, optional: false, gap: 0 };
    const optional = piece.endsWith('?');
    const body = optional ? piece.slice(0, -1) : piece;
    const words = new Set<string>();
    const prefixes: string[] = [];
    for (const alt of body.split('|')) {
      if (alt.endsWith('*')) {
        const prefix = alt.slice(0, -1);
        if (!WORD_RE.test(prefix) || prefix.length < 3) {
          throw new PatternFileError(this.file, where, `term "${term}": "${alt}" needs at least 3 letters before *`);
        }
        prefixes.push(prefix);
      } else if (WORD_RE.test(alt)) {
        words.add(alt);
      } else {
        throw new PatternFileError(this.file, where, `term "${term}": "${alt}" is not a lowercase word (use letters and digits, | * ? _ ...)`);
      }
    }
    return { words, prefixes, anyWord: false, optional, gap: 0 };
  }

  tables(): Pick<Compiled, 'terms' | 'termParts' | 'partCount' | 'firstWord' | 'firstPrefix' | 'vocabulary' | 'fuzzyPrefixes'> {
    const firstWord = new Map<string, FirstWordEntry>();
    const firstPrefix = new Map<string, Array<{ prefix: string; termIds: number[] }>>();
    const vocabulary = new Set<string>();
    const fuzzyPrefixes = new Set<string>();
    const index = (key: string, id: number) => {
      let entry = firstWord.get(key);
      if (!entry) firstWord.set(key, (entry = { other: [], bySecond: new Map() }));
      const second = this.terms[id]!.slots[1];
      if (second && !second.optional && !second.anyWord && second.gap === 0 && second.prefixes.length === 0) {
        for (const w of second.words) {
          const list = entry.bySecond.get(w) ?? [];
          list.push(id);
          entry.bySecond.set(w, list);
        }
      } else {
        entry.other.push(id);
      }
    };
    this.terms.forEach((term, id) => {
      for (const slot of term.slots) {
        for (const w of slot.words) vocabulary.add(w);
        for (const p of slot.prefixes) if (p.length >= FUZZY_MIN_LENGTH) fuzzyPrefixes.add(p);
      }
      const first = term.slots[0]!;
      for (const w of first.words) index(w, id);
      for (const p of first.prefixes) {
        if (p.length >= FUZZY_MIN_LENGTH) index(FUZZY_PREFIX_MARK + p, id);
        const bucket = firstPrefix.get(p.slice(0, 3)) ?? [];
        let entry = bucket.find((e) => e.prefix === p);
        if (!entry) bucket.push((entry = { prefix: p, termIds: [] }));
        entry.termIds.push(id);
        firstPrefix.set(p.slice(0, 3), bucket);
      }
    });
    return {
      terms: this.terms,
      termParts: this.termParts,
      partCount: this.partCount,
      firstWord,
      firstPrefix,
      vocabulary,
      fuzzyPrefixes: [...fuzzyPrefixes],
    };
  }
}

/** "(a b|c) d" -> ["a b d", "c d"]; "(a|b)? c" also gives "c". Groups do not nest. */
function expandGroups(source: string, file: string, where: string): string[] {
  const text = source.trim().replace(/\s+/g, ' ');
  const m = /\(([^()]*)\)(\?)?/.exec(text);
  if (!m) {
    if (/[()]/.test(text)) throw new PatternFileError(file, where, `term "${source}": unbalanced or nested parentheses`);
    return [text];
  }
  const alternatives = m[1]!.split('|').map((a) => a.trim());
  if (alternatives.some((a) => a === '')) throw new PatternFileError(file, where, `term "${source}": empty alternative in (...)`);
  const before = text.slice(0, m.index);
  const after = text.slice(m.index + m[0].length);
  // One word each: a single position "a|b|c" (cheaper than one term per alternative).
  if (alternatives.every((a) => !a.includes(' '))) {
    return expandGroups(`${before} ${alternatives.join('|')}${m[2] ?? ''} ${after}`, file, where);
  }
  if (m[2]) alternatives.push('');
  const out = alternatives.flatMap((a) => expandGroups(`${before} ${a} ${after}`, file, where));
  if (out.some((t) => t === '')) throw new PatternFileError(file, where, `term "${source}" can be empty`);
  return out;
}

function compileRewrites(file: string, rewrite: Record<string, string[]>): Compiled['rewrites'] {
  const table: Compiled['rewrites'] = new Map();
  for (const [target, variants] of Object.entries(rewrite)) {
    const to = target.split(' ');
    if (!to.every((w) => WORD_RE.test(w))) throw new PatternFileError(file, `rewrite.${target}`, 'target must be lowercase words');
    for (const variant of variants) {
      const from = variant.trim().split(/\s+/);
      if (!from.every((w) => WORD_RE.test(w))) {
        throw new PatternFileError(file, `rewrite.${target}`, `"${variant}" must be lowercase words (apostrophes are already dropped: write "cant")`);
      }
      const list = table.get(from[0]!) ?? [];
      list.push({ from, to });
      list.sort((a, b) => b.from.length - a.from.length);
      table.set(from[0]!, list);
    }
  }
  return table;
}

// =============================================================================== typos

/** True when a and b differ by at most one insertion, deletion, substitution or swap. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  if (la === lb) {
    let i = 0;
    while (i < la && a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [short, long] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

let englishWords: ReadonlySet<string> | null | undefined;

/** The English lexicon that ships with `natural`, or null when it cannot be found. */
function englishLexiconPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('natural/package.json'));
    return join(root, 'lib', 'natural', 'brill_pos_tagger', 'data', 'English', 'lexicon_from_posjs.json');
  } catch {
    return null;
  }
}

/**
 * English words from the lexicon that ships with `natural` (its Brill tagger data). A real
 * word is never "corrected": "getting" must not become "wetting", nor "never" "fever".
 */
function loadEnglishWords(): ReadonlySet<string> | null {
  if (englishWords !== undefined) return englishWords;
  try {
    const path = englishLexiconPath();
    if (!path) throw new Error('the natural package is not installed');
    const lexicon = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    englishWords = new Set(Object.keys(lexicon).map((w) => w.toLowerCase()));
  } catch (error) {
    process.emitWarning(`red-flag detector: English word list unavailable, typo matching is less strict (${(error as Error).message})`);
    englishWords = null;
  }
  return englishWords;
}

class TypoIndex {
  private readonly byDeletion = new Map<string, string[]>();
  private readonly long = new Set<string>();
  private readonly cache = new Map<string, readonly string[]>();

  constructor(
    private readonly vocabulary: ReadonlySet<string>,
    private readonly prefixes: readonly string[],
    /** Real English words are never corrected (null: no word list, correct anything). */
    private readonly english: ReadonlySet<string> | null,
  ) {
    for (const word of vocabulary) {
      if (word.length < FUZZY_MIN_LENGTH || !/^[a-z]+$/.test(word)) continue;
      this.long.add(word);
      for (const d of deletions(word)) {
        const list = this.byDeletion.get(d) ?? [];
        if (!list.includes(word)) list.push(word);
        this.byDeletion.set(d, list);
      }
    }
  }

  /** The vocabulary words a token stands for: itself if known, else its corrections. */
  forms(token: string): readonly string[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let forms: readonly string[] = [token];
    if (!this.english?.has(token)) {
      const corrections = this.corrections(token);
      if (corrections.length > 0) forms = [token, ...corrections];
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(token, forms);
    return forms;
  }

  /**
   * What a token not in the vocabulary could be a misspelling of: vocabulary words one edit
   * away, and marked word beginnings ("*shiver") its start is one edit from. Empty for
   * known, short or non-alphabetic tokens.
   */
  corrections(token: string): string[] {
    const out: string[] = [];
    if (!this.vocabulary.has(token) && token.length >= FUZZY_MIN_LENGTH && /^[a-z]+$/.test(token)) {
      const found = new Set<string>();
      const consider = (candidates: readonly string[] | undefined) => {
        for (const c of candidates ?? []) if (withinOneEdit(token, c)) found.add(c);
      };
      consider(this.byDeletion.get(token)); // a letter missing
      for (const d of deletions(token)) {
        if (this.long.has(d)) found.add(d); // a letter extra
        consider(this.byDeletion.get(d)); // a letter changed or two swapped
      }
      // "shivring" for shiver*: the token's start is one edit from the prefix.
      const fuzzyStarts: string[] = [];
      for (const p of this.prefixes) {
        if (token[0] !== p[0] || token.startsWith(p)) continue;
        const n = p.length;
        if (withinOneEdit(token.slice(0, n), p) || withinOneEdit(token.slice(0, n + 1), p) || withinOneEdit(token.slice(0, n - 1), p)) {
          fuzzyStarts.push(FUZZY_PREFIX_MARK + p);
        }
      }
      out.push(...found, ...fuzzyStarts);
    }
    return out;
  }
}

/**
 * The English words the typo index must know to leave alone: those it would otherwise
 * "correct". Every other English word has no correction anyway, so this small set stands
 * in for the whole 80,000-word list (and is what the cache keeps).
 */
function englishWordsAtRisk(compiled: Compiled, english: ReadonlySet<string>): string[] {
  const index = new TypoIndex(compiled.vocabulary, compiled.fuzzyPrefixes, null);
  return [...english].filter((word) => index.corrections(word).length > 0).sort();
}

// =============================================================================== text

type BoundaryKind = 'contrast' | 'and' | 'or';
type SegmentKind = 'start' | 'comma' | BoundaryKind;

interface Span {
  start: number;
  end: number;
}

interface Sentence {
  tokens: string[];
  /** A soft punctuation mark (, : ( ) -) stands before token i. */
  commaBefore: boolean[];
  endsWithQuestionMark: boolean;
}

/** Lowercase, accents and apostrophes dropped, sentences and words. */
function splitSentences(text: string): Sentence[] {
  let cleaned = text.toLowerCase();
  if (/[^\x00-\x7f]/.test(cleaned)) {
    cleaned = cleaned
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019\u201b\u02bc\u00b4]/g, "'");
  }
  if (/['`]/.test(cleaned)) {
    cleaned = cleaned
      .replace(/`/g, "'")
      .replace(/'ll\b/g, ' will') // "I'll" is not "ill"
      .replace(/([a-z0-9])'([a-z])/g, '$1$2')
      .replace(/'/g, ' ');
  }
  if (/[-_/&]|\d[.,]\d|([a-z])\1\1/.test(cleaned)) {
    cleaned = cleaned
      .replace(/([a-z])\1{2,}/g, '$1$1')
      .replace(/([a-z0-9])[-_/]+(?=[a-z0-9])/g, '$1 ')
      .replace(/(\d)[.,](\d)/g, '$1 $2')
      .replace(/&/g, ' and ');
  }
  const sentences: Sentence[] = [];
  let current: Sentence = { tokens: [], commaBefore: [], endsWithQuestionMark: false };
  let pendingComma = false;
  const flush = (question: boolean) => {
    if (current.tokens.length > 0) {
      current.endsWithQuestionMark = question;
      sentences.push(current);
    }
    current = { tokens: [], commaBefore: [], endsWithQuestionMark: false };
    pendingComma = false;
  };
  for (const m of cleaned.matchAll(/[a-z0-9]+|[.!?;\n\u2026]+|[,:()\u2013\u2014-]/g)) {
    const t = m[0];
    if (/^[a-z0-9]/.test(t)) {
      current.tokens.push(t);
      current.commaBefore.push(pendingComma);
      pendingComma = false;
    } else if (/^[.!?;\n\u2026]/.test(t)) {
      flush(t.includes('?'));
    } else {
      pendingComma = current.tokens.length > 0;
    }
  }
  flush(false);
  return sentences;
}

/** Rewrites until nothing changes (at most 3 rounds): "cannot really feel" -> "cant really feel" -> "cant feel". */
function rewriteAll(sentence: Sentence, rewrites: Compiled['rewrites']): Sentence {
  let current = sentence;
  for (let round = 0; round < 3; round++) {
    const next = applyRewrites(current, rewrites);
    if (!next) break;
    current = next;
  }
  return current;
}

/** One left-to-right pass; null when nothing was rewritten. */
function applyRewrites(sentence: Sentence, rewrites: Compiled['rewrites']): Sentence | null {
  const tokens: string[] = [];
  const commaBefore: boolean[] = [];
  const { tokens: input } = sentence;
  let changed = false;
  let i = 0;
  outer: while (i < input.length) {
    for (const r of rewrites.get(input[i]!) ?? []) {
      if (r.from.every((w, k) => input[i + k] === w)) {
        changed = true;
        r.to.forEach((w, k) => {
          tokens.push(w);
          commaBefore.push(k === 0 && sentence.commaBefore[i]!);
        });
        i += r.from.length;
        continue outer;
      }
    }
    tokens.push(input[i]!);
    commaBefore.push(sentence.commaBefore[i]!);
    i++;
  }
  return changed ? { tokens, commaBefore, endsWithQuestionMark: sentence.endsWithQuestionMark } : null;
}

const MINUTE_WORDS: ReadonlySet<string> = new Set(['min', 'mins', 'minute', 'minutes']);
const HOUR_WORDS: ReadonlySet<string> = new Set(['hour', 'hours', 'hr', 'hrs']);
const NUMBER_UNIT_RE = /^(\d+)(mins?|minutes?|hrs?|hours?)$/;

/**
 * Durations read in hours: "90 mins" -> "1 hour", "2 hrs 15 mins" -> "2 hours", so a
 * pattern that asks for "hour" sees every duration of an hour or more and minute words
 * are only ever left for durations under an hour.
 */
function foldDurations(sentence: Sentence): Sentence {
  const { tokens: input, commaBefore: commas } = sentence;
  if (!input.some((t) => /\d/.test(t))) return sentence;
  // "90mins" -> "90 mins".
  const split: string[] = [];
  const splitCommas: boolean[] = [];
  input.forEach((t, i) => {
    const m = NUMBER_UNIT_RE.exec(t);
    if (m) {
      split.push(m[1]!, m[2] === 'hr' ? 'hour' : m[2] === 'hrs' ? 'hours' : m[2]!);
      splitCommas.push(commas[i]!, false);
    } else {
      split.push(t);
      splitCommas.push(commas[i]!);
    }
  });
  const tokens: string[] = [];
  const commaBefore: boolean[] = [];
  for (let i = 0; i < split.length; i++) {
    const t = split[i]!;
    const next = split[i + 1];
    if (/^\d+$/.test(t) && next !== undefined && MINUTE_WORDS.has(next) && Number(t) >= 60) {
      const hours = Math.floor(Number(t) / 60);
      tokens.push(String(hours), hours >= 2 ? 'hours' : 'hour');
      commaBefore.push(splitCommas[i]!, false);
      i++;
      continue;
    }
    tokens.push(t);
    commaBefore.push(splitCommas[i]!);
    if (HOUR_WORDS.has(t)) {
      // "an hour and 20 minutes", "2 hours 10 mins": the minutes only add to the hours.
      let k = i + 1;
      if (split[k] === 'and') k++;
      if (split[k] !== undefined && /^(\d+|a|few|some|ten|twenty|thirty|forty|fifteen)$/.test(split[k]!) && MINUTE_WORDS.has(split[k + 1] ?? '')) i = k + 1;
    }
  }
  return { tokens, commaBefore, endsWithQuestionMark: sentence.endsWithQuestionMark };
}

// =============================================================================== analysis

/** One sentence with every term hit and its clause structure. */
class SentenceView {
  readonly partSpans: Array<Span[] | undefined>;
  /** Parts with at least one hit, in the order first hit. */
  readonly hitParts: number[] = [];
  readonly segOf: number[] = [];
  readonly segStart: number[] = [];
  readonly segEnd: number[] = [];
  readonly segKind: SegmentKind[] = [];
  private textCache: { text: string; starts: number[] } | undefined;

  constructor(
    readonly c: Compiled,
    readonly tokens: string[],
    commaBefore: boolean[],
    readonly endsWithQuestionMark: boolean,
    typos: TypoIndex,
    tried: Uint32Array,
    stamp: { value: number },
  ) {
    this.partSpans = new Array<Span[] | undefined>(c.partCount);
    this.findTerms(typos, tried, stamp);
    // Clauses: a new one starts at a comma-like mark or at a boundary word
    // ("and", "or", "but"...). The boundary word belongs to the clause it opens.
    for (let i = 0; i < tokens.length; i++) {
      const word = c.boundaryKind.get(tokens[i]!);
      const kind: SegmentKind | undefined = word ?? (commaBefore[i] ? 'comma' : undefined);
      if (i === 0 || kind !== undefined) {
        if (i > 0) this.segEnd.push(i);
        this.segStart.push(i);
        this.segKind.push(i === 0 ? 'start' : kind!);
      }
      this.segOf.push(this.segStart.length - 1);
    }
    this.segEnd.push(tokens.length);
  }

  /**
   * Every term that starts at every token, found through the first-word index. `tried`
   * (one slot per term, marked with `stamp`) stops a term being tried twice at one token.
   */
  private findTerms(typos: TypoIndex, tried: Uint32Array, stamp: { value: number }): void {
    const { c, tokens } = this;
    const forms = tokens.map((t) => typos.forms(t));
    for (let i = 0; i < tokens.length; i++) {
      const mark = ++stamp.value;
      const attempt = (termIds: readonly number[] | undefined) => {
        if (!termIds) return;
        for (const termId of termIds) {
          if (tried[termId] === mark) continue;
          tried[termId] = mark;
          const end = matchSlots(c.terms[termId]!.slots, 0, i, tokens, forms);
          if (end < 0) continue;
          for (const part of c.termParts[termId]!) {
            let list = this.partSpans[part];
            if (!list) {
              list = this.partSpans[part] = [];
              this.hitParts.push(part);
            }
            list.push({ start: i, end });
          }
        }
      };
      for (const f of forms[i]!) {
        const entry = c.firstWord.get(f);
        if (!entry) continue;
        attempt(entry.other);
        if (entry.bySecond.size > 0 && i + 1 < tokens.length) for (const g of forms[i + 1]!) attempt(entry.bySecond.get(g));
      }
      const token = tokens[i]!;
      const bucket = c.firstPrefix.get(token.slice(0, 3));
      if (bucket) for (const entry of bucket) if (token.startsWith(entry.prefix)) attempt(entry.termIds);
    }
  }

  spans(part: number | undefined): readonly Span[] {
    return part === undefined ? [] : (this.partSpans[part] ?? []);
  }

  /** Tokens joined by single spaces, with each token's start offset (for regex patterns). */
  text(): { text: string; starts: number[] } {
    if (!this.textCache) {
      const starts: number[] = [];
      let text = '';
      for (const t of this.tokens) {
        if (text) text += ' ';
        starts.push(text.length);
        text += t;
      }
      this.textCache = { text, starts };
    }
    return this.textCache;
  }
}

/** End (exclusive) of a match of slots[k..] starting at token `pos`, or -1. */
function matchSlots(slots: readonly Slot[], k: number, pos: number, tokens: string[], forms: readonly (readonly string[])[]): number {
  if (k === slots.length) return pos;
  const slot = slots[k]!;
  if (slot.gap > 0) {
    for (let g = 0; g <= slot.gap && pos + g <= tokens.length; g++) {
      const end = matchSlots(slots, k + 1, pos + g, tokens, forms);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (pos < tokens.length && slotAccepts(slot, tokens[pos]!, forms[pos]!)) {
    const end = matchSlots(slots, k + 1, pos + 1, tokens, forms);
    if (end >= 0) return end;
  }
  return slot.optional ? matchSlots(slots, k + 1, pos, tokens, forms) : -1;
}

function slotAccepts(slot: Slot, token: string, forms: readonly string[]): boolean {
  if (slot.anyWord) return true;
  for (const f of forms) if (slot.words.has(f)) return true;
  for (const p of slot.prefixes) if (token.startsWith(p) || (forms.length > 1 && forms.includes(FUZZY_PREFIX_MARK + p))) return true;
  return false;
}

// =============================================================================== judging hits

interface Occurrence {
  rule: Rule;
  spans: Span[];
  start: number;
  end: number;
  certainty: Certainty;
}

type Status = RedFlagHit['status'];
const STATUS_RANK: Record<Status, number> = { flag: 3, possible: 2, question: 1, negated: 0, explained: 0 };

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

class Detector implements RedFlagDetector {
  private readonly c: Compiled;
  private readonly typos: TypoIndex;
  /** Scratch for SentenceView.findTerms; detect() is synchronous, so one set is enough. */
  private readonly tried: Uint32Array;
  private readonly stamp = { value: 0 };

  readonly resolvable: ReadonlySet<RedFlagId>;
  readonly historyOnly: ReadonlySet<RedFlagId>;

  constructor(patterns: RedFlagPatterns) {
    this.c = patterns.compiled;
    this.resolvable = this.c.resolvable;
    this.historyOnly = this.c.historyOnly;
    this.tried = new Uint32Array(this.c.terms.length);
    this.typos = new TypoIndex(this.c.vocabulary, this.c.fuzzyPrefixes, patterns.englishWords !== undefined ? patterns.englishWords : loadEnglishWords());
  }

  detect(text: string): RedFlagDetection {
    const best = new Map<RedFlagId, Status>();
    this.run(text, (id, status) => {
      const prev = best.get(id);
      if (prev === undefined || STATUS_RANK[status] > STATUS_RANK[prev]) best.set(id, status);
    });
    const pick = (status: Status) => RED_FLAG_IDS.filter((id) => best.get(id) === status);
    return { flags: pick('flag'), possible: pick('possible'), isQuestionAbout: pick('question') };
  }

  explain(text: string): RedFlagHit[] {
    const hits: RedFlagHit[] = [];
    this.run(text, (id, status, where, matched, reason) => hits.push({ id, status, where, matched, reason }));
    return hits;
  }

  private views(text: string): SentenceView[] {
    const c = this.c;
    return splitSentences(text).map((s) => {
      const r = foldDurations(rewriteAll(s, c.rewrites));
      if (this.stamp.value > 0xfff00000) {
        this.tried.fill(0);
        this.stamp.value = 0;
      }
      return new SentenceView(c, r.tokens, r.commaBefore, r.endsWithQuestionMark, this.typos, this.tried, this.stamp);
    });
  }

  cueFacts(text: string): SentenceCueFacts[] {
    const cue = this.c.cues;
    const views = this.views(text);
    const complaint = views.some((v) => v.spans(cue.patient_complaint).length > 0);
    return views.map((view, si) => {
      const context = new SentenceContext(this.c, view, views[si + 1], [], complaint);
      const first = view.tokens[0] ?? '';
      const someone = context.someoneElseSubject();
      return {
        hypothetical: view.spans(cue.hypothetical).length > 0,
        asksAbout: context.asksAbout,
        indirect: context.indirect,
        isQuestion: context.isQuestion,
        firstPerson: context.firstPerson,
        someoneElse: someone
          ? {
              who: view.tokens.slice(someone.start, someone.end).join(' '),
              patient: context.isPatient(someone),
              relative: view.spans(cue.blood_relatives).some((r) => overlaps(r, someone)),
              animal: view.spans(cue.animals).some((r) => overlaps(r, someone)),
            }
          : null,
        generalPeople: view.spans(cue.generic_people).length > 0,
        familyHistory: view.spans(cue.family_history).length > 0,
        past: view.spans(cue.past).length > 0,
        resolved: view.spans(cue.resolved).some((r) => view.segKind.some((k, seg) => k === 'contrast' && view.segStart[seg]! <= r.start)),
        onlyResolved: view.tokens.length <= SELF_DENIAL_MAX_WORDS && view.spans(cue.resolved).length > 0 && view.spans(cue.negation).length === 0,
        patientComplaint: complaint,
        leadingDenial:
          view.spans(cue.negation).some((n) => n.start === 0 || (n.start <= 2 && view.spans(cue.first_person).some((f) => f.end <= n.start))) &&
          !view.segKind.includes('contrast') &&
          !view.spans(cue.pseudo_negation).some((p) => p.start === 0),
        hedged: first !== '' && view.spans(cue.hedge).length > 0,
      };
    });
  }

  private run(
    text: string,
    report: (id: RedFlagId, status: Status, where: string, matched: string, reason: string) => void,
  ): void {
    const c = this.c;
    const views = this.views(text);
    // The person cared for has back trouble somewhere in the message: their history counts.
    const complaint = views.some((v) => v.spans(c.cues.patient_complaint).length > 0);
    views.forEach((view, si) => {
      const found: Occurrence[] = [];
      for (const rule of c.regexRules) this.occurrences(rule, view, found);
      for (const part of view.hitParts) {
        const rules = c.rulesByFirstPart.get(part);
        if (rules) for (const rule of rules) this.occurrences(rule, view, found);
      }
      // Same order as the file, whatever order the parts were hit in.
      found.sort((a, b) => a.rule.order - b.rule.order);
      const context = new SentenceContext(c, view, views[si + 1], found, complaint);
      // A topic fallback only stands in for a red flag none of whose patterns matched here
      // (matched and negated stays negated), and only in a first-person report.
      const specific = new Set(found.filter((o) => !o.rule.fallback).map((o) => o.rule.id));
      const judged = found
        .filter((occ) => !occ.rule.fallback || !specific.has(occ.rule.id))
        .map((occ) => {
          const verdict = context.judge(occ);
          if (!occ.rule.fallback || verdict[0] === 'negated' || verdict[0] === 'question') return { occ, verdict };
          if (!context.reportsForSelf) return { occ, verdict: ['negated', 'topic fallback: not a first-person report'] as [Status, string] };
          if (verdict[1].startsWith('about someone') || verdict[1].startsWith('family')) return { occ, verdict: ['negated', `topic fallback: ${verdict[1]}`] as [Status, string] };
          return { occ, verdict: ['possible', `topic fallback (${verdict[1]})`] as [Status, string] };
        });
      for (const { occ, verdict } of judged) {
        let [status, reason] = verdict;
        // "my legs are weak" reports both legs; the same words do not also make a second,
        // unsure red flag (a weak leg) that would only add a needless question. The words
        // may be shared out over several sure hits ("had an accident, pooed myself").
        if (status === 'possible') {
          const by = new Set<RedFlagId>();
          const covered = occ.spans.every((s) => {
            const other = judged.find(
              (o) => o.verdict[0] === 'flag' && o.occ.rule.id !== occ.rule.id && o.occ.spans.some((x) => x.start <= s.start && s.end <= x.end),
            );
            if (other) by.add(other.occ.rule.id);
            return other !== undefined;
          });
          if (covered) [status, reason] = ['explained', `its words already report ${[...by].join(', ')}`];
        }
        report(occ.rule.id, status, occ.rule.where, view.tokens.slice(occ.start, occ.end).join(' '), reason);
      }
      // A named topic ("cauda equina", "bladder control") only ever makes a question.
      if (context.asksAboutTopics) {
        for (const topic of c.topics) {
          const span = view.spans(topic.part)[0];
          if (span) report(topic.id, 'question', 'topics', view.tokens.slice(span.start, span.end).join(' '), 'topic asked about');
        }
      }
    });
  }

  /** Appends the rule's hits in this sentence to `out`. */
  private occurrences(rule: Rule, view: SentenceView, out: Occurrence[]): void {
    const found: Occurrence[] = [];
    if (rule.kind === 'regex') {
      const { text, starts } = view.text();
      for (const m of text.matchAll(rule.regex!)) {
        const from = m.index;
        const to = from + m[0].length;
        let start = starts.findIndex((s, i) => s <= from && from < s + view.tokens[i]!.length + 1);
        if (start < 0) start = 0;
        let end = start + 1;
        while (end < starts.length && starts[end]! < to) end++;
        found.push({ rule, spans: [{ start, end }], start, end, certainty: rule.certainty });
      }
    } else {
      const lists = rule.parts.map((p) => view.spans(p));
      if (lists.some((l) => l.length === 0)) return;
      if (rule.kind === 'any') {
        for (const s of lists[0]!) found.push({ rule, spans: [s], start: s.start, end: s.end, certainty: rule.certainty });
      } else {
        combine(lists, rule.ordered, rule.within, [], (spans) => {
          const start = Math.min(...spans.map((s) => s.start));
          const end = Math.max(...spans.map((s) => s.end));
          found.push({ rule, spans: [...spans], start, end, certainty: rule.certainty });
        });
      }
    }
    for (const occ of found) if (this.keep(rule, view, occ)) out.push(occ);
  }

  /** Applies unless / not_between / possible_if to one hit. */
  private keep(rule: Rule, view: SentenceView, occ: Occurrence): boolean {
    const near = { start: occ.start - rule.near, end: occ.end + rule.near };
    // An excuse that is itself denied excuses nothing: "lost weight, not on purpose",
    // "I haven't been dieting", "it's not a bladder infection".
    const denied = (s: Span) =>
      view.spans(this.c.cues.negation).some((n) => n.end <= s.start && n.end >= s.start - DENIED_EXCUSE_GAP && !occ.spans.some((o) => overlaps(o, n)));
    const applies = (s: Span) => overlaps(s, near) && !denied(s);
    if (rule.unless !== undefined && view.spans(rule.unless).some(applies)) return false;
    if (rule.notBetween !== undefined && occ.spans.length > 1) {
      const sorted = [...occ.spans].sort((a, b) => a.start - b.start);
      for (let k = 1; k < sorted.length; k++) {
        const gap = { start: sorted[k - 1]!.end, end: sorted[k]!.start };
        if (gap.end > gap.start && view.spans(rule.notBetween).some((s) => s.start >= gap.start && s.end <= gap.end)) return false;
      }
    }
    if (rule.possibleIf !== undefined && view.spans(rule.possibleIf).some(applies)) occ.certainty = 'possible';
    return true;
  }
}

/**
 * Every choice of one span per list that fits the window (and order), without overlaps.
 * Spans of a list are sorted by start, so only those near the spans chosen so far are
 * visited: a long pasted message stays linear, not quadratic.
 */
function combine(lists: readonly (readonly Span[])[], ordered: boolean, within: number, chosen: Span[], emit: (spans: Span[]) => void): void {
  const k = chosen.length;
  if (k === lists.length) {
    emit(chosen);
    return;
  }
  const list = lists[k]!;
  let from = 0;
  let lastStart = Number.POSITIVE_INFINITY;
  if (k > 0) {
    const start = Math.min(...chosen.map((s) => s.start));
    const end = Math.max(...chosen.map((s) => s.end));
    from = firstStartingAtOrAfter(list, end - within);
    lastStart = start + within;
  }
  for (let i = from; i < list.length && list[i]!.start <= lastStart; i++) {
    const span = list[i]!;
    if (chosen.some((s) => overlaps(s, span))) continue;
    if (ordered && k > 0 && span.start < chosen[k - 1]!.end) continue;
    const start = Math.min(span.start, ...chosen.map((s) => s.start));
    const end = Math.max(span.end, ...chosen.map((s) => s.end));
    if (end - start > within) continue;
    chosen.push(span);
    combine(lists, ordered, within, chosen, emit);
    chosen.pop();
  }
}

/** Index of the first span (sorted by start) whose start is >= `start`. */
function firstStartingAtOrAfter(spans: readonly Span[], start: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cue positions of one sentence, computed once, used to judge each hit in it. */
class SentenceContext {
  private readonly negation: Span[];
  private readonly hedges: Span[];
  readonly asksAbout: boolean;
  /** Asked about, or a bare question ("cauda equina?") that the next sentence does not answer. */
  readonly asksAboutTopics: boolean;
  readonly indirect: boolean;
  isQuestion: boolean;
  readonly firstPerson: boolean;
  private readonly answeredNo: boolean;
  private readonly answeredUnsure: boolean;
  /** First person, and not a hypothetical: may carry a topic fallback. */
  readonly reportsForSelf: boolean;

  constructor(
    private readonly c: Compiled,
    private readonly view: SentenceView,
    private readonly next: SentenceView | undefined,
    private readonly found: readonly Occurrence[],
    /** The message says the person cared for has back trouble now (cues.patient_complaint). */
    private readonly patientComplaint = false,
  ) {
    const symptomSpans = found.flatMap((occ) => occ.spans);
    const cue = c.cues;
    const pseudo = view.spans(cue.pseudo_negation);
    // A longer pseudo-negation ("not sure why") cancels the hedge inside it ("not sure").
    this.hedges = view.spans(cue.hedge).filter((h) => !pseudo.some((p) => p.start <= h.start && h.end <= p.end && p.end - p.start > h.end - h.start));
    // A negation word that is part of a matched symptom phrase ("it never goes away",
    // "no feeling down there") belongs to that phrase and negates nothing else.
    const inSymptom = (n: Span) => symptomSpans.some((s) => s.start <= n.start && n.end <= s.end);
    this.negation = view
      .spans(cue.negation)
      .filter((n) => !pseudo.some((p) => overlaps(p, n)) && !this.hedges.some((h) => overlaps(h, n)) && !inSymptom(n));

    const tokens = view.tokens;
    this.isQuestion = view.endsWithQuestionMark || c.questionWords.has(tokens[0]!);
    const requests = view.spans(cue.asking_about_requests);
    const about = view.spans(cue.asking_about);
    const indirect = view.spans(cue.indirect);
    this.indirect = indirect.length > 0;
    this.asksAbout = requests.length > 0 || this.indirect || (this.isQuestion && about.length > 0);
    // "I", "my"... outside the cue phrases themselves ("what should I do if" has its own "I")
    // and outside "my mum", "my wife"...
    const masks = [...requests, ...about, ...indirect, ...view.spans(cue.third_party)];
    this.firstPerson = view.spans(cue.first_person).some((s) => !masks.some((m) => overlaps(m, s)));

    // "Fever? No." / "Numbness down below? Not sure."
    let answeredNo = false;
    let answeredUnsure = false;
    if (next && view.endsWithQuestionMark) {
      const answerParts = [cue.post_negation, cue.negation, cue.hedge, cue.affirmation];
      if (coveredBy(next, answerParts)) {
        answeredUnsure = next.spans(cue.hedge).length > 0;
        answeredNo = !answeredUnsure && next.spans(cue.affirmation).length === 0;
        if (next.spans(cue.affirmation).length > 0 && !answeredUnsure) this.isQuestion = false;
      }
    }
    this.answeredNo = answeredNo;
    this.answeredUnsure = answeredUnsure;
    this.asksAboutTopics = this.asksAbout || (this.isQuestion && !this.firstPerson && !answeredNo && !answeredUnsure);
    // ("the pain is all the time at night" has no "I" or "my" but is still the speaker's.)
    this.reportsForSelf =
      view.spans(cue.hypothetical).length === 0 && !(this.asksAbout && this.indirect) && (this.firstPerson || (!this.isQuestion && !this.asksAbout));
  }

  /**
   * Someone else's red flag (policy): a risk factor or history raises nothing; an acute
   * sign raises `possible` only when the message is about that person now, not when it is
   * clearly in the past or the message moves on to a general question.
   */
  private someoneElses(occ: Occurrence, clauseStart: number, clauseEnd: number, segLast: number, why: string, who?: Span): [Status, string] {
    const { view } = this;
    const cue = this.c.cues;
    // A carer writing about the person they look after ("my wife can't feel...", "dad's
    // legs are both numb"): that person is the patient, so it is a report, not a story.
    if (who !== undefined && view.spans(cue.animals).some((a) => overlaps(a, who))) return ['negated', `an animal's (${why})`];
    const patient = who !== undefined && this.isPatient(who);
    const past = view.spans(cue.past).some((p) => p.start >= clauseStart && p.end <= clauseEnd);
    if (this.c.historyOnly.has(occ.rule.id)) {
      // "my dad had cancer, now his back...": the parent with the back trouble is the patient.
      if (patient && this.patientComplaint && !this.generalQuestionAfter(segLast)) {
        return occ.certainty === 'possible' ? ['possible', `pattern only suggests it; the patient's history (${why})`] : ['flag', `the patient's own history, told by a carer (${why})`];
      }
      return ['negated', `someone else's history, not the user's (${why})`];
    }
    if (past) return ['negated', `someone else's, in the past (${why})`];
    if (this.generalQuestionAfter(segLast)) return ['negated', `someone else's, then a general question (${why})`];
    if (patient) return occ.certainty === 'possible' ? ['possible', `pattern only suggests it; a carer's report (${why})`] : ['flag', `a carer's report about the patient (${why})`];
    return occ.certainty === 'possible' ? ['possible', `pattern only suggests it; ${why}`] : ['possible', why];
  }

  /** Is this someone-else span a person the user may be caring for (cues.patient_others)? */
  isPatient(who: Span): boolean {
    return this.view.spans(this.c.cues.patient_others).some((p) => overlaps(p, who));
  }

  /** The first someone-else whose clause has no I/me/my of the speaker ("my gran had cancer, how do I..."). */
  someoneElseSubject(): Span | undefined {
    const cue = this.c.cues;
    const { view } = this;
    const others = view.spans(cue.third_party);
    const speaker = view.spans(cue.first_person).filter((f) => !others.some((o) => o.start <= f.start && f.end <= o.end));
    return others.find((t) => {
      const seg = view.segOf[t.start]!;
      return !speaker.some((f) => f.start >= view.segStart[seg]! && f.end <= view.segEnd[seg]!);
    });
  }

  /** A later clause of the sentence, or the next sentence, asks a general question ("what is a slipped disc?"). */
  private generalQuestionAfter(seg: number): boolean {
    const cue = this.c.cues;
    const { view } = this;
    const general = (v: SentenceView, from: number, to: number) =>
      v.spans(cue.general_question).some((g) => g.start >= from && g.end <= to) &&
      !v.spans(cue.third_party).some((t) => t.start >= from && t.end <= to);
    for (let s = seg; s < view.segStart.length; s++) {
      if (general(view, view.segStart[s]!, view.segEnd[s]!)) return true;
    }
    const next = this.next;
    return next !== undefined && general(next, 0, next.tokens.length);
  }

  judge(occ: Occurrence): [Status, string] {
    const { c, view } = this;
    const cue = c.cues;
    const inOcc = (s: Span) => occ.spans.some((o) => overlaps(o, s));
    const seg0 = view.segOf[occ.start]!;
    const segLast = view.segOf[occ.end - 1]!;
    const clauseStart = view.segStart[seg0]!;
    const clauseEnd = view.segEnd[segLast]!;

    // Hedged: a hedge in the hit's clauses, in an earlier clause it continues, or in a
    // neighbouring clause made only of hedge words ("numb down below, i think").
    const hedgeIn = (from: number, to: number) => this.hedges.some((h) => h.start >= from && h.end <= to && !inOcc(h));
    let hedged = this.answeredUnsure || hedgeIn(clauseStart, clauseEnd);
    for (const seg of [seg0 - 1, segLast + 1]) {
      if (seg >= 0 && seg < view.segStart.length && view.segKind[Math.max(seg, seg0)] !== 'contrast' && this.onlyHedge(seg)) hedged = true;
    }

    // Negated inside its clause: a negation word after the last subject ("i", "it") before
    // the hit and not more than NEGATION_REACH words back, or between the hit's parts.
    const subjects = view.spans(cue.subject_pronouns).filter((s) => s.start >= clauseStart && s.end <= occ.start);
    const scopeStart = Math.max(clauseStart, occ.start - NEGATION_REACH, ...subjects.map((s) => s.end));
    const negWord = this.negation.find((n) => n.start >= scopeStart && n.end <= occ.end && !inOcc(n));
    let negated = negWord !== undefined;
    let why = negWord ? `negated by "${view.tokens.slice(negWord.start, negWord.end).join(' ')}"` : '';
    // ... or denied just after it, at the end of its clause ("numbness down below: none").
    if (!negated) {
      const post = view.spans(cue.post_negation).find((p) => p.start >= occ.end && p.start <= occ.end + NEAR && p.end === clauseEnd && !inOcc(p));
      const nextSeg = segLast + 1 < view.segStart.length && view.segKind[segLast + 1] !== 'contrast' ? segLast + 1 : -1;
      if (post || (nextSeg >= 0 && this.onlyParts(nextSeg, [cue.post_negation, cue.negation]))) {
        negated = true;
        why = 'denied after it';
      }
    }
    // ... or said to be fine straight after it, ending its clause ("both my legs are fine",
    // "my right leg is totally fine"), unless the hit itself holds a negation ("my bladder
    // is not working normal").
    if (!negated) {
      const fine = view.spans(cue.post_normal).find((p) => p.start === occ.end && p.end === clauseEnd);
      if (fine && !view.spans(cue.negation).some((n) => n.start >= occ.start && n.end <= occ.end)) {
        negated = true;
        why = `said to be fine ("${view.tokens.slice(fine.start, fine.end).join(' ')}")`;
      }
    }
    if (!negated && this.answeredNo) {
      negated = true;
      why = 'answered no';
    }

    // Negation carried over "and", "or" or a comma into a clause with no subject or verb
    // of its own: "no bladder or bowel problems" (sure), "no fever, numb bum" (unsure).
    // A clause after "or" with a verb but no subject of its own shares the subject and the
    // negation before it: "never fallen or had an accident", "not on steroids or had chemo".
    let carried: 'sure' | 'unsure' | null = null;
    if (!negated && !this.isFreshAfter(seg0)) {
      let seg = seg0;
      for (let step = 0; step < CARRY_CLAUSES && seg > 0 && view.segKind[seg] !== 'contrast' && view.segKind[seg] !== 'start'; step++) {
        const prev = seg - 1;
        const from = view.segStart[prev]!;
        const to = view.segEnd[prev]!;
        if (this.negation.some((n) => n.start >= from && n.end <= to)) {
          carried = this.listIsDisjunctive(prev, seg0) ? 'sure' : 'unsure';
          break;
        }
        if (hedgeIn(from, to)) {
          hedged = true;
          break;
        }
        if (this.isFreshAfter(prev)) break;
        seg = prev;
      }
    }
    if (carried === 'sure') {
      negated = true;
      why = 'negation carried over "or"';
    }

    // Over by now, said in a later clause: "had a temperature last week but it's gone".
    if (!negated && c.resolvable.has(occ.rule.id) && this.resolvedAfter(segLast)) {
      negated = true;
      why = 'said to be over';
    }
    if (negated) return hedged ? ['possible', `${why}, but hedged`] : ['negated', why];
    if (carried === 'unsure') return ['possible', 'negation may carry over "and" or a comma'];
    if (hedged) return ['possible', 'hedged'];

    // Someone else's, and denied for oneself after it: "my mum had cancer but I never have".
    // ... or said to be the speaker's too: "my dad had cancer and now I have it too".
    const deniedForSelf = (): [Status, string] | null => {
      if (this.selfDenialAfter(segLast, occ.rule.id)) return ['negated', "someone else's, denied for oneself"];
      if (this.selfTooAfter(segLast)) return occ.certainty === 'possible' ? ['possible', 'pattern only suggests it'] : ['flag', "someone else's, and the speaker's too"];
      return null;
    };
    // "should I worry if I ever get numbness in both legs?", "what do I do if my mum's legs
    // ever give way?": asks about the sign, whoever it would be about.
    const hypo = view.spans(cue.hypothetical).find((h) => h.end <= occ.start && !inOcc(h));
    if (hypo) return ['question', `hypothetical ("${view.tokens.slice(hypo.start, hypo.end).join(' ')}")`];
    const family = view.spans(cue.family_history).find((f) => f.start >= clauseStart && f.end <= clauseEnd);
    if (family) return deniedForSelf() ?? this.someoneElses(occ, clauseStart, clauseEnd, seg0 + 1, `family history ("${view.tokens.slice(family.start, family.end).join(' ')}")`, view.spans(cue.third_party).find((t) => t.start >= clauseStart && t.end <= clauseEnd));
    // Someone else's symptom: "my mum had breast cancer" (unless "I" or "my" follows the cue
    // in the clause: "she found a lump on my back").
    // Also earlier in the sentence when no I/me/my stands between ("my nan takes steroids and
    // has brittle bones").
    const firstSpans = view.spans(cue.first_person);
    const third =
      view.spans(cue.third_party).find((t) => t.start >= clauseStart && t.end <= occ.start) ??
      view.spans(cue.third_party).find(
        (t) => t.end <= clauseStart && !firstSpans.some((f) => f.start >= t.end && f.end <= occ.start && !view.spans(cue.third_party).some((o) => o.start <= f.start && f.end <= o.end)),
      );
    if (third) {
      const others = view.spans(cue.third_party);
      const mine = view.spans(cue.first_person).some(
        (f) => f.start >= third.end && f.end <= clauseEnd && !others.some((o) => o.start <= f.start && f.end <= o.end),
      );
      // "do people with sciatica lose bladder control?" asks about it in general.
      const generic = view.spans(cue.generic_people).some((g) => g.start <= third.start && third.end <= g.end);
      if (!mine && generic && this.asksAbout && !this.firstPerson) return ['question', 'asked about people in general'];
      if (!mine) return deniedForSelf() ?? this.someoneElses(occ, clauseStart, clauseEnd, seg0 + 1, `about someone else ("${view.tokens.slice(third.start, third.end).join(' ')}")`, third);
    }

    // Questions: asking what it is (no "I"/"my") vs. asking about one's own symptom.
    let status: Status = 'flag';
    let reason = 'reported';
    if (this.asksAbout) {
      if (!this.firstPerson) [status, reason] = ['question', 'asked about, no first person'];
      else if (this.indirect) [status, reason] = ['possible', 'hypothetical or second-hand, about oneself'];
      else reason = 'question that reports a symptom';
    } else if (this.isQuestion && !this.firstPerson) {
      [status, reason] = ['possible', 'bare question, no first person'];
    } else if (this.isQuestion) {
      reason = 'question that reports a symptom';
    }
    if (status === 'flag' && occ.certainty === 'possible') return ['possible', 'pattern only suggests it'];
    return [status, reason];
  }

  /**
   * Does a negation before this clause stop short of it? After "or" only a subject of its
   * own stops it ("no fever or had chills" carries, "no fever or i get chills" does not);
   * after "and" or a comma a verb does too.
   */
  private isFreshAfter(seg: number): boolean {
    if (this.view.segKind[seg] !== 'or') return this.isFresh(seg);
    const from = this.view.segStart[seg]! + 1;
    const to = this.view.segEnd[seg]!;
    const cue = this.c.cues;
    return [cue.subject_pronouns, cue.first_person].some((p) => this.view.spans(p).some((s) => s.start >= from && s.end <= to));
  }

  /**
   * A later clause of the sentence, or the whole next sentence, that only denies it for the
   * speaker: "but I never have", "not me though", "my bones are fine", and in the same
   * sentence also with the red flag's own words: "I haven't fallen". A clause with other
   * words ("and I'm not coping") denies nothing: the caregiver's report stands.
   */
  private selfDenialAfter(seg: number, id: RedFlagId): boolean {
    const cue = this.c.cues;
    const parts = [cue.negation, cue.post_negation, cue.post_normal, cue.first_person, cue.subject_pronouns, cue.self_denial_filler];
    const denies = (view: SentenceView, from: number, to: number) =>
      [cue.negation, cue.post_normal].some((p) => view.spans(p).some((n) => n.start >= from && n.end <= to)) &&
      view.spans(cue.first_person).some((f) => f.start >= from && f.end <= to) &&
      !view.spans(cue.hedge).some((h) => h.start >= from && h.end <= to);
    const own = this.found.filter((o) => o.rule.id === id).flatMap((o) => o.spans);
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      if (to - from <= SELF_DENIAL_MAX_WORDS && this.onlyParts(s, parts, own) && denies(this.view, from, to)) return true;
    }
    const next = this.next;
    return next !== undefined && coveredBy(next, parts) && denies(next, 0, next.tokens.length);
  }

  /** A later short clause that says the speaker has it too: "and now I have it too", "me too". */
  private selfTooAfter(seg: number): boolean {
    const cue = this.c.cues;
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      const inside = (x: Span) => x.start >= from && x.end <= to;
      if (
        to - from <= SELF_DENIAL_MAX_WORDS &&
        this.view.spans(cue.first_person).some(inside) &&
        this.view.spans(cue.self_too).some(inside) &&
        !this.negation.some(inside) &&
        !this.hedges.some(inside)
      ) {
        return true;
      }
    }
    return false;
  }

  /** A later clause, or the next sentence, that only says it is over: "but it's all gone now". */
  private resolvedAfter(seg: number): boolean {
    const cue = this.c.cues;
    const parts = [cue.resolved, cue.post_normal, cue.first_person, cue.subject_pronouns, cue.self_denial_filler];
    for (let s = seg + 1; s < this.view.segStart.length; s++) {
      const from = this.view.segStart[s]!;
      const to = this.view.segEnd[s]!;
      if (this.onlyParts(s, parts) && this.view.spans(cue.resolved).some((r) => r.start >= from && r.end <= to)) return true;
    }
    const next = this.next;
    return next !== undefined && coveredBy(next, parts) && next.spans(cue.resolved).length > 0;
  }

  /** A clause with its own subject or verb ("and my legs are numb") starts afresh. */
  private isFresh(seg: number): boolean {
    const from = this.view.segStart[seg]! + (this.view.segKind[seg] === 'and' || this.view.segKind[seg] === 'or' ? 1 : 0);
    const to = this.view.segEnd[seg]!;
    return this.view.spans(this.c.cues.clause_starters).some((s) => s.start >= from && s.end <= to);
  }

  /** Does the list that joins clause `from` to clause `to` (and on while it continues) use "or"? */
  private listIsDisjunctive(from: number, to: number): boolean {
    const kinds: SegmentKind[] = [];
    for (let s = from + 1; s <= to; s++) kinds.push(this.view.segKind[s]!);
    for (let s = to + 1; s < this.view.segStart.length && !this.isFresh(s); s++) {
      const kind = this.view.segKind[s]!;
      if (kind === 'contrast') break;
      kinds.push(kind);
    }
    return kinds.includes('or') && !kinds.includes('and');
  }

  private onlyHedge(seg: number): boolean {
    return this.onlyParts(seg, [this.c.cues.hedge, this.c.cues.subject_pronouns, this.c.cues.first_person]) &&
      this.hedges.some((h) => h.start >= this.view.segStart[seg]! && h.end <= this.view.segEnd[seg]!);
  }

  /** Every word of the clause (after its boundary word) belongs to one of these parts. */
  private onlyParts(seg: number, parts: number[], alsoSpans: readonly Span[] = []): boolean {
    const { view } = this;
    const skip = view.segKind[seg] === 'and' || view.segKind[seg] === 'or' || view.segKind[seg] === 'contrast' ? 1 : 0;
    const from = view.segStart[seg]! + skip;
    const to = view.segEnd[seg]!;
    if (from >= to) return false;
    const covers = (s: Span, i: number) => s.start <= i && i < s.end && s.start >= from && s.end <= to;
    for (let i = from; i < to; i++) {
      if (!parts.some((p) => view.spans(p).some((s) => covers(s, i))) && !alsoSpans.some((s) => covers(s, i))) return false;
    }
    return true;
  }
}

function coveredBy(view: SentenceView, parts: number[]): boolean {
  for (let i = 0; i < view.tokens.length; i++) {
    if (!parts.some((p) => view.spans(p).some((s) => s.start <= i && i < s.end))) return false;
  }
  return view.tokens.length > 0;
}

/** A detector over loaded patterns. Build once; detect() is pure and fast. */
export function createRedFlagDetector(patterns: RedFlagPatterns): RedFlagDetector {
  return new Detector(patterns);
}
