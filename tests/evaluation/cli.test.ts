// The backline command as CONTRACT §5 fixes it (runs the built CLI: npm test builds first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function backline(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/backline.js', ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('backline CLI', () => {
  it('nlu --json prints one JSON object in the contract shape', () => {
    const { code, stdout } = backline('nlu', "I'm 52 and i cant feel my bum when i wipe", '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ text: "I'm 52 and i cant feel my bum when i wipe", intent: 'redflag.report' });
    expect(out.redFlags).toContain('saddle_anaesthesia');
    expect(out.entities).toContainEqual({ type: 'age', value: 52 });
    expect(out.ranking[0]).toHaveProperty('intent');
    expect(typeof out.confidence).toBe('number');
  });

  it('test nlu --json scores a labelled file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-cli-'));
    const file = join(dir, 'nlu.yaml');
    writeFileSync(
      file,
      '- text: what is sciatica\n  intent: condition.sciatica\n- text: no bladder problems at all\n  intent: care.when_to_see_doctor\n  red_flags: []\n',
    );
    const { code, stdout } = backline('test', 'nlu', file, '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    for (const key of ['total', 'accuracy', 'macroF1', 'outOfScopeRecall', 'perIntent', 'redFlags', 'errors']) expect(out).toHaveProperty(key);
    expect(out.total).toBe(2);
    expect(out.redFlags).toMatchObject({ cases: 1, falseAlarmRate: 0 });
  });

  it('test nlu --json scores red flags and crisis on what the bot does with a first message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-cli-'));
    const file = join(dir, 'nlu.yaml');
    writeFileSync(
      file,
      [
        '- text: i cant feel my bum when i wipe',
        '  intent: redflag.report',
        '  red_flags: [saddle_anaesthesia]',
        '- text: my wife has been wetting herself since yesterday',
        '  intent: redflag.report',
        '  red_flags: [bladder_dysfunction]',
        '- text: what is saddle numbness?',
        '  intent: redflag.report',
        '  red_flags: []',
        '- text: this back pain is killing me',
        '  intent: out_of_scope',
        '  crisis: false',
        '',
      ].join('\n'),
    );
    const { code, stdout } = backline('test', 'nlu', file, '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.redFlags).toMatchObject({ cases: 3, recall: 1, urgentRecall: 1, falseAlarmRate: 0 });
    expect(out.redFlags.perFlag.saddle_anaesthesia).toEqual({ recall: 1, urgentRecall: 1, support: 1 });
    expect(out.redFlags.perFlag.bladder_dysfunction).toEqual({ recall: 1, urgentRecall: 1, support: 1 });
    expect(out.crisis).toEqual({ recall: 1, falseAlarmRate: 0, cases: 1 });
  });

  it('nlu --json shows both red-flag detectors in redFlagDetail', () => {
    const { code, stdout } = backline('nlu', 'my dad says both his legs have gone numb', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.redFlags).toContain('bilateral_leg_symptoms');
    expect(out.redFlagDetail.rule).toHaveProperty('hits');
    expect(Array.isArray(out.redFlagDetail.learned)).toBe(true);
    expect(out.redFlagDetail.union.flags).toContain('bilateral_leg_symptoms');
  });

  it('test triage --json runs vignettes through the conversation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-cli-'));
    const file = join(dir, 'v.yaml');
    writeFileSync(file, '- name: fever\n  evidence: {fever: true, age: 40, duration_weeks: 1}\n  phrasing: varied\n  expect: consultation_24\n');
    const { code, stdout } = backline('test', 'triage', file, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      total: 1,
      exact: 1,
      underTriage: 0,
      overTriage: 0,
      results: [{ name: 'fever', expected: 'consultation_24', got: 'consultation_24' }],
    });
  });

  it.each([
    [['test', 'nlu', '/nonexistent/file.yaml']],
    [['test', 'triage', 'package.json']],
    [['nlu']],
    [['frobnicate']],
    [['test', 'nlu', 'x', '--cross-validate', 'one']],
  ])('exit code 2 with a message for bad input: %j', (args) => {
    const { code, stderr } = backline(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/backline/);
  });

  it('check passes on the shipped content', () => {
    const { code, stdout } = backline('check');
    expect(code).toBe(0);
    expect(stdout).toMatch(/No problems found/);
  });
});
