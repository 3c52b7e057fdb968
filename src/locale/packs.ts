// Language packs (knowledge/locales/<locale>.yaml). The content files are the source pack (en-US):
// every text in knowledge/messages.en.yaml, dialogs/*.yaml, knowledge/triage-rules.yaml and the
// warning-sign labels of knowledge/red-flags.yaml has a stable key (see textKeys below), and the
// words that differ by country are {terms} in those texts. Another pack names the pack it
// inherits from and overrides numbers, terms and any text by key; a pack marked `complete` (a new
// language) must give every key. `backline check` runs checkPacks(): unknown keys, placeholders
// that differ from the source text, unknown or undefined terms, missing keys of complete packs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Article, ArticleLibrary } from '../knowledge/articles.js';
import type { Messages } from '../knowledge/messages.js';
import type { DialogSet } from '../engine/loader.js';
import type { ContentProblem } from '../engine/loader.js';
import type { Tree } from '../engine/schema.js';
import type { TriageRules } from '../triage/rules.js';
import { fill, placeholdersOf } from '../text/template.js';

export const LOCALES_DIR = join('knowledge', 'locales');
export const DEFAULT_LOCALE = 'en-US';

/** A BCP 47 tag as the packs use it: a language, optionally with a region (es, en-GB). */
export const LOCALE_TAG = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export const phoneNumber = z.string().regex(/^[0-9+ ()-]{2,20}$/, 'a phone number such as 911, 999 or 116 123');
const numbersSchema = z.strictObject({ emergency_number: phoneNumber, crisis_line: phoneNumber, poison_line: phoneNumber });
export type HelpNumbers = z.infer<typeof numbersSchema>;

const packSchema = z.strictObject({
  locale: z.string().regex(LOCALE_TAG, 'a locale such as en-US, en-GB or es'),
  name: z.string().min(1),
  /** The source pack: its texts are the content files themselves. Exactly one pack is. */
  source: z.boolean().optional(),
  /** The pack this one starts from (numbers, terms and texts it does not give). */
  inherits: z.string().regex(LOCALE_TAG).optional(),
  /** Every source key must be given (in this pack or a non-source pack it inherits): a new language. */
  complete: z.boolean().optional(),
  numbers: numbersSchema.partial().optional(),
  /** Words that differ by country, used in texts as {name}. */
  terms: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string().min(1)).optional(),
  /**
   * Words and numbers of this country only (999, A&E, GP): no other pack's rendering may hold one
   * (src/locale/localWords.ts). Not inherited.
   */
  local_words: z.array(z.string().min(1)).optional(),
  /** Text overrides by source key; a list for phrase lists (commands, synonyms). */
  texts: z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).optional(),
});
type PackFile = z.infer<typeof packSchema> & { file: string };

export type PackText = string | string[];

/** Everything a pack can change, as loaded from the content files. */
export interface LocalizableContent {
  messages: Messages;
  dialogs: DialogSet;
  triageRules: TriageRules;
  articles: ArticleLibrary;
  redFlagLabels: ReadonlyMap<string, string>;
  redFlagLabelsOther: ReadonlyMap<string, string>;
  confirmQuestions: ReadonlyMap<string, string>;
}

/** One pack with its inheritance applied. */
export interface ResolvedPack {
  locale: string;
  name: string;
  numbers: HelpNumbers;
  terms: Record<string, string>;
  /** Overrides in this pack and the non-source packs it inherits (nearest wins). */
  texts: Record<string, PackText>;
  /** Keys this pack itself overrides (for the report). */
  ownKeys: string[];
  /** Words of this pack's country only (its own list, not inherited). */
  localWords: string[];
  /** This pack and the packs it inherits, nearest first (where its files are looked up). */
  chain: string[];
  complete: boolean;
  file: string;
}

export interface PackSet {
  source: string;
  packs: Map<string, ResolvedPack>;
}

// ---------------------------------------------------------------- keys

type Mapper = (key: string, text: PackText) => PackText;

function mapStrings(value: unknown, key: string, fn: Mapper): unknown {
  if (typeof value === 'string') return fn(key, value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return fn(key, value as string[]);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, `${key}.${k}`, fn)]));
  }
  return value;
}

/** A choice's key within its node: its target, numbered when two options go to the same place. */
function optionKeys(options: { goto: string }[]): string[] {
  const seen = new Map<string, number>();
  return options.map((option) => {
    const n = (seen.get(option.goto) ?? 0) + 1;
    seen.set(option.goto, n);
    return n === 1 ? option.goto : `${option.goto}#${n}`;
  });
}

function mapTree(tree: Tree, fn: Mapper): Tree {
  const base = `dialogs.${tree.id}`;
  const nodes: Tree['nodes'] = {};
  const asString = (key: string, text: string) => {
    const out = fn(key, text);
    return typeof out === 'string' ? out : text;
  };
  for (const [id, node] of Object.entries(tree.nodes)) {
    const at = `${base}.${id}`;
    const copy = structuredClone(node) as Record<string, unknown>;
    if ('say' in node && 'text' in node.say) copy.say = { ...node.say, text: asString(`${at}.text`, node.say.text) };
    if ('text' in node && typeof node.text === 'string') copy.text = asString(`${at}.text`, node.text);
    if ('text_other' in node && typeof node.text_other === 'string') copy.text_other = asString(`${at}.text_other`, node.text_other);
    for (const field of ['simple', 'simple_other', 'more_text', 'none_label'] as const) {
      if (field in node && typeof (node as Record<string, unknown>)[field] === 'string')
        copy[field] = asString(`${at}.${field}`, (node as Record<string, string>)[field]!);
    }
    if ('items' in node && Array.isArray(node.items)) {
      // A checklist item's key is its evidence id (one item per sign).
      copy.items = node.items.map((item) => {
        const itemAt = `${at}.items.${item.evidence}`;
        const out: typeof item = { ...item, label: asString(`${itemAt}.label`, item.label) };
        if (item.text_other) out.text_other = asString(`${itemAt}.text_other`, item.text_other);
        if (item.synonyms) {
          const synonyms = fn(`${itemAt}.synonyms`, item.synonyms);
          out.synonyms = Array.isArray(synonyms) ? synonyms : [synonyms];
        }
        return out;
      });
    }
    if ('options' in node && Array.isArray(node.options)) {
      const keys = optionKeys(node.options);
      copy.options = node.options.map((option, i) => {
        const optionAt = `${at}.options.${keys[i]}`;
        const label = asString(`${optionAt}.label`, option.label);
        if (!option.synonyms) return { ...option, label };
        const synonyms = fn(`${optionAt}.synonyms`, option.synonyms);
        return { ...option, label, synonyms: Array.isArray(synonyms) ? synonyms : [synonyms] };
      });
    }
    nodes[id] = copy as Tree['nodes'][string];
  }
  return { ...tree, title: asString(`${base}.title`, tree.title), nodes };
}

function mapMap(map: ReadonlyMap<string, string>, prefix: string, field: string, fn: Mapper): Map<string, string> {
  return new Map(
    [...map].map(([id, text]) => {
      const out = fn(`${prefix}.${id}.${field}`, text);
      return [id, typeof out === 'string' ? out : text];
    }),
  );
}

/**
 * Applies fn to every keyed text; returns new content (the input is not changed).
 * Keys: messages.<path> · dialogs.<tree>.title · dialogs.<tree>.<node>.text | text_other ·
 * dialogs.<tree>.<node>.simple | simple_other | more_text | none_label ·
 * dialogs.<tree>.<node>.options.<target>.label | synonyms · dialogs.<tree>.<node>.items.<evidence>.label |
 * text_other | synonyms · triage.rules.<id>.reason ·
 * triage.outcomes.<level>.title | advice | advice_other · red_flags.<id>.label | label_other | question.
 * Articles have no keys yet (a language's articles will be their own files); terms apply to them.
 */
export function mapTexts(content: LocalizableContent, fn: Mapper): LocalizableContent {
  const rules = content.triageRules;
  return {
    messages: mapStrings(content.messages, 'messages', fn) as Messages,
    dialogs: { trees: new Map([...content.dialogs.trees].map(([id, tree]) => [id, mapTree(tree, fn)])) },
    triageRules: {
      rules: rules.rules.map((rule) => ({ ...rule, reason: fn(`triage.rules.${rule.id}.reason`, rule.reason) as string })),
      outcomes: Object.fromEntries(
        Object.entries(rules.outcomes).map(([level, o]) => [
          level,
          {
            title: fn(`triage.outcomes.${level}.title`, o.title) as string,
            advice: fn(`triage.outcomes.${level}.advice`, o.advice) as string,
            ...(o.advice_other ? { advice_other: fn(`triage.outcomes.${level}.advice_other`, o.advice_other) as string } : {}),
          },
        ]),
      ) as TriageRules['outcomes'],
    },
    articles: content.articles,
    redFlagLabels: mapMap(content.redFlagLabels, 'red_flags', 'label', fn),
    redFlagLabelsOther: mapMap(content.redFlagLabelsOther, 'red_flags', 'label_other', fn),
    confirmQuestions: mapMap(content.confirmQuestions, 'red_flags', 'question', fn),
  };
}

/** Every keyed text of the source content. */
export function sourceTexts(content: LocalizableContent): Map<string, PackText> {
  const texts = new Map<string, PackText>();
  mapTexts(content, (key, text) => {
    texts.set(key, text);
    return text;
  });
  return texts;
}

function termsIn(text: PackText, terms: Record<string, string>): PackText {
  const put = (t: string) => fill(t, terms);
  return Array.isArray(text) ? text.map(put) : put(text);
}

function localizeArticles(library: ArticleLibrary, terms: Record<string, string>): ArticleLibrary {
  const put = (t: string) => fill(t, terms);
  const articles = new Map(
    [...library.articles].map(([id, a]) => [
      id,
      {
        ...a,
        title: put(a.title),
        summary: put(a.summary),
        body: put(a.body),
        sections: a.sections.map((s) => ({ ...s, heading: put(s.heading), markdown: put(s.markdown), messages: s.messages.map(put) })),
      },
    ]),
  );
  // The library's lookups close over its own map: answer from the localized one.
  const localized = (article: Article | undefined) => (article ? articles.get(article.id) : undefined);
  return {
    articles,
    has: (id) => articles.has(id),
    hasSection: (id, section) => library.hasSection(id, section),
    get: (id) => localized(library.get(id))!,
    forIntent: (intent) => localized(library.forIntent(intent)),
  };
}

/** The content in one pack's words: its overrides by key, then its terms filled in everywhere. */
export function localizeContent(content: LocalizableContent, pack: ResolvedPack): LocalizableContent {
  const localized = mapTexts(content, (key, text) => termsIn(pack.texts[key] ?? text, pack.terms));
  return { ...localized, articles: localizeArticles(content.articles, pack.terms) };
}

// ---------------------------------------------------------------- loading

function readPackFiles(root: string, problems: ContentProblem[]): PackFile[] {
  const dir = join(root, LOCALES_DIR);
  if (!existsSync(dir)) {
    problems.push({ file: dir, line: 1, message: 'no language packs (knowledge/locales/<locale>.yaml)' });
    return [];
  }
  const files: PackFile[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => /^[a-zA-Z-]+\.ya?ml$/.test(f) && !NOT_PACKS.includes(f))
    .sort()) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({ file, line: 1, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const parsed = packSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file, line: 1, message: `${issue.path.join('.')}: ${issue.message}` });
      continue;
    }
    if (name.replace(/\.ya?ml$/, '') !== parsed.data.locale)
      problems.push({ file, line: 1, message: `the file name must be the locale "${parsed.data.locale}"` });
    files.push({ ...parsed.data, file });
  }
  return files;
}

/** The file with the short reply to a message in another language (src/locale/otherLanguage.ts). */
export const OTHER_LANGUAGES_FILE = 'other-languages.yaml';

/** Data files beside the packs that are not packs (the lines by emergency number: src/locale/numbers.ts). */
const NOT_PACKS = [OTHER_LANGUAGES_FILE, 'help-lines.yaml'];

/** Reads every pack and applies inheritance; problems are collected, not thrown. */
export function loadPacks(root: string, problems: ContentProblem[] = []): PackSet | undefined {
  const files = readPackFiles(root, problems);
  const byLocale = new Map(files.map((f) => [f.locale, f]));
  const sources = files.filter((f) => f.source);
  if (sources.length !== 1) {
    problems.push({ file: join(root, LOCALES_DIR), line: 1, message: `exactly one pack must be the source (source: true); found ${sources.length}` });
    return undefined;
  }
  const source = sources[0]!;
  const packs = new Map<string, ResolvedPack>();
  for (const file of files) {
    const chain: PackFile[] = [];
    for (let at: PackFile | undefined = file; at; at = at.inherits ? byLocale.get(at.inherits) : undefined) {
      if (chain.includes(at)) {
        problems.push({ file: file.file, line: 1, message: `inherits in a circle (${chain.map((c) => c.locale).join(' -> ')})` });
        break;
      }
      chain.push(at);
      if (at.inherits && !byLocale.has(at.inherits)) problems.push({ file: at.file, line: 1, message: `inherits "${at.inherits}", which has no pack` });
    }
    if (file.source && file.inherits) problems.push({ file: file.file, line: 1, message: 'the source pack inherits from no other pack' });
    const nearestFirst = chain;
    const numbers = Object.assign({}, ...[...nearestFirst].reverse().map((p) => p.numbers ?? {})) as Partial<HelpNumbers>;
    const terms = Object.assign({}, ...[...nearestFirst].reverse().map((p) => p.terms ?? {})) as Record<string, string>;
    const texts = Object.assign(
      {},
      ...[...nearestFirst]
        .reverse()
        .filter((p) => !p.source)
        .map((p) => p.texts ?? {}),
    ) as Record<string, PackText>;
    const missingNumbers = (['emergency_number', 'crisis_line', 'poison_line'] as const).filter((n) => !numbers[n]);
    if (missingNumbers.length > 0) {
      problems.push({ file: file.file, line: 1, message: `numbers: ${missingNumbers.join(', ')} not given (here or in a pack it inherits)` });
      continue;
    }
    if (file.source && file.texts) problems.push({ file: file.file, line: 1, message: 'the source pack has no texts: its texts are the content files' });
    packs.set(file.locale, {
      locale: file.locale,
      name: file.name,
      numbers: numbers as HelpNumbers,
      terms,
      texts,
      ownKeys: Object.keys(file.texts ?? {}).sort(),
      localWords: file.local_words ?? [],
      chain: nearestFirst.map((p) => p.locale),
      complete: file.complete === true,
      file: file.file,
    });
  }
  return { source: source.locale, packs };
}

// ---------------------------------------------------------------- checks

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Every pack against the source texts (and unkeyed texts that take terms: the articles): keys that do not exist, placeholders that differ, terms
 * used but not defined (or defined but unknown), and for complete packs the keys not given.
 */
export function checkPacks(set: PackSet, source: Map<string, PackText>, unkeyed: readonly string[] = []): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const sourcePack = set.packs.get(set.source);
  if (!sourcePack) return problems;
  const termNames = new Set(Object.keys(sourcePack.terms));
  const placeholders = (text: PackText) => placeholdersOf(Array.isArray(text) ? text.join('\n') : text);
  // Terms the source texts use must be terms of the source pack.
  const used = new Set<string>();
  for (const text of [...source.values(), ...unkeyed]) for (const name of placeholders(text)) if (termNames.has(name)) used.add(name);
  for (const name of termNames) {
    if (!used.has(name)) problems.push({ file: sourcePack.file, line: 1, message: `terms.${name} is used by no text` });
  }
  for (const pack of set.packs.values()) {
    for (const name of Object.keys(pack.terms)) {
      if (!termNames.has(name)) problems.push({ file: pack.file, line: 1, message: `terms.${name} is not a term of the source pack (${set.source})` });
    }
    for (const [key, text] of Object.entries(pack.texts)) {
      const original = source.get(key);
      if (original === undefined) {
        problems.push({ file: pack.file, line: 1, message: `texts: "${key}" is not a key of the source pack` });
        continue;
      }
      if (Array.isArray(original) !== Array.isArray(text)) {
        problems.push({ file: pack.file, line: 1, message: `texts: "${key}" must be ${Array.isArray(original) ? 'a list' : 'one text'}, like the source` });
        continue;
      }
      if (Array.isArray(original)) continue; // Phrase lists carry no placeholders.
      const want = placeholders(original);
      const got = placeholders(text);
      if (!sameList(want, got))
        problems.push({
          file: pack.file,
          line: 1,
          message: `texts: "${key}" has placeholders {${got.join('}, {')}} but the source has {${want.join('}, {')}}`,
        });
    }
    if (pack.complete) {
      const missing = [...source.keys()].filter((key) => !(key in pack.texts));
      if (missing.length > 0)
        problems.push({
          file: pack.file,
          line: 1,
          message: `complete pack: ${missing.length} keys missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`,
        });
    }
  }
  return problems;
}

// ---------------------------------------------------------------- choosing a pack

/**
 * The pack for an activity's locale: the exact pack (any case, _ or -), else a pack for its
 * language alone ("es" for es-MX), else the default (LOCALE).
 */
export function chooseLocale(available: Iterable<string>, requested: string | undefined, fallback: string): string {
  if (!requested) return fallback;
  const normalized = requested.trim().replace(/_/g, '-').toLowerCase();
  const locales = [...available];
  const exact = locales.find((l) => l.toLowerCase() === normalized);
  if (exact) return exact;
  const language = normalized.split('-')[0];
  return locales.find((l) => l.toLowerCase() === language) ?? fallback;
}
