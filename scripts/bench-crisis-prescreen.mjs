// The crisis reading's per-message cost with and without its pre-screen (#13): the development
// sets' texts read in alternating rounds (old, new, old, new...) so a loaded machine weighs on
// both alike. Prints each round's mean per message and the median and range per reading.
// Usage: npx tsc -p tsconfig.json && node scripts/bench-crisis-prescreen.mjs [rounds=5] [language file]
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createCrisisDetector, loadCrisisPatterns } from '../dist/nlu/crisis.js';

const rounds = Number(process.argv[2] ?? 5);
const file = process.argv[3] ?? 'knowledge/crisis.yaml';
const texts = readdirSync('tests')
  .filter((name) => /^nlu-(dev.*|heldout)\.yaml$/.test(name))
  .flatMap((name) => parse(readFileSync(`tests/${name}`, 'utf8')).map((item) => item.text))
  .filter((text) => typeof text === 'string');
const patterns = loadCrisisPatterns(file);
const readers = {
  full: createCrisisDetector(patterns, [], { prescreen: false }),
  prescreened: createCrisisDetector(patterns, [], { prescreen: true }),
};
const perMessageUs = (detector) => {
  const start = process.hrtime.bigint();
  for (const text of texts) detector.detect(text);
  return Number(process.hrtime.bigint() - start) / 1000 / texts.length;
};
for (const detector of Object.values(readers)) perMessageUs(detector); // warm-up
const times = { full: [], prescreened: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? ['full', 'prescreened'] : ['prescreened', 'full']) times[name].push(perMessageUs(readers[name]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${file}: ${texts.length} messages, ${rounds} rounds alternating`);
for (const [name, xs] of Object.entries(times))
  console.log(
    `${name.padEnd(12)} ${median(xs).toFixed(1)} us/message (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}); rounds ${xs.map((x) => x.toFixed(1)).join(' ')}`,
  );
