// Clinical trials as data: knowledge/trials/questions.yaml (the pre-screen questions, asked in
// that order) and one knowledge/trials/<id>.yaml per trial (title, sponsor, sites, summary,
// inclusion and exclusion criteria that refer to those questions, contact and privacy text).
// Checked by `backline check`; every problem names its file and line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { lineFinder, type ContentProblem } from '../engine/loader.js';

const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'an id is lower case letters, digits, - and _');
const questionId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a question id is lower case letters, digits and _');

const questionSchema = z.strictObject({
  id: questionId,
  /** yes_no (with "Not sure") or age (a number of years). */
  kind: z.enum(['yes_no', 'age']),
  text: z.string().min(1),
});

const questionsFileSchema = z.strictObject({ questions: z.array(questionSchema).min(1) });

/** One rule: a yes/no answer (`answer`), or an age range (`min`, `max`), with the one-line reason shown when it rules the trial out. */
const criterionSchema = z
  .strictObject({
    question: questionId,
    answer: z.enum(['yes', 'no']).optional(),
    min: z.number().int().min(0).max(130).optional(),
    max: z.number().int().min(0).max(130).optional(),
    /** Said when this rule rules the trial out ("It is for adults aged 18 to 65."). */
    reason: z.string().min(1).max(200),
  })
  .refine((c) => (c.answer !== undefined) !== (c.min !== undefined || c.max !== undefined), {
    message: 'a criterion has either "answer" (yes/no question) or "min"/"max" (age), not both',
  });

const trialSchema = z.strictObject({
  id,
  /** True for the examples shipped with Backline: the clinic replaces them with its own trials. */
  example: z.boolean().default(false),
  title: z.string().min(1).max(100),
  sponsor: z.string().min(1),
  sites: z.array(z.string().min(1)).min(1),
  summary: z.string().min(1),
  /** Everyone in the trial must meet all of these. */
  inclusion: z.array(criterionSchema).default([]),
  /** Anyone meeting one of these cannot join. */
  exclusion: z.array(criterionSchema).default([]),
  contact: z.string().min(1),
  privacy: z.string().min(1),
});

export type TrialQuestion = z.infer<typeof questionSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type Trial = z.infer<typeof trialSchema>;

export interface TrialCatalogue {
  /** In the order they are asked. */
  questions: TrialQuestion[];
  trials: Trial[];
}

export const QUESTIONS_FILE = 'questions.yaml';

/** Where a pre-screen answer is kept in conversation state: age is shared with the triage questions. */
export function answerKeyOf(question: Pick<TrialQuestion, 'id' | 'kind'>): string {
  return question.kind === 'age' ? 'age' : `trial_${question.id}`;
}

function parseFile<T extends z.ZodType>(
  file: string,
  schema: T,
  problems: ContentProblem[],
): { data: z.infer<T>; lineOf: (path: (string | number)[]) => number } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  const lineOf = lineFinder(doc, lineCounter);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) problems.push({ file, line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
    return undefined;
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push({ file, line: lineOf(path), message: `${path.join('.') || '(file)'}: ${issue.message}` });
    }
    return undefined;
  }
  return { data: parsed.data, lineOf };
}

/** Loads and checks knowledge/trials/; an absent folder is an empty catalogue. */
export function loadTrials(dir: string): { catalogue: TrialCatalogue; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const catalogue: TrialCatalogue = { questions: [], trials: [] };
  if (!existsSync(dir)) return { catalogue, problems };
  const questionsFile = join(dir, QUESTIONS_FILE);
  const trialFiles = readdirSync(dir)
    .filter((f) => (f.endsWith('.yaml') || f.endsWith('.yml')) && f !== QUESTIONS_FILE)
    .sort();
  if (!existsSync(questionsFile)) {
    if (trialFiles.length > 0) problems.push({ file: questionsFile, line: 1, message: 'trials need the pre-screen questions file' });
    return { catalogue, problems };
  }
  const questions = parseFile(questionsFile, questionsFileSchema, problems);
  if (!questions) return { catalogue, problems };
  const byId = new Map<string, TrialQuestion>();
  questions.data.questions.forEach((q, index) => {
    if (byId.has(q.id)) problems.push({ file: questionsFile, line: questions.lineOf(['questions', index, 'id']), message: `duplicate question id "${q.id}"` });
    byId.set(q.id, q);
  });
  catalogue.questions = questions.data.questions;
  const used = new Set<string>();
  for (const name of trialFiles) {
    const file = join(dir, name);
    const loaded = parseFile(file, trialSchema, problems);
    if (!loaded) continue;
    const trial = loaded.data;
    if (catalogue.trials.some((t) => t.id === trial.id)) {
      problems.push({ file, line: loaded.lineOf(['id']), message: `duplicate trial id "${trial.id}"` });
      continue;
    }
    let ok = true;
    for (const list of ['inclusion', 'exclusion'] as const) {
      trial[list].forEach((criterion, index) => {
        const where = loaded.lineOf([list, index, 'question']);
        const question = byId.get(criterion.question);
        if (!question) {
          problems.push({ file, line: where, message: `${list}.${index}: unknown question "${criterion.question}" (see ${QUESTIONS_FILE})` });
          ok = false;
          return;
        }
        used.add(question.id);
        if (question.kind === 'yes_no' && criterion.answer === undefined) {
          problems.push({ file, line: where, message: `${list}.${index}: "${question.id}" is a yes/no question: give "answer"` });
          ok = false;
        }
        if (question.kind === 'age' && criterion.answer !== undefined) {
          problems.push({ file, line: where, message: `${list}.${index}: "${question.id}" asks for an age: give "min" and/or "max"` });
          ok = false;
        }
        if (criterion.min !== undefined && criterion.max !== undefined && criterion.min > criterion.max) {
          problems.push({ file, line: where, message: `${list}.${index}: min is above max` });
          ok = false;
        }
      });
    }
    if (ok) catalogue.trials.push(trial);
  }
  catalogue.questions.forEach((q, index) => {
    if (!used.has(q.id) && catalogue.trials.length > 0) {
      problems.push({ file: questionsFile, line: questions.lineOf(['questions', index]), message: `question "${q.id}" is used by no trial` });
    }
  });
  return { catalogue, problems };
}
