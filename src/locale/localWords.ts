// Words that belong to one country: each pack lists its own (`local_words`: 999, A&E, GP, NHS in
// en-GB; 911, the ER, poop in en-US) and `backline check` fails when another pack's rendering of
// the content (every keyed text, the confirming questions, the articles, with that pack's own
// numbers filled in) contains one. A word in a text that should differ by country belongs in a
// {term}; this check catches the ones that were typed in instead.
import type { ContentProblem } from '../engine/loader.js';
import type { ArticleLibrary } from '../knowledge/articles.js';
import { fill } from '../text/template.js';
import { sourceTexts, type LocalizableContent, type PackSet, type ResolvedPack } from './packs.js';
import { escapeRegExp } from '../text/regex.js';

/** One text as a pack says it, with where it comes from. */
export interface RenderedText {
  key: string;
  text: string;
}

/** Every text of one pack's content as a person reads it: keyed texts and articles, numbers filled in. */
export function renderedPackTexts(content: LocalizableContent, pack: ResolvedPack): RenderedText[] {
  const numbers = { ...pack.numbers };
  const out: RenderedText[] = [];
  // Phrase lists (synonyms, commands) are what people may type, in any country's words: not checked.
  for (const [key, text] of sourceTexts(content)) if (typeof text === 'string') out.push({ key, text: fill(text, numbers) });
  out.push(...articleTexts(content.articles).map((t) => ({ key: t.key, text: fill(t.text, numbers) })));
  return out;
}

export function articleTexts(library: ArticleLibrary): RenderedText[] {
  const out: RenderedText[] = [];
  for (const a of library.articles.values()) {
    const at = `articles.${a.id}`;
    out.push({ key: `${at}.title`, text: a.title }, { key: `${at}.summary`, text: a.summary });
    for (const s of a.sections) {
      out.push({ key: `${at}.${s.id}.heading`, text: s.heading });
      for (const m of s.messages) out.push({ key: `${at}.${s.id}`, text: m });
    }
  }
  return out;
}

/** A word with a capital or a digit (A&E, GP, 999) matches as written; a lower-case one in any case. */
export function localWordPattern(word: string): RegExp {
  const escaped = escapeRegExp(word);
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, /[A-Z0-9]/.test(word) ? 'u' : 'iu');
}

/** Links name their sites (nhs.uk) without being words a person is told. */
const withoutLinks = (text: string) => text.replace(/https?:\/\/\S+|\]\([^)]*\)/g, ' ');

export function localWordProblems(set: PackSet, rendered: ReadonlyMap<string, RenderedText[]>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const pack of set.packs.values()) {
    const texts = rendered.get(pack.locale) ?? [];
    const own = new Set(pack.localWords);
    for (const other of set.packs.values()) {
      if (other.locale === pack.locale) continue;
      // A pack inherits the words of the packs it builds on (en-IE from en-GB), except the source's.
      if (other.locale !== set.source && pack.chain.includes(other.locale)) continue;
      for (const word of other.localWords.filter((w) => !own.has(w))) {
        const pattern = localWordPattern(word);
        for (const { key, text } of texts) {
          const found = withoutLinks(text).match(pattern);
          if (!found) continue;
          const at = found.index ?? 0;
          problems.push({
            file: pack.file,
            line: 1,
            message: `${pack.locale} ${key}: "${word}" is a word of ${other.locale} only (its local_words): use a {term}: "...${text.slice(Math.max(0, at - 40), at + 60)}..."`,
          });
        }
      }
    }
  }
  return problems;
}
