// knowledge/nlu/direct-questions.yaml names, by section id, the sections of a condition's article
// that answer "what points to X" (ids stay the same in every language pack); `backline check`
// reports an id that a condition's article does not have.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContent } from '../../src/content.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'backline-direct-'));
  cpSync('knowledge', join(root, 'knowledge'), { recursive: true });
  cpSync('dialogs', join(root, 'dialogs'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const problems = () => inspectContent(root, undefined, { cacheDir: 'data/test-nlu-cache' }).problems.map((p) => p.message);
const file = () => join(root, 'knowledge', 'nlu', 'direct-questions.yaml');

describe('points_to_sections', () => {
  it('every condition article has both sections', () => {
    expect(problems().filter((m) => m.includes('points_to_sections'))).toEqual([]);
  });

  it('a section id no condition article has is reported, for each article', () => {
    const source = readFileSync('knowledge/nlu/direct-questions.yaml', 'utf8');
    writeFileSync(file(), source.replace('answer: typical-symptoms', 'answer: typical-signs'));
    const found = problems().filter((m) => m.includes('no section "typical-signs"'));
    expect(found.length).toBe(6);
    writeFileSync(file(), source);
  }, 60_000);
});
