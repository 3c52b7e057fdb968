#!/usr/bin/env node
// Leave-one-round-out estimate of the assertion decisions (the gate's rules with the learned
// assertion model), per near-miss kind. The corpus (knowledge/nlu/red-flag-corpus/) was written
// in rounds, told apart by the file name's part: <sign>.yaml (round "base"), .s4, .s5, .s5b,
// .s5c, .s6... For each round R the model is trained on every other round, its thresholds chosen
// by cross-validation inside those rounds (chooseThresholds, the same budget as
// train-assertion.mjs), and the round R is then judged as the bot judges a detected sign:
//
//   near miss   a false alarm when the sign stays current, or a cauda equina sign stays a
//               confirming question (set aside on a weak cue);
//   positive    kept when it stays current (urgent advice), or a cauda equina sign stays a
//               confirming question; `urgent` counts current only.
//
// The rules (assertion-cues.yaml, assertionGate.ts) are not learned: a round they were tuned on
// is not held out for them, so only a round written after them (the newest) is a fair estimate.
//
//   npm run build && node scripts/assertion-rounds.mjs [--extra DIR] [--folds 3] [--json OUT]
//
// --extra DIR adds the corpus files of DIR (a round not yet merged, e.g. /work/corpus/s6); a
// file of the same name in knowledge/nlu/red-flag-corpus/ wins.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CAUDA_EQUINA_FLAGS } from '../dist/contract.js';
import { createAssertionGate, loadAssertionCues } from '../dist/nlu/assertionGate.js';
import { restoreAssertionModel, trainAssertionModel } from '../dist/nlu/assertionModel.js';
import { assertionExamples, chooseThresholds, crossValidateAssertion } from '../dist/nlu/assertionTraining.js';
import { parseCorpus, readCorpusSources } from '../dist/nlu/learnedCorpus.js';
import { createPatientReader, loadPatientWords } from '../dist/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../dist/nlu/redFlagDetector.js';

const { values } = parseArgs({
  options: {
    folds: { type: 'string', default: '3' },
    extra: { type: 'string', multiple: true, default: [] },
    json: { type: 'string' },
    only: { type: 'string', multiple: true, default: [] },
  },
});
const base = {
  cues: loadAssertionCues('.'),
  detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'],
};
const ce = new Set(base.caudaEquina);
const rules = createAssertionGate(base);
const describe = (sign, text) => rules.describe(sign, text);

// Every corpus file with its round.
const sources = readCorpusSources('knowledge/nlu');
const named = new Map(sources.corpus);
for (const dir of values.extra)
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) if (!named.has(f)) named.set(f, readFileSync(join(dir, f), 'utf8'));
const roundOf = (name) => name.split('.').slice(1, -1).join('.') || 'base';
const byRound = new Map();
for (const [name, text] of [...named].sort()) {
  const r = roundOf(name);
  byRound.set(r, [...(byRound.get(r) ?? []), ...parseCorpus({ ...sources, corpus: [[name, text]] })]);
}
const examplesOf = new Map([...byRound].map(([r, files]) => [r, assertionExamples(files, describe)]));
// The same text and sign in two rounds: judged in the first only (assertionExamples dedupes within a call).
const seen = new Set();
for (const list of examplesOf.values())
  for (let i = list.length - 1; i >= 0; i--) {
    const key = `${list[i].input.sign}\u0000${list[i].text.toLowerCase().trim()}`;
    if (seen.has(key)) list.splice(i, 1);
  }
for (const list of examplesOf.values()) for (const e of list) seen.add(`${e.input.sign}\u0000${e.text.toLowerCase().trim()}`);

const rounds = [...examplesOf.keys()].filter((r) => values.only.length === 0 || values.only.includes(r));
const tally = () => ({ n: 0, alarm: 0, rulesAlarm: 0, urgent: 0 });
const result = {};
const overall = {};
for (const held of rounds) {
  const train = [...examplesOf].filter(([r]) => r !== held).flatMap(([, l]) => l);
  const test = examplesOf.get(held);
  const oof = crossValidateAssertion(train, Number(values.folds));
  const chosen = chooseThresholds(train, oof, ce);
  const model = restoreAssertionModel(trainAssertionModel(train, 'rounds'));
  const gate = createAssertionGate({ ...base, learned: { model, thresholds: chosen } });
  const kinds = {};
  for (const e of test) {
    const sign = e.input.sign;
    const raised = (v) => v.status === 'current' || (ce.has(sign) && !v.strong);
    const combined = gate.judge(sign, e.text);
    const ruleVerdict = rules.judge(sign, e.text);
    for (const bucket of [(kinds[e.kind] ??= tally()), (overall[e.kind] ??= tally())]) {
      bucket.n++;
      if (raised(combined)) bucket.alarm++;
      if (raised(ruleVerdict)) bucket.rulesAlarm++;
      if (combined.status === 'current') bucket.urgent++;
    }
  }
  result[held] = {
    train: train.length,
    test: test.length,
    thresholds: { setAsideAlone: chosen.setAsideAlone, setAsideAloneCaudaEquina: chosen.setAsideAloneCaudaEquina },
    kinds,
  };
  process.stderr.write(`held out ${held}: ${test.length} examples\n`);
}
const rate = (x, n) => (n === 0 ? '-' : (x / n).toFixed(3));
const lines = [];
const table = (title, kinds) => {
  lines.push(`\n${title}`);
  lines.push('kind                 n     raised(rules+model)  raised(rules alone)  urgent');
  for (const [k, t] of Object.entries(kinds).sort(([a], [b]) => (a === 'positive' ? -1 : b === 'positive' ? 1 : a.localeCompare(b)))) {
    lines.push(
      `${k.padEnd(20)} ${String(t.n).padStart(5)}  ${rate(t.alarm, t.n).padStart(19)}  ${rate(t.rulesAlarm, t.n).padStart(19)}  ${rate(t.urgent, t.n).padStart(6)}`,
    );
  }
  const nm = Object.entries(kinds)
    .filter(([k]) => k !== 'positive')
    .map(([, t]) => t);
  const sum = (f) => nm.reduce((s, t) => s + t[f], 0);
  lines.push(
    `${'all near misses'.padEnd(20)} ${String(sum('n')).padStart(5)}  ${rate(sum('alarm'), sum('n')).padStart(19)}  ${rate(sum('rulesAlarm'), sum('n')).padStart(19)}`,
  );
};
for (const r of rounds) table(`held out: ${r} (positive: kept recall; near misses: false-alarm rate)`, result[r].kinds);
table('all rounds, each held out once', overall);
console.log(lines.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify({ rounds: result, overall }, null, 1) + '\n');
