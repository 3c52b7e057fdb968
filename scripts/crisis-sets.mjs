// Crisis recall and false alarms per set (after `npx tsc -p tsconfig.json`): every development set
// tests/nlu-dev*.yaml (its items labelled `crisis:`), every crisis round of
// knowledge/nlu/red-flag-corpus and knowledge/nlu/crisis-corpus, through the bot's own
// crisis check (the patterns, or the learned crisis gate at its threshold through learned_needs,
// dose_talk and learned_not_when), with the patterns alone beside it. The gate trains on every
// round, so its part there is not held out (scripts/crisis-rounds.mjs holds each round out); the
// development sets are in no training.
// Usage: node scripts/crisis-sets.mjs [-v] [--only=NAME]   (-v lists the misses and false alarms)
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve('.');
const dist = (m) => import(join(root, 'dist', m));
const { createNluEngine } = await dist('nlu/understand.js');
const { loadRedFlagPatterns } = await dist('nlu/redFlagPatternCache.js');
const { createCrisisDetector, loadCrisisPatterns } = await dist('nlu/crisis.js');
const engine = createNluEngine({
  root,
  cacheDir: process.env.NLU_CACHE_DIR ?? join(root, 'data', 'nlu-cache'),
  redFlagPatterns: loadRedFlagPatterns(join(root, 'knowledge/red-flags.yaml')),
});
const patterns = createCrisisDetector(loadCrisisPatterns(join(root, 'knowledge/crisis.yaml')));
const verbose = process.argv.includes('-v');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const sets = [];
for (const file of readdirSync(join(root, 'tests'))
  .filter((f) => /^nlu-dev.*\.yaml$/.test(f))
  .sort()) {
  const items = parse(readFileSync(join(root, 'tests', file), 'utf8')).filter((i) => i && typeof i.crisis === 'boolean');
  if (items.length > 0)
    sets.push({ name: file, positives: items.filter((i) => i.crisis).map((i) => i.text), negatives: items.filter((i) => !i.crisis).map((i) => i.text) });
}
const textOf = (v) => (typeof v === 'string' ? v : v.text);
for (const dir of ['knowledge/nlu/red-flag-corpus', 'knowledge/nlu/crisis-corpus']) {
  for (const file of readdirSync(join(root, dir))
    .filter((f) => /^crisis.*\.yaml$/.test(f))
    .sort()) {
    const round = parse(readFileSync(join(root, dir, file), 'utf8'));
    sets.push({ name: `${basename(dir)}/${file}`, positives: round.positives.map(textOf), negatives: round.near_misses.map(textOf) });
  }
}

const total = { hit: 0, positives: 0, alarms: 0, negatives: 0 };
for (const set of sets) {
  if (only && !set.name.includes(only)) continue;
  const missed = set.positives.filter((t) => !engine.detectCrisis(t).crisis);
  const alarms = set.negatives.filter((t) => engine.detectCrisis(t).crisis);
  const byPatterns = (texts) => texts.filter((t) => patterns.detect(t).crisis).length;
  total.hit += set.positives.length - missed.length;
  total.positives += set.positives.length;
  total.alarms += alarms.length;
  total.negatives += set.negatives.length;
  console.log(
    `${set.name.padEnd(48)} recall ${set.positives.length - missed.length}/${set.positives.length}  false alarms ${alarms.length}/${set.negatives.length}  (patterns alone ${byPatterns(set.positives)}/${set.positives.length}, ${byPatterns(set.negatives)}/${set.negatives.length})`,
  );
  if (verbose) {
    for (const t of missed) console.log(`   missed: ${t}`);
    for (const t of alarms) console.log(`   false alarm: ${t}`);
  }
}
const rate = (a, b) => (b === 0 ? '-' : (a / b).toFixed(4));
console.log(
  `all: recall ${total.hit}/${total.positives} = ${rate(total.hit, total.positives)}, false alarms ${total.alarms}/${total.negatives} = ${rate(total.alarms, total.negatives)}`,
);
