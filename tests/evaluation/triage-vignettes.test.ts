// Every vignette played through the real conversation (same adapter path as the server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { TRIAGE_LEVELS } from '../../src/contract.js';
import { loadVignettes, runVignettes, type TriageReport } from '../../src/eval/triageRunner.js';
import { testBackline } from '../helpers/backline.js';

const vignettes = loadVignettes('tests/triage-vignettes.yaml');
let backline: Backline;
let report: TriageReport;

beforeAll(async () => {
  backline = testBackline();
  report = await runVignettes(backline, vignettes);
}, 120_000);
afterAll(async () => {
  await backline.close();
});

describe('triage vignettes', () => {
  it('there are at least 60, covering every level, both phrasings and red-flag openings', () => {
    expect(vignettes.length).toBeGreaterThanOrEqual(60);
    for (const level of TRIAGE_LEVELS)
      expect(
        vignettes.some((v) => v.expect === level),
        level,
      ).toBe(true);
    expect(vignettes.some((v) => v.phrasing === 'varied')).toBe(true);
    expect(vignettes.some((v) => v.phrasing === 'plain')).toBe(true);
    expect(vignettes.filter((v) => v.opening).length).toBeGreaterThanOrEqual(8);
  });

  it('under-triage is zero', () => {
    const under = report.results.filter((r) => r.got === null || TRIAGE_LEVELS.indexOf(r.got) > TRIAGE_LEVELS.indexOf(r.expected));
    expect(under).toEqual([]);
    expect(report.underTriage).toBe(0);
  });

  it('exact match is at least 0.95', () => {
    expect(report.exact / report.total).toBeGreaterThanOrEqual(0.95);
  });
});
