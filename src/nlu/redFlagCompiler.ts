// Red-flag patterns: parsing, validating and compiling knowledge/red-flags.yaml into the
// matcher tables (terms as word slots indexed by first word, rules, cues, rewrites).

import { parse as parseYaml } from 'yaml';
import { RED_FLAG_IDS, isRedFlagId, type RedFlagId } from '../contract.js';
import {
  type BoundaryKind,
  type Compiled,
  type CueName,
  DEFAULT_WITHIN,
  FALLBACK_WITHIN,
  FUZZY_MIN_LENGTH,
  FUZZY_PREFIX_MARK,
  type FirstWordEntry,
  NEAR,
  type PatternSpec,
  type RedFlagPatterns,
  type Rule,
  type Slot,
  type Term,
  fileSchema,
} from './redFlagPatternSchema.js';

export class PatternFileError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}: ${where ? `${where}: ` : ''}${message}`);
    this.name = 'PatternFileError';
  }
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

export function parseYamlText(yamlText: string, file: string): unknown {
  try {
    return parseYaml(yamlText);
  } catch (error) {
    throw new PatternFileError(file, '', `not valid YAML: ${(error as Error).message}`);
  }
}

/** Validates and compiles the parsed file. */
export function compileRaw(raw: unknown, file: string): RedFlagPatterns {
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
  const reportedWhenUnsure = new Set<RedFlagId>();
  const labels = new Map<RedFlagId, string>();
  const labelsOther = new Map<RedFlagId, string>();
  const confirmQuestions = new Map<RedFlagId, string>();
  for (const id of RED_FLAG_IDS) {
    const entry = data.red_flags[id]!;
    labels.set(id, entry.label.trim());
    if (entry.label_other) labelsOther.set(id, entry.label_other.trim());
    confirmQuestions.set(id, entry.confirm_question.trim());
    if (entry.topics) topics.push({ id, part: compiler.part(entry.topics, `red_flags.${id}.topics`) });
    if (entry.resolvable) resolvable.add(id);
    if (entry.others === 'history') historyOnly.add(id);
    if (entry.reported_when_unsure) reportedWhenUnsure.add(id);
    entry.patterns.forEach((spec, n) => rules.push({ ...compiler.rule(id, `red_flags.${id}.patterns[${n}]`, spec), order: rules.length }));
  }
  // Topic fallbacks come after every pattern: each is tried only when no pattern of its red
  // flag matched in the sentence.
  for (const id of RED_FLAG_IDS) {
    const fb = data.red_flags[id]!.fallback;
    if (!fb) continue;
    const where = `red_flags.${id}.fallback`;
    const spec: PatternSpec = {
      all: [fb.topic, fb.change ?? data.cues.change],
      within: fb.within ?? FALLBACK_WITHIN,
      certainty: 'possible',
      unless: fb.unless,
      near: 5,
    };
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
    reportedWhenUnsure,
    cues,
    questionWords: new Set(data.cues.question_words.filter((w) => !w.includes(' '))),
    boundaryKind,
    rewrites,
  };
  return { file, labels, labelsOther, confirmQuestions, compiled };
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
