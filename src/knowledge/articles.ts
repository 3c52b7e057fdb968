// Knowledge articles: Markdown with YAML front matter, split into chat-sized sections.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { INTENT_IDS, RED_FLAG_IDS } from '../contract.js';
import type { ContentProblem } from '../engine/loader.js';

const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string().min(1),
  summary: z.string().min(1).max(200),
  intents: z.array(z.enum(INTENT_IDS)),
  sources: z.array(z.string().min(1)).min(1),
  last_reviewed: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
  /** Red-flag evidence id -> the section that explains it. */
  evidence_sections: z.partialRecord(z.enum(RED_FLAG_IDS), z.string()).optional(),
  /**
   * Section id -> words and phrases of questions that section answers although its heading does
   * not say them ("weightlifting", "heavy" for "Lift with care"). Matched as whole words in the
   * question, stop words included ("lifting heavy"), and counted like a word of the heading.
   */
  section_keywords: z.record(z.string(), z.array(z.string().min(2)).min(1)).optional(),
});

export interface ArticleSection {
  id: string;
  heading: string;
  /** Words and phrases of questions it answers (front matter `section_keywords`), lower case. */
  keywords: string[];
  /** The section's text split into messages short enough to read on a phone. */
  messages: string[];
  markdown: string;
}

export interface Article {
  id: string;
  title: string;
  summary: string;
  intents: string[];
  sources: string[];
  lastReviewed: string;
  sections: ArticleSection[];
  evidenceSections: Partial<Record<string, string>>;
  body: string;
  file: string;
}

/** Longest message we send in one bubble; longer sections are split at paragraph breaks. */
export const MAX_MESSAGE_CHARS = 700;

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Groups paragraphs into messages of at most MAX_MESSAGE_CHARS, splitting long paragraphs at sentences. */
export function splitIntoMessages(markdown: string, limit = MAX_MESSAGE_CHARS): string[] {
  const paragraphs = markdown
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const pieces: string[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph.length <= limit) {
      pieces.push(paragraph);
      continue;
    }
    let current = '';
    for (const sentence of paragraph.split(/(?<=[.!?])\s+/)) {
      if (current && current.length + sentence.length + 1 > limit) {
        pieces.push(current);
        current = sentence;
      } else {
        current = current ? `${current} ${sentence}` : sentence;
      }
    }
    if (current) pieces.push(current);
  }
  const messages: string[] = [];
  for (const piece of pieces) {
    const last = messages[messages.length - 1];
    if (last !== undefined && last.length + piece.length + 2 <= limit) messages[messages.length - 1] = `${last}\n\n${piece}`;
    else messages.push(piece);
  }
  return messages;
}

export function parseArticle(file: string, text: string): { article?: Article; problems: ContentProblem[] } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { problems: [{ file, line: 1, message: 'missing front matter (--- ... ---)' }] };
  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    return { problems: [{ file, line: 1, message: `front matter YAML: ${(error as Error).message.split('\n')[0]}` }] };
  }
  const parsed = frontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({ file, line: 1, message: `front matter ${issue.path.join('.')}: ${issue.message}` })),
    };
  }
  const body = match[2]!;
  const frontMatterLines = match[1]!.split('\n').length + 2;
  const problems: ContentProblem[] = [];
  const sections: ArticleSection[] = [];
  const parts = body.split(/^## +/m);
  if (parts[0]!.trim()) problems.push({ file, line: frontMatterLines + 1, message: 'text before the first "## " heading' });
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const line = (newline === -1 ? part : part.slice(0, newline)).trim();
    // "## Título {#section-id}": a translated heading keeps the source's section id.
    const explicit = /^(.*?)\s*\{#([a-z0-9-]+)\}$/.exec(line);
    const heading = explicit ? explicit[1]! : line;
    const markdown = newline === -1 ? '' : part.slice(newline + 1).trim();
    const id = explicit ? explicit[2]! : slugify(heading);
    if (!markdown) problems.push({ file, line: frontMatterLines, message: `section "${heading}" is empty` });
    if (sections.some((s) => s.id === id)) problems.push({ file, line: frontMatterLines, message: `duplicate section "${heading}"` });
    sections.push({ id, heading, markdown, keywords: [], messages: splitIntoMessages(markdown) });
  }
  if (sections.length === 0) problems.push({ file, line: frontMatterLines, message: 'no "## " sections' });
  for (const [evidence, sectionId] of Object.entries(parsed.data.evidence_sections ?? {})) {
    if (!sections.some((s) => s.id === sectionId)) problems.push({ file, line: 2, message: `evidence_sections.${evidence}: no section "${sectionId}"` });
  }
  for (const [sectionId, keywords] of Object.entries(parsed.data.section_keywords ?? {})) {
    const section = sections.find((s) => s.id === sectionId);
    if (!section) problems.push({ file, line: 2, message: `section_keywords.${sectionId}: no section "${sectionId}"` });
    else section.keywords = keywords.map((k) => k.toLowerCase());
  }
  const expectedFile = `${parsed.data.id}.md`;
  if (!file.endsWith(expectedFile)) problems.push({ file, line: 2, message: `id "${parsed.data.id}" does not match the file name` });
  const fm = parsed.data;
  return {
    article: {
      id: fm.id,
      title: fm.title,
      summary: fm.summary,
      intents: fm.intents,
      sources: fm.sources,
      lastReviewed: fm.last_reviewed,
      sections,
      evidenceSections: fm.evidence_sections ?? {},
      body,
      file,
    },
    problems,
  };
}

export interface ArticleLibrary {
  articles: Map<string, Article>;
  has(articleId: string): boolean;
  hasSection(articleId: string, sectionId: string): boolean;
  get(articleId: string): Article;
  /** The article that answers an intent, if any. */
  forIntent(intent: string): Article | undefined;
}

export function loadArticles(dir: string): { library: ArticleLibrary; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const articles = new Map<string, Article>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const file = join(dir, name);
    const result = parseArticle(file, readFileSync(file, 'utf8'));
    problems.push(...result.problems);
    if (result.article) articles.set(result.article.id, result.article);
  }
  const byIntent = new Map<string, Article>();
  for (const article of articles.values()) {
    for (const intent of article.intents) {
      if (byIntent.has(intent)) {
        problems.push({ file: article.file, line: 1, message: `intent "${intent}" is already answered by "${byIntent.get(intent)!.id}"` });
      } else byIntent.set(intent, article);
    }
  }
  const library: ArticleLibrary = {
    articles,
    has: (id) => articles.has(id),
    hasSection: (id, section) => articles.get(id)?.sections.some((s) => s.id === section) ?? false,
    get: (id) => {
      const article = articles.get(id);
      if (!article) throw new Error(`unknown article "${id}"`);
      return article;
    },
    forIntent: (intent) => byIntent.get(intent),
  };
  return { library, problems };
}
