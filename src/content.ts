// Loads every piece of content (articles, trees, the bot's words, triage rules, red-flag
// patterns) once at start, and checks it for `backline check`.
import { join } from 'node:path';
import { RED_FLAG_IDS } from './contract.js';
import { cannedRepliesPath, inspectCannedReplies } from './handoff/cannedReplies.js';
import { checkDialogs, ContentError, type ContentProblem } from './engine/loader.js';
import type { EngineContent } from './engine/runtime.js';
import { loadArticles } from './knowledge/articles.js';
import { loadMessages } from './knowledge/messages.js';
import { fleschKincaidGrade } from './knowledge/readability.js';
import { confirmQuestion, loadRedFlagPatterns, redFlagLabel, type RedFlagPatterns } from './nlu/redFlagDetector.js';
import { loadTriageRules } from './triage/rules.js';

/** Articles above this Flesch-Kincaid grade fail `backline check`. */
export const MAX_READING_GRADE = 8;

export interface ContentPaths {
  articles: string;
  dialogs: string;
  messages: string;
  triageRules: string;
  redFlags: string;
}

export function contentPaths(root: string, language = 'en'): ContentPaths {
  return {
    articles: join(root, 'knowledge', 'articles'),
    dialogs: join(root, 'dialogs'),
    messages: join(root, 'knowledge', `messages.${language}.yaml`),
    triageRules: join(root, 'knowledge', 'triage-rules.yaml'),
    redFlags: join(root, 'knowledge', 'red-flags.yaml'),
  };
}

export interface LoadedContent {
  engine: EngineContent;
  redFlagPatterns: RedFlagPatterns;
  problems: ContentProblem[];
  readability: { article: string; grade: number }[];
}

function problemFromError(file: string, error: unknown): ContentProblem {
  return { file, line: 1, message: error instanceof Error ? error.message : String(error) };
}

/** Loads everything and collects every problem rather than stopping at the first. */
export function inspectContent(root: string, emergencyNumber: string): Partial<LoadedContent> & { problems: ContentProblem[] } {
  const paths = contentPaths(root);
  const problems: ContentProblem[] = [];
  const { library, problems: articleProblems } = loadArticles(paths.articles);
  problems.push(...articleProblems);
  const readability = [...library.articles.values()].map((a) => ({ article: a.id, file: a.file, grade: fleschKincaidGrade(a.body).grade }));
  for (const r of readability) {
    if (r.grade > MAX_READING_GRADE) problems.push({ file: r.file, line: 1, message: `reading grade ${r.grade} is above ${MAX_READING_GRADE}` });
  }
  const { dialogs, problems: dialogProblems } = checkDialogs(paths.dialogs, library);
  problems.push(...dialogProblems);

  let messages;
  try {
    messages = loadMessages(paths.messages);
  } catch (error) {
    problems.push(problemFromError(paths.messages, error));
  }
  let triageRules;
  try {
    triageRules = loadTriageRules(paths.triageRules);
  } catch (error) {
    problems.push(problemFromError(paths.triageRules, error));
  }
  let redFlagPatterns: RedFlagPatterns | undefined;
  try {
    redFlagPatterns = loadRedFlagPatterns(paths.redFlags);
  } catch (error) {
    problems.push(problemFromError(paths.redFlags, error));
  }
  problems.push(...inspectCannedReplies(cannedRepliesPath(root)).problems);
  for (const article of library.articles.values()) {
    // An article nobody can reach is content nobody reads.
    const referenced = [...dialogs.trees.values()].some((tree) =>
      Object.values(tree.nodes).some((node) => 'say' in node && 'article' in node.say && node.say.article === article.id),
    );
    if (!referenced) problems.push({ file: article.file, line: 1, message: `article "${article.id}" is not used by any dialog` });
  }
  if (!messages || !triageRules || !redFlagPatterns) return { problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
  const patterns = redFlagPatterns;
  const engine: EngineContent = {
    dialogs,
    articles: library,
    messages,
    triageRules,
    emergencyNumber,
    redFlagLabel: (id) => ((RED_FLAG_IDS as readonly string[]).includes(id) ? redFlagLabel(patterns, id as never) : id),
    confirmQuestion: (id) => confirmQuestion(patterns, id as never),
  };
  return { engine, redFlagPatterns: patterns, problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
}

export function loadContent(root: string, emergencyNumber: string): LoadedContent {
  const inspected = inspectContent(root, emergencyNumber);
  if (inspected.problems.length > 0 || !inspected.engine || !inspected.redFlagPatterns) throw new ContentError(inspected.problems);
  return inspected as LoadedContent;
}
