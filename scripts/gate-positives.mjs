#!/usr/bin/env node
// Every real report the gate reads as not current: each corpus positive
// (knowledge/nlu/red-flag-corpus/*.yaml, crisis files aside) and each development-set report
// (tests/nlu-dev*.yaml, one line per expected sign), judged by the gate's rules alone and by the
// rules with the learned assertion model (knowledge/nlu/assertion-model.json thresholds). A new
// rule must add no line to this list: run it before and after a change and compare.
//
//   npx tsc -p tsconfig.json && node scripts/gate-positives.mjs [--out FILE] [--extra DIR]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CAUDA_EQUINA_FLAGS } from '../dist/contract.js';
import { createAssertionGate, loadAssertionCues } from '../dist/nlu/assertionGate.js';
import { loadOrTrainAssertionModel, loadAssertionThresholds } from '../dist/nlu/assertionTraining.js';
import { parseCorpus, readCorpusSources } from '../dist/nlu/learnedCorpus.js';
import { loadNluTestFile } from '../dist/eval/nluEvaluate.js';
import { createPatientReader, loadPatientWords } from '../dist/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../dist/nlu/redFlagDetector.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, extra: { type: 'string', multiple: true, default: [] } } });
const base = {
  cues: loadAssertionCues('.'),
  detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'],
};
const rules = createAssertionGate(base);
const model = loadOrTrainAssertionModel({ root: '.', cacheDir: process.env.NLU_CACHE_DIR ?? 'data/nlu-cache', describe: (s, t) => rules.describe(s, t) }).model;
const both = createAssertionGate({ ...base, learned: { model, thresholds: loadAssertionThresholds('knowledge/nlu').thresholds } });
const reports = [];
const sources = readCorpusSources('knowledge/nlu');
for (const dir of values.extra)
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) sources.corpus.push([f, readFileSync(join(dir, f), 'utf8')]);
for (const file of parseCorpus(sources)) if (file.sign !== 'crisis') for (const text of file.positives) reports.push({ sign: file.sign, text, from: 'corpus' });
for (const f of readdirSync('tests').filter((n) => /^nlu-dev.*\.yaml$/.test(n)))
  for (const item of loadNluTestFile(join('tests', f))) for (const sign of item.red_flags ?? []) reports.push({ sign, text: item.text, from: f });
// A carer's report is also read retold in the first person (src/bot/safetyResponses.ts
// detectForPatient): the sign is then judged in the writer's words with the retelling beside them.
const reader = base.patient;
const notCurrent = [];
for (const r of reports) {
  const a = rules.judge(r.sign, r.text);
  const b = both.judge(r.sign, r.text);
  if (a.status !== 'current' || b.status !== 'current')
    notCurrent.push(`${r.from}\t${r.sign}\trules:${a.status}${a.strong ? '!' : ''}\tboth:${b.status}${b.strong ? '!' : ''}\t${r.text.replace(/\s+/g, ' ')}`);
  const reading = reader.read(r.text);
  if (reading.who !== 'other') continue;
  const retold = reader.toFirstPerson(r.text, {
    who: 'other',
    ...(reading.rel ? { rel: reading.rel } : {}),
    ...(reading.pronoun ? { pronoun: reading.pronoun } : {}),
  });
  if (retold === r.text.toLowerCase().replace(/[’'`]/g, '').trim()) continue;
  // What the bot acts on: the retelling judged, then the writer's words beside it (the gate runs on both in turn).
  const c = both.judge(r.sign, retold);
  const d = both.judge(r.sign, r.text, undefined, process.env.NO_RETOLD ? undefined : retold);
  if (c.status !== 'current' || d.status !== 'current')
    notCurrent.push(`${r.from}\t${r.sign}\tretold:${c.status}${c.strong ? '!' : ''}\twords:${d.status}${d.strong ? '!' : ''}\t${r.text.replace(/\s+/g, ' ')}`);
}
notCurrent.sort();
console.error(`${reports.length} real reports, ${notCurrent.length} not current`);
if (values.out) writeFileSync(values.out, notCurrent.join('\n') + '\n');
else console.log(notCurrent.join('\n'));
