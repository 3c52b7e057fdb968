// What a pack supplies besides its keyed texts: whole translated files, kept under
// knowledge/locales/<locale>/ with the same paths they have under knowledge/:
//   knowledge/locales/es-ES/articles/sciatica.md        an article (same id, intents, section ids)
//   knowledge/locales/es-ES/nlu/patient.yaml            how the bot names the person asked for, and
//                                                       the words that say who the patient is
//   knowledge/locales/es-ES/nlu/direct-questions.yaml   direct questions, tone and section words
// Each is looked up in the pack, then in the packs it inherits, then in knowledge/ itself (the
// source language): a pack that lacks a file falls back, and `backline check` reports what each
// pack covers. Missing files are listed for packs of the source's language (en-GB reads the
// English articles) and are problems for a `complete` pack (a new language must translate all).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentProblem } from '../engine/loader.js';
import { loadArticles, type Article, type ArticleLibrary } from '../knowledge/articles.js';
import { LOCALES_DIR, type PackSet, type ResolvedPack } from './packs.js';

/** Files (paths under knowledge/) a pack may supply whole. */
export const PACK_FILES = ['nlu/patient.yaml', 'nlu/direct-questions.yaml'] as const;
export type PackFileName = (typeof PACK_FILES)[number];

/** Where a pack keeps its files: knowledge/locales/<locale>/. */
export function packDir(root: string, locale: string): string {
  return join(root, LOCALES_DIR, locale);
}

/** The packs to look in for a file, nearest first, without the source (whose files are knowledge/ itself). */
function lookupChain(set: PackSet, pack: ResolvedPack): string[] {
  return pack.chain.filter((locale) => locale !== set.source);
}

/** The file a pack uses: its own, else the nearest inherited pack's, else the source's (knowledge/<name>). */
export function resolvePackFile(root: string, set: PackSet, pack: ResolvedPack, name: string): { path: string; from: string } {
  for (const locale of lookupChain(set, pack)) {
    const path = join(packDir(root, locale), name);
    if (existsSync(path)) return { path, from: locale };
  }
  return { path: join(root, 'knowledge', name), from: set.source };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A pack's articles: the source library with the pack's translations (and those of the packs it
 * inherits, nearest winning) in place of the source's. A translation must be an article of the
 * source with the same intents and the same section ids (dialogs and answers name sections by id;
 * a translated heading keeps its id with `## Título {#section-id}`).
 */
export function packArticles(root: string, set: PackSet, pack: ResolvedPack, source: ArticleLibrary, problems: ContentProblem[]): ArticleLibrary {
  const articles = new Map(source.articles);
  for (const locale of lookupChain(set, pack).reverse()) {
    const dir = join(packDir(root, locale), 'articles');
    if (!existsSync(dir)) continue;
    const { library, problems: found } = loadArticles(dir);
    // Problems of an inherited pack's files are reported once, for that pack.
    if (locale === pack.locale) problems.push(...found);
    for (const article of library.articles.values()) {
      const original = source.articles.get(article.id);
      const report = (message: string) => locale === pack.locale && problems.push({ file: article.file, line: 1, message });
      if (!original) {
        report(`article "${article.id}" is not an article of the source pack (${set.source})`);
        continue;
      }
      if (!sameList([...article.intents].sort(), [...original.intents].sort()))
        report(`article "${article.id}": intents must be the source's (${original.intents.join(', ')})`);
      const ids = article.sections.map((s) => s.id);
      const want = original.sections.map((s) => s.id);
      if (!sameList(ids, want))
        report(`article "${article.id}": section ids ${ids.join(', ')} must be the source's: ${want.join(', ')} (use "## Heading {#id}")`);
      else articles.set(article.id, article);
    }
  }
  return libraryOf(articles, source);
}

function libraryOf(articles: Map<string, Article>, source: ArticleLibrary): ArticleLibrary {
  const pick = (article: Article | undefined) => (article ? articles.get(article.id) : undefined);
  return {
    articles,
    has: (id) => articles.has(id),
    hasSection: (id, section) => articles.get(id)?.sections.some((s) => s.id === section) ?? false,
    get: (id) => pick(source.get(id))!,
    // Intents are the source's (a translation keeps them): answer from the pack's copy.
    forIntent: (intent) => pick(source.forIntent(intent)),
  };
}

/** Where each of a pack's articles and files comes from. */
export interface PackCoverage {
  locale: string;
  complete: boolean;
  articles: Coverage;
  files: Coverage;
}

/** Own: in the pack; inherited: from a pack it inherits; source: the source language's (missing here). */
export interface Coverage {
  own: string[];
  inherited: string[];
  source: string[];
}

export function packCoverage(root: string, set: PackSet, articleIds: readonly string[]): PackCoverage[] {
  const out: PackCoverage[] = [];
  for (const pack of set.packs.values()) {
    if (pack.locale === set.source) continue;
    const where = (name: string) => resolvePackFile(root, set, pack, name).from;
    const sort = (names: readonly string[], display: (n: string) => string): Coverage => {
      const c: Coverage = { own: [], inherited: [], source: [] };
      for (const name of names) {
        const from = where(name);
        (from === pack.locale ? c.own : from === set.source ? c.source : c.inherited).push(display(name));
      }
      return c;
    };
    out.push({
      locale: pack.locale,
      complete: pack.complete,
      articles: sort(
        articleIds.map((id) => `articles/${id}.md`),
        (n) => n.replace(/^articles\/|\.md$/g, ''),
      ),
      files: sort(PACK_FILES, (n) => n),
    });
  }
  return out;
}

/** A complete pack (a new language) must translate every article and file; others fall back. */
export function coverageProblems(set: PackSet, coverage: readonly PackCoverage[]): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const c of coverage) {
    if (!c.complete) continue;
    const file = set.packs.get(c.locale)?.file ?? c.locale;
    const missing = [...c.articles.source.map((a) => `articles/${a}.md`), ...c.files.source];
    if (missing.length > 0)
      problems.push({
        file,
        line: 1,
        message: `complete pack: ${missing.length} files not translated (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}) in ${LOCALES_DIR}/${c.locale}/`,
      });
  }
  return problems;
}

/** One line for `backline check`: how much of the articles and files a pack gives itself. */
export function coverageLine(c: PackCoverage): string {
  const part = (what: string, cov: Coverage) => {
    const total = cov.own.length + cov.inherited.length + cov.source.length;
    const inherited = cov.inherited.length > 0 ? `, ${cov.inherited.length} inherited` : '';
    const missing = cov.source.length > 0 ? `; from the source language: ${cov.source.join(', ')}` : '';
    return `${what} ${cov.own.length} of ${total} translated${inherited}${missing}`;
  };
  return `Language pack ${c.locale} covers: ${part('articles', c.articles)}; ${part('files', c.files)}`;
}
