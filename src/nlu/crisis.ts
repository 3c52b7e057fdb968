// The crisis detector: suicidal thoughts, self-harm, overdose and poisoning. The phrases are
// data (knowledge/crisis.yaml, reviewable by a clinician); this is the small engine that reads
// them. It runs on every message before the red-flag detector (see src/bot/decide.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { escapeRegExp, unionOf } from '../text/regex.js';
import { requiredLiterals } from '../text/requiredLiterals.js';
import { sha256 } from '../util/hash.js';

export const CRISIS_KINDS = ['suicide', 'self_harm', 'overdose'] as const;
export type CrisisKind = (typeof CRISIS_KINDS)[number];

const DETECTION_ORDER: readonly CrisisKind[] = ['overdose', 'suicide', 'self_harm'];

export interface CrisisDetection {
  crisis: boolean;
  kind?: CrisisKind;
  /** Set when another language's patterns found it (knowledge/crisis.<language>.yaml): the reply can be in it. */
  language?: string;
}

/** Another language's crisis patterns (knowledge/crisis.<language>.yaml, the same schema). */
export interface CrisisLanguage {
  language: string;
  patterns: CrisisPatterns;
}

const expression = z.string().min(1);
/**
 * A statement split over two clauses or sentences of one message: `first` in one clause and
 * `then` in the same clause or one of the next `within` clauses ("took extra tylenol for my
 * back... had like 10 today"). Each part is read in its own clause: negations and `unless`
 * there drop it, as for a pattern. `with`, when given, must also appear somewhere in that stretch
 * ("took my tramadol, then again an hour later... can barely keep my eyes open").
 */
const pairSchema = z.strictObject({
  first: expression,
  then: expression,
  with: expression.optional(),
  within: z.number().int().min(1).max(4).default(2),
  note: z.string().optional(),
});
const kindSchema = z.strictObject({
  patterns: z.array(expression).min(1),
  /**
   * The act intended, prepared or asked about but not carried out ("I've been saving my tablets
   * up", "thinking about taking them all"): reported as `suicide` (the suicidal-thoughts reply),
   * since nothing has been taken. A `patterns` match that lies inside a planned match is not a
   * report of the act ("want to overdose" is no overdose taken); one outside it still is ("saved
   * them up and took them all last night" is an overdose). `unless` and negations apply as for
   * `patterns`.
   */
  planned: z.array(expression).optional(),
  unless: z.array(expression).optional(),
  across_clauses: z.array(pairSchema).optional(),
});
const crisisFileSchema = z.strictObject({
  version: z.literal(1),
  rewrite: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
  /**
   * Words typed joined to the one before, with no space ("killmyself", "endmylife"): a word that
   * ends in one of these keys (and has more letters before it) is split, the key written as its value.
   */
  unjoin: z.record(z.string().regex(/^[a-z]+$/), z.string().min(1)).optional(),
  /** Named word lists, written `@name` inside an expression. */
  groups: z.record(z.string().regex(/^[a-z_]+$/), z.array(z.string().min(1)).min(1)).optional(),
  idioms: z.array(expression).default([]),
  /** A learned crisis hit counts only in a message with one of these (after rewrites and idioms). */
  learned_needs: z.array(expression).default([]),
  /** ... unless the learned probability is at least this. */
  learned_alone_at: z.number().min(0).max(1).default(1),
  /**
   * A message that talks about a dose (a question about how many or whether to take a medicine,
   * or someone's advice to take it) is an ordinary medicine question: a learned crisis hit in it
   * does not count, however sure, unless one of `except` (a sign of harm) is in it too. The
   * patterns still read it (a real overdose told as a question is theirs to catch).
   */
  dose_talk: z.strictObject({ frames: z.array(expression).min(1), except: z.array(expression).default([]) }).optional(),
  /**
   * A message that says all is well now ("took his painkillers... feels better now") or uses a
   * crisis word in an ordinary sense: a learned crisis hit in it does not count, unless one of
   * `dose_talk.except` (a sign of harm) is in it too. The patterns still read it.
   */
  learned_not_when: z.array(expression).default([]),
  negations: expression,
  /**
   * A clause that tells of long ago ("as a teenager", "years ago") holds history, not a crisis
   * now: its hits are dropped, unless the clause also has a `still` word ("again", "now").
   */
  history: z.strictObject({ markers: z.array(expression).min(1), still: z.array(expression).default([]) }).optional(),
  kinds: z.strictObject({ suicide: kindSchema, self_harm: kindSchema, overdose: kindSchema }),
});

interface CompiledPair {
  first: RegExp;
  then: RegExp;
  with?: RegExp;
  within: number;
}

interface CompiledKind {
  kind: CrisisKind;
  patterns: RegExp[];
  planned: RegExp[];
  unless: RegExp[];
  pairs: CompiledPair[];
}

export interface CrisisPatterns {
  readonly file: string;
  /** sha256 of the file's text: what the learned crisis gate's reading depends on (crisisModel.ts). */
  readonly hash: string;
  readonly rewrites: { from: RegExp; to: string }[];
  readonly unjoin?: RegExp;
  readonly unjoined: Readonly<Record<string, string>>;
  readonly learnedNotWhen: RegExp[];
  readonly idioms: RegExp[];
  readonly learnedNeeds: RegExp[];
  readonly learnedAloneAt: number;
  readonly doseTalk: { frames: RegExp[]; except: RegExp[] };
  readonly negationBefore: RegExp;
  readonly history: { markers: RegExp[]; still: RegExp[] };
  readonly kinds: CompiledKind[];
}

export class CrisisPatternError extends Error {}

/** Whole words only: an expression never matches inside a longer word. */
function wordRegex(source: string, where: string, flags = 'g'): RegExp {
  try {
    return new RegExp(`(?<![a-z0-9])(?:${source})(?![a-z0-9])`, flags);
  } catch (error) {
    throw new CrisisPatternError(`${where}: ${(error as Error).message}`);
  }
}

export function parseCrisisPatterns(yamlText: string, file = '<crisis>'): CrisisPatterns {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new CrisisPatternError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = crisisFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CrisisPatternError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const data = parsed.data;
  const groups = data.groups ?? {};
  const expand = (source: string, where: string): string =>
    source.replace(/@([a-z_]+)/g, (_, name: string) => {
      const terms = groups[name];
      if (!terms) throw new CrisisPatternError(`${where}: unknown group @${name}`);
      return `(?:${terms.map((t) => escapeRegExp(normaliseCrisisText(t))).join('|')})`;
    });
  const compile = (source: string, where: string, flags?: string) => wordRegex(expand(source, where), where, flags);
  const rewrites = Object.entries(data.rewrite ?? {}).flatMap(([to, variants]) =>
    variants.map((variant) => ({ from: wordRegex(escapeRegExp(normaliseCrisisText(variant)), `${file}: rewrite.${to}`), to })),
  );
  const idioms = data.idioms.map((idiom, i) => compile(idiom, `${file}: idioms[${i}]`));
  const unjoined = data.unjoin ?? {};
  const unjoinKeys = Object.keys(unjoined);
  const unjoin = unjoinKeys.length > 0 ? new RegExp(`(?<![a-z0-9])([a-z]{2,}?)(${unjoinKeys.join('|')})(?![a-z0-9])`, 'g') : undefined;
  const learnedNotWhen = data.learned_not_when.map((m, i) => compile(m, `${file}: learned_not_when[${i}]`, ''));
  // The negation must end right before the hit (at most a space between).
  const negationBefore = compile(data.negations, `${file}: negations`, '');
  const negationAtEnd = new RegExp(`(?:^|[^a-z0-9])(?:${negationBefore.source})\\s*$`);
  const kinds = CRISIS_KINDS.map((kind) => ({
    kind,
    patterns: data.kinds[kind].patterns.map((p, i) => compile(p, `${file}: kinds.${kind}.patterns[${i}]`)),
    planned: (data.kinds[kind].planned ?? []).map((p, i) => compile(p, `${file}: kinds.${kind}.planned[${i}]`)),
    unless: (data.kinds[kind].unless ?? []).map((p, i) => compile(p, `${file}: kinds.${kind}.unless[${i}]`)),
    pairs: (data.kinds[kind].across_clauses ?? []).map((pair, i) => ({
      first: compile(pair.first, `${file}: kinds.${kind}.across_clauses[${i}].first`),
      then: compile(pair.then, `${file}: kinds.${kind}.across_clauses[${i}].then`),
      ...(pair.with ? { with: compile(pair.with, `${file}: kinds.${kind}.across_clauses[${i}].with`) } : {}),
      within: pair.within,
    })),
  }));
  const learnedNeeds = data.learned_needs.map((need, i) => compile(need, `${file}: learned_needs[${i}]`));
  const history = {
    markers: (data.history?.markers ?? []).map((m, i) => compile(m, `${file}: history.markers[${i}]`, '')),
    still: (data.history?.still ?? []).map((m, i) => compile(m, `${file}: history.still[${i}]`, '')),
  };
  const doseTalk = {
    frames: (data.dose_talk?.frames ?? []).map((m, i) => compile(m, `${file}: dose_talk.frames[${i}]`, '')),
    except: (data.dose_talk?.except ?? []).map((m, i) => compile(m, `${file}: dose_talk.except[${i}]`, '')),
  };
  return {
    file,
    hash: sha256(yamlText),
    rewrites,
    ...(unjoin ? { unjoin } : {}),
    unjoined,
    learnedNotWhen,
    idioms,
    learnedNeeds,
    learnedAloneAt: data.learned_alone_at,
    doseTalk,
    negationBefore: negationAtEnd,
    history,
    kinds,
  };
}

/**
 * Every other language's crisis patterns in `dir` (crisis.es.yaml...). English is crisis.yaml
 * itself; these are read after it, and a hit in one tells its language.
 */
export function loadCrisisLanguages(dir: string): CrisisLanguage[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => /^crisis\.([a-z]{2,3})\.yaml$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => a[1]!.localeCompare(b[1]!))
    .map((m) => ({ language: m[1]!, patterns: loadCrisisPatterns(join(dir, m[0])) }));
}

export function loadCrisisPatterns(path: string): CrisisPatterns {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CrisisPatternError(`${path}: ${(error as Error).message}`);
  }
  return parseCrisisPatterns(text, path);
}

/** Lower case, no apostrophes, letters and digits only, single spaces. */
export function normaliseCrisisText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’'`]/g, '')
    .replace(/[^a-z0-9.!?;,]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Clauses end at . ! ? ; , and "but": a negation or a question frame never reaches past them. */
function clausesOf(text: string): string[] {
  return text
    .split(/[.!?;,]+|(?<![a-z0-9])but(?![a-z0-9])/)
    .map((clause) => clause.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

export interface CrisisDetector {
  detect(text: string): CrisisDetection;
  /**
   * Does the message use any of the words a crisis is talked about in (`learned_needs`)? The
   * learned crisis classifier's hit counts only then: on its own it also fires on long carers'
   * messages with none of them ("on her own since her husband passed...").
   */
  mentionsCrisisWords(text: string): boolean;
  /** A learned crisis probability at or above this counts without a crisis word. */
  readonly learnedAloneAt: number;
  /**
   * Does a learned crisis hit of probability `p` count in this message? At `learnedAloneAt` or
   * with a crisis word, and never in talk about a dose with no sign of harm (`dose_talk`).
   */
  learnedCounts(text: string, p: number): boolean;
  /**
   * The message as the patterns read it, for the learned gate: normalised, joined words split,
   * `rewrite` applied and `idioms` blanked with a clause break ("this pain is killing me" reads
   * as ","), so an idiom the file knows never reaches the gate either.
   */
  readable(text: string): string;
}

/**
 * The crisis detector: English (`patterns`, with the learned classifier's gates) first, then each
 * other language's patterns; a hit there carries its language.
 */
export interface CrisisDetectorOptions {
  /**
   * Skip the patterns a message cannot match (none of their required literals in it) before
   * running them. Unset: only in a file of at least PRESCREEN_FROM patterns. False reads every
   * pattern, true screens any file: the tests compare the two.
   */
  prescreen?: boolean;
}

export function createCrisisDetector(patterns: CrisisPatterns, languages: readonly CrisisLanguage[] = [], options: CrisisDetectorOptions = {}): CrisisDetector {
  const english = createOneLanguageDetector(patterns, options.prescreen);
  const others = languages.map(({ language, patterns: own }) => ({ language, detector: createOneLanguageDetector(own, options.prescreen) }));
  if (others.length === 0) return english;
  return {
    ...english,
    detect(text) {
      const found = english.detect(text);
      if (found.crisis) return found;
      for (const { language, detector } of others) {
        const theirs = detector.detect(text);
        if (theirs.crisis) return { ...theirs, language };
      }
      return found;
    },
  };
}

/**
 * The kinds' patterns and pairs, each with the literals one of which every match of it contains
 * (src/text/requiredLiterals.ts; none known: always read). A message holding none of a
 * pattern's literals cannot match it, so skipping it there changes nothing that is found.
 *
 * A pattern matches whole words only, and inside a clause (letters, digits and single spaces)
 * a whole word has a space or the clause's end either side: so the literals are worked out for
 * the pattern with a space either side, and looked for in the clauses each padded with spaces.
 * The words a literal holds between two of its spaces are then whole words of the message: a
 * lookup in the message's set of words tells at once that most literals are not in it.
 */
interface Screened {
  /** Every distinct literal; `words[i]`: its whole words (none: looked for as text). */
  literals: string[];
  words: string[][];
  kinds: {
    compiled: CompiledKind;
    patterns: (number[] | undefined)[];
    planned: (number[] | undefined)[];
    pairs: { first?: number[]; then?: number[] }[];
  }[];
}

function screen(kinds: readonly CompiledKind[]): Screened {
  const literals: string[] = [];
  const words: string[][] = [];
  const index = new Map<string, number>();
  const indexesOf = (pattern: RegExp): number[] | undefined =>
    requiredLiterals(new RegExp(` ${pattern.source} `, pattern.flags))?.map((literal) => {
      let i = index.get(literal);
      if (i === undefined) {
        index.set(literal, (i = literals.push(literal) - 1));
        words.push(literal.split(' ').slice(1, -1).filter(Boolean));
      }
      return i;
    });
  return {
    literals,
    words,
    kinds: kinds.map((compiled) => ({
      compiled,
      patterns: compiled.patterns.map(indexesOf),
      planned: compiled.planned.map(indexesOf),
      pairs: compiled.pairs.map((pair) => {
        const first = indexesOf(pair.first);
        const then = indexesOf(pair.then);
        return { ...(first ? { first } : {}), ...(then ? { then } : {}) };
      }),
    })),
  };
}

/** A padded message with anything but letters, digits and spaces is read in full (see `Screened`). */
const NOT_PLAIN = /[^a-z0-9 \n]/;

/** The kind with only the patterns and pairs whose literals `has` finds (the rest cannot match). */
function narrowed(kind: Screened['kinds'][number], has: (i: number) => boolean): CompiledKind {
  const could = (indexes: number[] | undefined) => indexes === undefined || indexes.some(has);
  return {
    ...kind.compiled,
    patterns: kind.compiled.patterns.filter((_, k) => could(kind.patterns[k])),
    planned: kind.compiled.planned.filter((_, k) => could(kind.planned[k])),
    pairs: kind.compiled.pairs.filter((_, k) => could(kind.pairs[k]!.first) && could(kind.pairs[k]!.then)),
  };
}

/**
 * A short file reads faster without the pre-screen: crisis.es.yaml's 30 patterns took 12.5 us a
 * message read in full and 14.6 us screened; crisis.yaml's 412, 170 us and 108 us.
 */
const PRESCREEN_FROM = 100;

function createOneLanguageDetector(patterns: CrisisPatterns, prescreenOption: boolean | undefined): CrisisDetector {
  const patternCount = patterns.kinds.reduce((n, kind) => n + kind.patterns.length + kind.planned.length + kind.pairs.length, 0);
  const prescreen = prescreenOption ?? patternCount >= PRESCREEN_FROM;
  // Pre-screens (src/text/regex.ts): a text no rewrite (no idiom) can match skips the hundred-odd
  // replace calls (most messages). Not for the kinds' patterns: one union of those is slower
  // than the patterns one by one, each of which V8 scans for its own leading words.
  const anyRewrite = unionOf(patterns.rewrites.map((r) => r.from));
  const anyIdiom = unionOf(patterns.idioms);
  const readable = (text: string): string => {
    let normal = normaliseCrisisText(text);
    // Split before the rewrites, so "kilmyself" becomes "kil myself" and then "kill myself".
    if (patterns.unjoin) normal = normal.replace(patterns.unjoin, (_, before: string, key: string) => `${before} ${patterns.unjoined[key]}`);
    if (anyRewrite.test(normal)) for (const { from, to } of patterns.rewrites) normal = normal.replace(from, to);
    // Idioms are blanked with a clause break, so words either side never join up.
    if (anyIdiom.test(normal)) for (const idiom of patterns.idioms) normal = normal.replace(idiom, ' , ');
    return normal;
  };
  const prepare = (text: string): string[] => clausesOf(readable(text));
  /** Where the kind's `planned` expressions match in the clause, negated or not (start and end). */
  const plannedSpans = (clause: string, compiled: CompiledKind): [number, number][] => {
    const spans: [number, number][] = [];
    for (const planned of compiled.planned) {
      planned.lastIndex = 0;
      for (let match = planned.exec(clause); match; match = planned.exec(clause)) {
        spans.push([match.index, match.index + match[0].length]);
        if (match[0].length === 0) planned.lastIndex++;
      }
    }
    return spans;
  };
  /**
   * Does the expression match in the clause, not negated right before it nor excused by an
   * `unless` that comes first, nor lying inside one of `inside` (a planned act's words)?
   */
  const standsIn = (clause: string, pattern: RegExp, unlessList: readonly RegExp[], inside: readonly [number, number][] = []): boolean => {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(clause); match; match = pattern.exec(clause)) {
      const end = match.index + match[0].length;
      if (inside.some(([from, to]) => from <= match!.index && end <= to)) {
        if (match[0].length === 0) pattern.lastIndex++;
        continue;
      }
      const before = clause.slice(0, match.index);
      const negated = patterns.negationBefore.test(before);
      // A question frame or an exclusion that comes first in the clause ("can you overdose on ...").
      const excused = unlessList.some((unless) => {
        unless.lastIndex = 0;
        const found = unless.exec(clause);
        return found !== null && found.index <= match!.index;
      });
      if (!negated && !excused) return true;
      if (match[0].length === 0) pattern.lastIndex++;
    }
    return false;
  };
  const hitIn = (clause: string, compiled: CompiledKind): boolean => {
    const inside = compiled.planned.length > 0 ? plannedSpans(clause, compiled) : [];
    return compiled.patterns.some((pattern) => standsIn(clause, pattern, compiled.unless, inside));
  };
  const plannedIn = (clause: string, compiled: CompiledKind): boolean => compiled.planned.some((pattern) => standsIn(clause, pattern, compiled.unless));
  // A pair: the first part in clause i, the second in clause i..i+within. An `unless` in any
  // clause of the stretch (a question frame: "is it ok to take 10 a day") drops it.
  const pairIn = (clauses: readonly string[], historic: readonly boolean[], compiled: CompiledKind): boolean => {
    for (const pair of compiled.pairs) {
      for (let i = 0; i < clauses.length; i++) {
        // A pair may start in a clause of history ("an attempt years ago... the thoughts are back"): its second part must not.
        if (!standsIn(clauses[i]!, pair.first, compiled.unless)) continue;
        const last = Math.min(clauses.length - 1, i + pair.within);
        for (let j = i; j <= last; j++) {
          if (historic[j] || !standsIn(clauses[j]!, pair.then, compiled.unless)) continue;
          const stretch = clauses.slice(i, j + 1);
          const has = (r: RegExp) => stretch.some((c) => ((r.lastIndex = 0), r.test(c)));
          if (pair.with && !has(pair.with)) continue;
          if (!compiled.unless.some(has)) return true;
        }
      }
    }
    return false;
  };
  const isHistory = (clause: string): boolean => patterns.history.markers.some((m) => m.test(clause)) && !patterns.history.still.some((m) => m.test(clause));
  const anyIn = (clauses: readonly string[], list: readonly RegExp[]) => list.some((r) => clauses.some((clause) => ((r.lastIndex = 0), r.test(clause))));
  const clausesToRead = (text: string): string[] => prepare(text.slice(0, 4000));
  const needsMet = (clauses: readonly string[]): boolean => patterns.learnedNeeds.length === 0 || anyIn(clauses, patterns.learnedNeeds);
  const isDoseTalk = (clauses: readonly string[]): boolean =>
    patterns.doseTalk.frames.length > 0 && anyIn(clauses, patterns.doseTalk.frames) && !anyIn(clauses, patterns.doseTalk.except);
  const ordered = [...patterns.kinds].sort((a, b) => DETECTION_ORDER.indexOf(a.kind) - DETECTION_ORDER.indexOf(b.kind));
  const screened = prescreen ? screen(ordered) : undefined;
  return {
    detect(text) {
      if (!text.trim()) return { crisis: false };
      const clauses = prepare(text.slice(0, 4000));
      const historic = clauses.map(isHistory);
      // Every clause padded with spaces is a part of `whole`: a literal missing from it is in no
      // clause. Each literal is looked up at most once per message (0 unknown, 1 absent, 2 present).
      const whole = screened ? clauses.map((clause) => ` ${clause} `).join('\n') : '';
      const screening = screened !== undefined && !NOT_PLAIN.test(whole);
      const wordsIn = screening ? new Set(whole.split(/\s+/)) : undefined;
      const seen = screening ? new Uint8Array(screened.literals.length) : undefined;
      const has = (i: number): boolean => {
        if (seen![i] === 0) {
          const words = screened!.words[i]!;
          const found = words.length > 0 ? words.every((word) => wordsIn!.has(word)) : whole.includes(screened!.literals[i]!);
          seen![i] = found ? 2 : 1;
        }
        return seen![i] === 2;
      };
      // Overdose first: it is also a medical emergency (call the emergency number).
      let planned = false;
      for (let k = 0; k < ordered.length; k++) {
        const compiled = screening ? narrowed(screened.kinds[k]!, has) : ordered[k]!;
        if (clauses.some((clause, i) => !historic[i] && hitIn(clause, compiled)) || pairIn(clauses, historic, compiled))
          return { crisis: true, kind: compiled.kind };
        // Intended or prepared, not done: the suicidal-thoughts reply (see `planned`), unless an act
        // of a later kind was carried out ("saving my pills, and I cut myself last night": self-harm).
        planned ||= compiled.planned.length > 0 && clauses.some((clause, i) => !historic[i] && plannedIn(clause, compiled));
      }
      return planned ? { crisis: true, kind: 'suicide' } : { crisis: false };
    },
    learnedAloneAt: patterns.learnedAloneAt,
    readable: (text) => readable(text.slice(0, 4000)),
    mentionsCrisisWords: (text) => patterns.learnedNeeds.length === 0 || needsMet(clausesToRead(text)),
    learnedCounts(text, p) {
      // The message prepared once for both readings (rewrites and idioms are the costly part).
      const clauses = clausesToRead(text);
      if (isDoseTalk(clauses)) return false;
      if (anyIn(clauses, patterns.learnedNotWhen) && !anyIn(clauses, patterns.doseTalk.except)) return false;
      return p >= patterns.learnedAloneAt || needsMet(clauses);
    },
  };
}
