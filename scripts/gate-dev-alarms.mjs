#!/usr/bin/env node
// The development sets' near misses that still raise a flag, a confirming question or advice
// (what `backline test nlu FILE` counts as false alarms), each with the gate's reading of every
// sign it raised, so false alarms can be counted by kind; plus the sets' recall numbers.
//
//   npx tsc -p tsconfig.json && node scripts/gate-dev-alarms.mjs [--json OUT] [FILE...]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { devSetFiles, openBackline, scoreDevSet } from './dev-sets.mjs';

const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const files = devSetFiles(positionals, /^nlu-dev.*\.yaml$/);
const backline = openBackline();
const out = {};
for (const file of files) {
  const { items, replies, report } = await scoreDevSet(backline, file);
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
