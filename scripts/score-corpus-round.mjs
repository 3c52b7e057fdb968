#!/usr/bin/env node
// Scores corpus files (a new writing round, before it is trained on) through the union the bot
// acts on (patterns, learned detector, assertion gate; crisis layer for crisis files): per sign,
// recall of the positives (a flag or a confirming question for the sign; crisis: a crisis hit),
// urgent recall (the sign flagged at once) and the share of near misses that raise anything.
// Run it on a round BEFORE copying it into knowledge/nlu/red-flag-corpus/: that is the
// nearest thing to a blind number for the new writers.
//
//   npx tsc -p tsconfig.json && node scripts/score-corpus-round.mjs DIR [--json] [--misses]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../dist/config.js';
import { loadContent } from '../dist/content.js';
import { createNluEngine } from '../dist/nlu/understand.js';
import { parseCorpus, readCorpusSources } from '../dist/nlu/learnedCorpus.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false }, misses: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node scripts/score-corpus-round.mjs DIR [--json] [--misses]\n');
  process.exit(2);
}
const config = loadConfig(process.env);
const content = loadContent(config.CONTENT_DIR, config.EMERGENCY_NUMBER, { cacheDir: config.NLU_CACHE_DIR, locale: config.LOCALE });
const engine = createNluEngine({
  root: config.CONTENT_DIR,
  cacheDir: config.NLU_CACHE_DIR,
  redFlagPatterns: content.redFlagPatterns,
  crisisPatterns: content.crisisPatterns,
});
const base = readCorpusSources('knowledge/nlu');
const dir = positionals[0];
const out = {};
const misses = [];
const total = { positives: 0, recall: 0, urgent: 0, nearMisses: 0, falseAlarms: 0 };
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const [file] = parseCorpus({ ...base, corpus: [[name, readFileSync(join(dir, name), 'utf8')]] });
  const sign = file.sign;
  const r = { positives: file.positives.length, recall: 0, urgent: 0, nearMisses: file.nearMisses.length, falseAlarms: 0 };
  const anything = (text) => {
    const c = engine.detectCrisis(text);
    const d = engine.detectRedFlags(text);
    return { crisis: c.crisis, flags: d.flags, possible: d.possible };
  };
  for (const text of file.positives) {
    const a = anything(text);
    const hit = sign === 'crisis' ? a.crisis : a.flags.includes(sign) || a.possible.includes(sign);
    const urgent = sign === 'crisis' ? a.crisis : a.flags.includes(sign);
    if (hit) r.recall++;
    else misses.push(`${sign}: ${text}`);
    if (urgent) r.urgent++;
  }
  for (const n of file.nearMisses) {
    const a = anything(n.text);
    const alarm = sign === 'crisis' ? a.crisis : a.flags.length + a.possible.length > 0;
    if (alarm) r.falseAlarms++;
  }
  for (const k of Object.keys(total)) total[k] += r[k];
  out[sign] = r;
}
const pct = (n, d) => (d === 0 ? '     -' : `${((100 * n) / d).toFixed(1)}%`.padStart(6));
if (values.json) process.stdout.write(`${JSON.stringify({ signs: out, total, misses })}\n`);
else {
  process.stdout.write('  sign                     n   recall  urgent |  nm   alarms\n');
  for (const [sign, r] of Object.entries({ ...out, total }))
    process.stdout.write(
      `  ${sign.padEnd(22)} ${String(r.positives).padStart(4)}  ${pct(r.recall, r.positives)} ${pct(r.urgent, r.positives)} | ${String(r.nearMisses).padStart(4)}  ${pct(r.falseAlarms, r.nearMisses)}\n`,
    );
  if (values.misses) for (const m of misses) process.stdout.write(`missed ${m}\n`);
}
