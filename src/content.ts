// Loads every piece of content (articles, trees, the bot's words, triage rules, red-flag
// patterns) once at start, and checks it for `backline check`.
import { join } from 'node:path';
import { checkMenus } from './channels/menuCheck.js';
import { cannedRepliesPath, inspectCannedReplies } from './handoff/cannedReplies.js';
import { checkDialogs, ContentError, type ContentProblem } from './engine/loader.js';
import type { EngineContent } from './engine/runtime.js';
import { loadArticles } from './knowledge/articles.js';
import { loadDirectQuestions, type DirectQuestions } from './knowledge/directQuestions.js';
import { loadMessages } from './knowledge/messages.js';
import { fleschKincaidGrade } from './knowledge/readability.js';
import { loadCrisisPatterns, type CrisisPatterns } from './nlu/crisis.js';
import { createPatientReader, loadPatientWords, loadPatientWordsFile, PATIENT_FILE, type PatientReader } from './nlu/patient.js';
import { confirmQuestion, loadRedFlagPatterns, type RedFlagPatterns } from './nlu/redFlagDetector.js';
import { inspectHelpLines, packsForNumber, resolveHelpNumbers, type HelpNumberOverrides } from './locale/numbers.js';
import {
  checkPacks,
  chooseLocale,
  DEFAULT_LOCALE,
  loadPacks,
  localizeContent,
  LOCALES_DIR,
  OTHER_LANGUAGES_FILE,
  sourceTexts,
  type LocalizableContent,
  type PackSet,
  type ResolvedPack,
} from './locale/packs.js';
import { renderProblems } from './locale/render.js';
import { coverageProblems, packArticles, packCoverage, resolvePackFile, type PackCoverage } from './locale/packFiles.js';
import { articleTexts, localWordProblems, renderedPackTexts, type RenderedText } from './locale/localWords.js';
import { loadOtherLanguages, type OtherLanguages } from './locale/languageId.js';
import { loadTriageRules } from './triage/rules.js';
import { loadTrials } from './trials/catalogue.js';

/** Direct questions, tone and section words (see src/knowledge/directQuestions.ts). */
const DIRECT_QUESTIONS_FILE = join('knowledge', 'nlu', 'direct-questions.yaml');

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
  locales: LocaleContents;
  redFlagPatterns: RedFlagPatterns;
  crisisPatterns: CrisisPatterns;
  problems: ContentProblem[];
  readability: { article: string; grade: number }[];
}

function problemFromError(file: string, error: unknown): ContentProblem {
  return { file, line: 1, message: error instanceof Error ? error.message : String(error) };
}

/** The numbers the bot gives besides the emergency number (config: CRISIS_LINE, POISON_LINE). */
export interface HelpLines {
  crisisLine: string;
  poisonLine: string;
}

export interface ContentOptions extends Partial<HelpLines> {
  /** Where the parsed red-flag patterns are cached (NLU_CACHE_DIR). */
  cacheDir?: string;
  /** The pack of conversations whose channel sends no locale we have (config LOCALE). */
  locale?: string;
}

/** The content in each language pack's words; engine is the default pack's. */
export interface LocaleContents {
  defaultLocale: string;
  engines: ReadonlyMap<string, EngineContent>;
  /** The keys each pack overrides (itself and the non-source packs it inherits). */
  overrides: ReadonlyMap<string, string[]>;
  /** What each pack (but the source) translates of the articles and files, and what falls back. */
  coverage: readonly PackCoverage[];
  /** The engine content for an activity's locale (exact, then language, then the default). */
  engineFor(locale: string | undefined): EngineContent;
}

/**
 * Loads everything and collects every problem rather than stopping at the first.
 * `emergencyNumber` and options.crisisLine / poisonLine, when given, win over every pack's numbers
 * (config EMERGENCY_NUMBER, CRISIS_LINE, POISON_LINE); undefined: each pack's own.
 */
export function inspectContent(
  root: string,
  emergencyNumber: string | undefined,
  options: ContentOptions = {},
): Partial<LoadedContent> & { problems: ContentProblem[] } {
  const overrides: HelpNumberOverrides = { emergencyNumber, crisisLine: options.crisisLine, poisonLine: options.poisonLine };
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
  let direct: DirectQuestions | undefined;
  try {
    direct = loadDirectQuestions(join(root, DIRECT_QUESTIONS_FILE));
  } catch (error) {
    problems.push(problemFromError(join(root, DIRECT_QUESTIONS_FILE), error));
  }
  // "What points to X" and "do I have X" read these sections of each condition's article.
  for (const id of direct?.conditionIds ?? []) {
    const article = library.articles.get(id);
    const { answer, then } = direct!.pointsToSections;
    if (!article) problems.push({ file: join(root, DIRECT_QUESTIONS_FILE), line: 1, message: `conditions.${id}: no article with that id` });
    else
      for (const section of [answer, then])
        if (!article.sections.some((s) => s.id === section))
          problems.push({
            file: article.file,
            line: 1,
            message: `article "${id}" has no section "${section}" (points_to_sections in ${DIRECT_QUESTIONS_FILE})`,
          });
  }
  // An activity question ("is swimming ok?") reads these articles, and this section when none names it.
  if (direct) {
    const { article: fallbackId, section } = direct.activityFallback;
    for (const id of [...direct.activityArticles, fallbackId])
      if (!library.articles.has(id)) problems.push({ file: join(root, DIRECT_QUESTIONS_FILE), line: 1, message: `activity articles: no article "${id}"` });
    const fallback = library.articles.get(fallbackId);
    if (fallback && !fallback.sections.some((s) => s.id === section))
      problems.push({
        file: fallback.file,
        line: 1,
        message: `article "${fallbackId}" has no section "${section}" (activity_fallback in ${DIRECT_QUESTIONS_FILE})`,
      });
  }
  problems.push(...inspectCannedReplies(cannedRepliesPath(root)).problems);
  for (const article of library.articles.values()) {
    // An article nobody can reach is content nobody reads.
    const referenced = [...dialogs.trees.values()].some((tree) =>
      Object.values(tree.nodes).some((node) => 'say' in node && 'article' in node.say && node.say.article === article.id),
    );
    if (!referenced) problems.push({ file: article.file, line: 1, message: `article "${article.id}" is not used by any dialog` });
  }
  if (!messages || !triageRules || !redFlagPatterns || !crisisPatterns || !patient || !direct)
    return { problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
  const patterns = redFlagPatterns;
  const packs = loadPacks(root, problems);
  const helpLines = inspectHelpLines(root, problems);
  if (!packs || !helpLines) return { problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
  const defaultLocale = options.locale ?? DEFAULT_LOCALE;
  if (!packs.packs.has(defaultLocale)) problems.push({ file: join(root, LOCALES_DIR), line: 1, message: `LOCALE ${defaultLocale} has no pack` });
  const source: LocalizableContent = {
    messages,
    dialogs,
    triageRules,
    articles: library,
    redFlagLabels: patterns.labels,
    redFlagLabelsOther: patterns.labelsOther,
    confirmQuestions: patterns.confirmQuestions,
  };
  const sourceKeys = sourceTexts(source);
  problems.push(
    ...checkPacks(
      packs,
      sourceKeys,
      articleTexts(library).map((t) => t.text),
    ),
  );
  let otherLanguages: OtherLanguages | undefined;
  try {
    otherLanguages = loadOtherLanguages(root);
  } catch (error) {
    problems.push(problemFromError(join(root, LOCALES_DIR, OTHER_LANGUAGES_FILE), error));
  }
  const engines = new Map<string, EngineContent>();
  const rendered = new Map<string, RenderedText[]>();
  const coverage = packCoverage(root, packs, [...library.articles.keys()]);
  problems.push(...coverageProblems(packs, coverage));
  for (const pack of packs.packs.values()) {
    // A pack's own files (knowledge/locales/<locale>/...), else the source's (src/locale/packFiles.ts).
    const words = localizeContent({ ...source, articles: packArticles(root, packs, pack, library, problems) }, pack);
    const packPatient = packFileOr(root, packs, pack, 'nlu/patient.yaml', patient, (path) => createPatientReader(loadPatientWordsFile(path)), problems);
    const packDirect = packFileOr(root, packs, pack, 'nlu/direct-questions.yaml', direct, loadDirectQuestions, problems);
    rendered.set(pack.locale, renderedPackTexts(words, pack));
    const numbers = resolveHelpNumbers(pack.numbers, overrides, helpLines);
    engines.set(pack.locale, {
      dialogs: words.dialogs,
      articles: words.articles,
      messages: words.messages,
      triageRules: words.triageRules,
      trials,
      emergencyNumber: numbers.emergency_number,
      patient: packPatient,
      direct: packDirect,
      crisisLine: numbers.crisis_line,
      poisonLine: numbers.poison_line,
      locale: pack.locale,
      ...(otherLanguages ? { otherLanguages } : {}),
      redFlagLabel: (id) => words.redFlagLabels.get(id) ?? id,
      redFlagLabelOther: (id) => words.redFlagLabelsOther.get(id) ?? words.redFlagLabels.get(id) ?? id,
      confirmQuestion: (id) => words.confirmQuestions.get(id) ?? confirmQuestion(patterns, id as never),
    });
  }
  problems.push(...renderProblems(engines));
  problems.push(...localWordProblems(packs, rendered));
  const engine = engines.get(defaultLocale) ?? engines.get(packs.source);
  if (!engine) return { problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
  const choosable = packsForNumber(engines.keys(), emergencyNumber, helpLines);
  const locales: LocaleContents = {
    defaultLocale: engine.locale ?? packs.source,
    engines,
    overrides: new Map([...packs.packs.values()].map((p) => [p.locale, Object.keys(p.texts).sort()])),
    coverage,
    // With EMERGENCY_NUMBER set, only the packs whose words fit that number (help-lines.yaml).
    engineFor: (locale) => engines.get(chooseLocale(choosable, locale, engine.locale ?? packs.source)) ?? engine,
  };
  return { engine, locales, redFlagPatterns: patterns, crisisPatterns, problems, readability: readability.map(({ article, grade }) => ({ article, grade })) };
}

export function loadContent(root: string, emergencyNumber: string | undefined, options: ContentOptions = {}): LoadedContent {
  const inspected = inspectContent(root, emergencyNumber, options);
  if (inspected.problems.length > 0 || !inspected.engine || !inspected.locales || !inspected.redFlagPatterns || !inspected.crisisPatterns)
    throw new ContentError(inspected.problems);
  return inspected as LoadedContent;
}

/** A pack's own copy of a file, loaded; the source's (already loaded) when the pack has none. */
function packFileOr<T>(
  root: string,
  packs: PackSet,
  pack: ResolvedPack,
  name: string,
  sourceValue: T,
  load: (path: string) => T,
  problems: ContentProblem[],
): T {
  const { path, from } = resolvePackFile(root, packs, pack, name);
  if (from === packs.source) return sourceValue;
  try {
    return load(path);
  } catch (error) {
    if (from === pack.locale) problems.push(problemFromError(path, error));
    return sourceValue;
  }
}
