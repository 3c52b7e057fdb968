// knowledge/trials/ is checked like the rest of the content: every problem with file and line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTrials } from '../../src/trials/catalogue.js';
import { nextQuestion, verdicts } from '../../src/trials/screen.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const QUESTIONS = `questions:
  - id: diagnosed
    kind: yes_no
    text: "Diagnosed?"
  - id: age
    kind: age
    text: "How old are you?"
`;

function write(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'backline-trials-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const trial = (extra: string) => `id: t1
title: "T1"
sponsor: Example Unit
sites: ["Example site"]
summary: "S"
contact: "c@example.org"
privacy: "P"
${extra}`;

describe('loadTrials', () => {
  it('the shipped trials load without problems', () => {
    const { catalogue, problems } = loadTrials('knowledge/trials');
    expect(problems).toEqual([]);
    expect(catalogue.trials.length).toBeGreaterThanOrEqual(2);
  });

  it('reports an unknown question, a wrong rule kind and a missing field with file and line', () => {
    const d = write({
      'questions.yaml': QUESTIONS,
      't1.yaml': trial(`inclusion:
  - question: diagnosed
    answer: "yes"
    reason: r
  - question: smoker
    answer: "yes"
    reason: r
exclusion:
  - question: age
    answer: "yes"
    reason: r
`),
      't2.yaml': 'id: t2\ntitle: "T2"\n',
    });
    const { problems } = loadTrials(d);
    const t1 = join(d, 't1.yaml');
    expect(problems).toContainEqual({ file: t1, line: 12, message: expect.stringMatching(/unknown question "smoker"/) });
    expect(problems).toContainEqual({ file: t1, line: 16, message: expect.stringMatching(/"age" asks for an age: give "min" and\/or "max"/) });
    expect(problems.some((p) => p.file === join(d, 't2.yaml') && /sponsor/.test(p.message))).toBe(true);
  });

  it('a YAML error names its line', () => {
    const d = write({ 'questions.yaml': QUESTIONS, 't1.yaml': 'id: t1\ntitle: [unclosed\n' });
    const { problems } = loadTrials(d);
    expect(problems[0]).toMatchObject({ file: join(d, 't1.yaml'), message: expect.stringMatching(/^YAML/) });
  });

  it('asks only what is still needed', () => {
    const d = write({
      'questions.yaml': QUESTIONS,
      't1.yaml': trial(`inclusion:
  - question: diagnosed
    answer: "yes"
    reason: r
  - question: age
    min: 18
    reason: adults
`),
    });
    const { catalogue, problems } = loadTrials(d);
    expect(problems).toEqual([]);
    expect(nextQuestion(catalogue, {})?.id).toBe('diagnosed');
    expect(nextQuestion(catalogue, { trial_diagnosed: 'no' })).toBeUndefined();
    expect(nextQuestion(catalogue, { trial_diagnosed: 'unsure' })?.id).toBe('age');
    expect(verdicts(catalogue, { trial_diagnosed: 'unsure', age: 17 })[0]).toMatchObject({ status: 'no', reason: 'adults' });
    expect(verdicts(catalogue, { trial_diagnosed: 'unsure', age: 30 })[0]).toMatchObject({ status: 'maybe' });
  });
});
