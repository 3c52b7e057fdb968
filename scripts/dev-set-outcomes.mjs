#!/usr/bin/env node
// What the bot does with each development-set message (tests/nlu-dev*.yaml, nlu-heldout.yaml)
// sent first in a fresh conversation, one line per expected sign of a report (raised / urgent)
// and per near miss (alarmed), plus each set's numbers, so that two trainings can be compared
// report by report (which reports a retrain lost, which near misses it stopped alarming on).
//
//   npx tsc -p tsconfig.json && node scripts/dev-set-outcomes.mjs --json OUT [FILE...]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RED_FLAG_IDS } from '../dist/contract.js';
import { devSetFiles, openBackline, scoreDevSet } from './dev-sets.mjs';

const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const files = devSetFiles(positionals);
const backline = openBackline();
const out = {};
for (const file of files) {
  const { items, replies, understand, report } = await scoreDevSet(backline, file);
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
