#!/usr/bin/env node
// What the bot does with each development-set message (tests/nlu-dev*.yaml, nlu-heldout.yaml)
// sent first in a fresh conversation, one line per expected sign of a report (raised / urgent)
// and per near miss (alarmed), plus each set's numbers, so that two trainings can be compared
// report by report (which reports a retrain lost, which near misses it stopped alarming on).
//
//   npx tsc -p tsconfig.json && node scripts/dev-set-outcomes.mjs --json OUT [FILE...]
import { readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackline } from '../dist/app.js';
import { firstReplies } from '../dist/cli/nlu.js';
import { loadConfig } from '../dist/config.js';
import { loadNluTestFile, scoreNlu } from '../dist/eval/nluEvaluate.js';
import { silentLogger } from '../dist/logger.js';
import { RED_FLAG_IDS } from '../dist/contract.js';

const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const files =
  positionals.length > 0
    ? positionals
    : readdirSync('tests')
        .filter((f) => /^nlu-(dev.*|heldout)\.yaml$/.test(f))
        .map((f) => `tests/${f}`)
        .sort();
const config = loadConfig({ ...process.env, STORAGE: 'memory', LOG_LEVEL: 'error', EMERGENCY_NUMBER: '911' });
const backline = createBackline(config, { logger: silentLogger, retentionSweep: false });
const out = {};
for (const file of files) {
  const items = loadNluTestFile(file);
  const labelled = items.filter((i) => i.red_flags !== undefined || i.crisis !== undefined).map((i) => i.text);
  const replies = await firstReplies(backline, labelled);
  const understand = (text) => backline.nlu.understand(text);
  const report = scoreNlu(items, understand, replies);
  const outcomes = [];
  for (const item of items) {
    if (item.red_flags === undefined) continue;
    const reply = replies.get(item.text);
    const got = new Set(understand(item.text).redFlags);
    const asked = new Set(reply?.asked ?? []);
    if (item.red_flags.length === 0) {
      const alarmed = Boolean(reply?.advice) || [...asked].some((e) => RED_FLAG_IDS.includes(e));
      outcomes.push({ text: item.text, sign: '', alarmed });
    }
    for (const f of item.red_flags) {
      const urgent = Boolean(reply?.advice) && (reply.askedFirst ?? asked.size > 0) === false && got.has(f);
      const raised = (Boolean(reply?.advice) && got.has(f)) || asked.has(f);
      outcomes.push({ text: item.text, sign: f, raised, urgent });
    }
  }
  const rf = report.redFlags;
  out[file] = { recall: rf.recall, urgentRecall: rf.urgentRecall, falseAlarmRate: rf.falseAlarmRate, crisis: report.crisis?.recall, outcomes };
  console.error(`${file}: recall ${rf.recall} urgent ${rf.urgentRecall} FA ${rf.falseAlarmRate}`);
}
await backline.close();
if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 1) + '\n');
