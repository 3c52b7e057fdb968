// The layer check (`npm run depcheck`, .dependency-cruiser.cjs; npm test runs it on src/) must
// fail on a circle, an upward import, a domain module importing the bot and product code
// importing src/eval/, so a broken rule cannot pass silently.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function depcruise(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

const fixtures: string[] = [];
afterAll(() => fixtures.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throwaway project with the given src/ files and the repository's compiler options. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'backline-layers-'));
  fixtures.push(dir);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('layer rules (dependency-cruiser)', { timeout: 60_000 }, () => {
  it('fails on a circle, an upward import, a domain module importing the bot and product code importing src/eval/', () => {
    const dir = project({
      'src/contract.ts': "export const ID = 'x';\n",
      'src/nlu/understand.ts': "import type { Bot } from '../bot/bot.js';\nexport type Understander = { bot?: Bot };\n",
      'src/bot/bot.ts': "import type { Understander } from '../nlu/understand.js';\nexport type Bot = { nlu?: Understander };\n",
      'src/storage/store.ts': "import { ID } from '../contract.js';\nimport { score } from '../eval/score.js';\nexport const key = ID + score;\n",
      'src/eval/score.ts': 'export const score = 1;\n',
    });
    const run = depcruise(dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/no-circular: src\/(nlu\/understand|bot\/bot)\.ts/);
    expect(run.output).toContain('layer-domain-not-up: src/nlu/understand.ts → src/bot/bot.ts');
    expect(run.output).toContain('domain-not-to-bot: src/nlu/understand.ts → src/bot/bot.ts');
    expect(run.output).toContain('layer-platform-not-up: src/storage/store.ts → src/eval/score.ts');
    expect(run.output).toContain('no-tooling-in-product: src/storage/store.ts → src/eval/score.ts');
    expect(run.output).not.toContain('src/storage/store.ts → src/contract.ts');
  });
});
