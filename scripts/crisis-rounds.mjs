// Leave-one-round-out for the crisis layer (after `npx tsc -p tsconfig.json`): for each crisis
// round of knowledge/nlu/red-flag-corpus (crisis.yaml, crisis.s4.yaml, ...; plus an optional
// fresh round given as an argument), the learned model is trained without that round (every
// other corpus file kept, thresholds from red-flag-model.json) and the round is scored through
// the same union as the bot's crisis check: the curated patterns, or a sure, current learned hit
// that passes learned_needs. The patterns were written with the rounds in view, so their column
// is a development number; the learned columns are held out.
// Usage: node scripts/crisis-rounds.mjs [FRESH_ROUND.yaml]   (models cached in $TMPDIR/crisis-rounds)
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve('.');
const dist = (m) => import(join(root, 'dist', m));
const { loadOrTrainLearnedRedFlags } = await dist('nlu/learnedRedFlags.js');
const { learnedHits } = await dist('nlu/understand.js');
const { createRedFlagDetector } = await dist('nlu/redFlagDetector.js');
const { loadRedFlagPatterns } = await dist('nlu/redFlagPatternCache.js');
const { createCrisisDetector, loadCrisisPatterns } = await dist('nlu/crisis.js');
const detector = createRedFlagDetector(loadRedFlagPatterns(join(root, 'knowledge/red-flags.yaml')));
const crisis = createCrisisDetector(loadCrisisPatterns(join(root, 'knowledge/crisis.yaml')));
const corpusDir = join(root, 'knowledge/nlu/red-flag-corpus');
const extra = process.argv[2] ? resolve(process.argv[2]) : undefined;
const rounds = readdirSync(corpusDir)
  .filter((f) => f.startsWith('crisis'))
  .map((f) => join(corpusDir, f));
if (extra && !rounds.some((r) => basename(r) === basename(extra))) rounds.push(extra);
const work = join(tmpdir(), 'crisis-rounds');
for (const round of rounds) {
  const name = basename(round);
  const dir = join(work, name);
  rmSync(join(dir, 'nlu'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'knowledge/nlu'), join(dir, 'nlu'), { recursive: true });
  rmSync(join(dir, 'nlu/red-flag-corpus', name), { force: true });
  if (extra && name !== basename(extra)) copyFileSync(extra, join(dir, 'nlu/red-flag-corpus', basename(extra)));
  const model = loadOrTrainLearnedRedFlags({ dataDir: join(dir, 'nlu'), cacheDir: join(dir, 'cache') }).model;
  const data = parse(readFileSync(round, 'utf8'));
  const positives = data.positives.map((t) => (typeof t === 'string' ? t : t.text));
  const nearMisses = data.near_misses.map((n) => (typeof n === 'string' ? n : n.text));
  const judge = (text) => {
    const byPatterns = crisis.detect(text).crisis;
    const hit = learnedHits(model, detector, text).find((h) => h.sign === 'crisis' && h.status === 'current' && h.level === 'sure');
    const byLearned = hit !== undefined && crisis.learnedCounts(text, hit.p);
    return { byPatterns, learned: hit !== undefined, byLearned, union: byPatterns || byLearned };
  };
  const p = positives.map(judge);
  const n = nearMisses.map(judge);
  const share = (xs, key) => `${xs.filter((x) => x[key]).length}/${xs.length}`;
  console.log(
    `${name}: union recall ${share(p, 'union')} false alarms ${share(n, 'union')} | learned (held out) ${share(p, 'learned')} / ${share(n, 'learned')}, through learned_needs ${share(p, 'byLearned')} / ${share(n, 'byLearned')} | patterns ${share(p, 'byPatterns')} / ${share(n, 'byPatterns')}`,
  );
}
