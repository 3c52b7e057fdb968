// Loads every piece of content (articles, trees, the bot's words, triage rules, red-flag
// patterns) once at start, and checks it for `backline check`.
import { join } from 'node:path';
import { RED_FLAG_IDS } from './contract.js';
import { checkMenus } from './channels/menuCheck.js';
import { cannedRepliesPath, inspectCannedReplies } from './handoff/cannedReplies.js';
import { checkDialogs, ContentError, type ContentProblem } from './engine/loader.js';
import type { EngineContent } from './engine/runtime.js';
import { loadArticles } from './knowledge/articles.js';
import { loadMessages } from './knowledge/messages.js';
import { fleschKincaidGrade } from './knowledge/readability.js';
import { loadCrisisPatterns, type CrisisPatterns } from './nlu/crisis.js';
import { createPatientReader, loadPatientWords, PATIENT_FILE, type PatientReader } from './nlu/patient.js';
import { confirmQuestion, loadRedFlagPatterns, redFlagLabel, type RedFlagPatterns } from './nlu/redFlagDetector.js';
import { loadTriageRules } from './triage/rules.js';
import { loadTrials } from './trials/catalogue.js';

/** Articles above this Flesch-Kincaid grade fail `backline check`. */
export const MAX_READING_GRADE = 8;

export interface ContentPaths {
  articles: string;
  dialogs: string;
  messages: string;
  triageRules: string;
  redFlags: string;
  crisis: string;
  trials: string;
}

export function contentPaths(root: string, language = 'en'): ContentPaths {
  return {
    articles: join(root, 'knowledge', 'articles'),
    dialogs: join(root, 'dialogs'),
    messages: join(root, 'knowledge', `messages.${language}.yaml`),
    triageRules: join(root, 'knowledge', 'triage-rules.yaml'),
    redFlags: join(root, 'knowledge', 'red-flags.yaml'),
    crisis: join(root, 'knowledge', 'crisis.yaml'),
    trials: join(root, 'knowledge', 'trials'),
  };
}

export interface LoadedContent {
  engine: EngineContent;
  redFlagPatterns: RedFlagPatterns;
  crisisPatterns: CrisisPatterns;
  problems: ContentProblem[];
  readability: { article: string; grade: number }[];
}

function problemFromError(file: string, error: unknown): ContentProblem {
  return { file, line: 1, message: error instanceof Error ? error.message : String(error) };
}

/** Loads everything and collects every problem rather than stopping at the first. */
/** The numbers the bot gives besides the emergency number (config: CRISIS_LINE, POISON_LINE). */
export interface HelpLines {
  crisisLine: string;
  poisonLine: string;
}

/** The defaults match the default emergency number (911, the US): 988 and Poison Help. */
export const DEFAULT_HELP_LINES: HelpLines = { crisisLine: '988', poisonLine: '1-800-222-1222' };

export interface ContentOptions extends Partial<HelpLines> {
  /** Where the parsed red-flag patterns are cached (NLU_CACHE_DIR). */
  cacheDir?: string;
}

export function inspectContent(root: string, emergencyNumber: string, options: ContentOptions = {}): Partial<LoadedContent> & { problems: ContentProblem[] } {
  const lines: HelpLines = { crisisLine: options.crisisLine ?? DEFAULT_HELP_LINES.crisisLine, poisonLine: options.poisonLine ?? DEFAULT_HELP_LINES.poisonLine };
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
  // No option silently dropped: every menu fits every channel.
  problems.push(...checkMenus(dialogs, paths.dialogs));

  const { catalogue: trials, problems: trialProblems } = loadTrials(paths.trials);
  problems.push(...trialProblems);

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
    redFlagPatterns = loadRedFlagPatterns(paths.redFlags, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  } catch (error) {
    problems.push(problemFromError(paths.redFlags, error));
  }
  let crisisPatterns: CrisisPatterns | undefined;
  try {
    crisisPatterns = loadCrisisPatterns(paths.crisis);
  } catch (error) {
    problems.push(problemFromError(paths.crisis, error));
  }
  let patient: PatientReader | undefined;
  try {
    patient = createPatientReader(loadPatientWords(root));
  } catch (error) {
    problems.push(problemFromError(join(root, PATIENT_FILE), error));
  }
  problems.push(...inspectCannedReplies(cannedRepliesPath(root)).problems);
  for (const article of library.articles.values()) {
    // An article nobody can reach is content nobody reads.
    const referenced = [...dialogs.trees.values()].some((tree) =>
      Object.values(tree.nodes).some((node) => 'say' in node && 'article' in node.say && node.say.article === article.id),
    );
    if (!referenced) problems.push({ file: article.file, line: 1, message: `article "${article.id}" is not used by any dialog` });
  }
  if (!messages || !triageRules || !redFlagPatterns || !crisisPatterns || !patient) return { problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
  const patterns = redFlagPatterns;
  const engine: EngineContent = {
    dialogs,
    articles: library,
    messages,
    triageRules,
    trials,
    emergencyNumber,
    patient,
    crisisLine: lines.crisisLine,
    poisonLine: lines.poisonLine,
    redFlagLabel: (id) => ((RED_FLAG_IDS as readonly string[]).includes(id) ? redFlagLabel(patterns, id as never) : id),
    confirmQuestion: (id) => confirmQuestion(patterns, id as never),
  };
  return { engine, redFlagPatterns: patterns, crisisPatterns, problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
}

export function loadContent(root: string, emergencyNumber: string, options: ContentOptions = {}): LoadedContent {
  const inspected = inspectContent(root, emergencyNumber, options);
  if (inspected.problems.length > 0 || !inspected.engine || !inspected.redFlagPatterns || !inspected.crisisPatterns) throw new ContentError(inspected.problems);
  return inspected as LoadedContent;
}
