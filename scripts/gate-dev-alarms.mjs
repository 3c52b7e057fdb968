#!/usr/bin/env node
// The development sets' near misses that still raise a flag, a confirming question or advice
// (what `backline test nlu FILE` counts as false alarms), each with the gate's reading of every
// sign it raised, so false alarms can be counted by kind; plus the sets' recall numbers.
//
//   npx tsc -p tsconfig.json && node scripts/gate-dev-alarms.mjs [--json OUT] [FILE...]
import { readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackline } from '../dist/app.js';
import { firstReplies } from '../dist/cli/nlu.js';
import { loadConfig } from '../dist/config.js';
import { loadNluTestFile, scoreNlu } from '../dist/eval/nluEvaluate.js';
import { silentLogger } from '../dist/logger.js';

const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const files =
  positionals.length > 0
    ? positionals
    : readdirSync('tests')
        .filter((f) => /^nlu-dev.*\.yaml$/.test(f))
        .map((f) => `tests/${f}`)
        .sort();
const config = loadConfig({ ...process.env, STORAGE: 'memory', LOG_LEVEL: 'error', EMERGENCY_NUMBER: '911' });
const backline = createBackline(config, { logger: silentLogger, retentionSweep: false });
const out = {};
for (const file of files) {
  const items = loadNluTestFile(file);
  const labelled = items.filter((i) => i.red_flags !== undefined || i.crisis !== undefined).map((i) => i.text);
  const replies = await firstReplies(backline, labelled);
  const report = scoreNlu(items, (text) => backline.nlu.understand(text), replies);
  const alarms = [];
  for (const item of items) {
    if (!item.red_flags || item.red_flags.length > 0) continue;
    const reply = replies.get(item.text);
    const asked = (reply?.asked ?? []).filter((e) => e !== 'crisis');
    if (!reply?.advice && asked.length === 0) continue;
    const explained = backline.nlu.explainRedFlags(item.text);
    alarms.push({
      text: item.text,
      advice: reply.advice,
      asked,
      union: explained.union,
      learned: explained.learned.map((h) => `${h.sign}:${h.level}:${h.status}`),
    });
  }
  const rf = report.redFlags;
  out[file] = { recall: rf.recall, urgentRecall: rf.urgentRecall, falseAlarmRate: rf.falseAlarmRate, crisis: report.crisis, alarms };
  console.error(`${file}: recall ${rf.recall} urgent ${rf.urgentRecall} FA ${rf.falseAlarmRate} (${alarms.length} alarms)`);
}
await backline.close();
if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 1) + '\n');
