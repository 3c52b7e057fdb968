#!/usr/bin/env node
// Leave-one-round-out measure of the learned assertion model with the gate's rules. The corpus
// (knowledge/nlu/red-flag-corpus/) was written in rounds by different writers, told apart by the
// file name's part: <sign>.yaml (round "base"), .s4, .s5, .s5b, .s5c, .s6, .s7... Each round R is
// scored by a model trained on every other round (crossRoundAssertion), and judged as the bot
// judges a detected sign (gateDecision, as assertionGate.ts judge):
//
//   positive    kept when it stays current (urgent advice), or a cauda equina sign stays a
//               confirming question; `urgent` counts current only;
//   near miss   an alarm when it stays current, or a cauda equina sign stays a question.
//
// Three readings per round: the rules alone; `kfold`, the model with the thresholds shipped in
// knowledge/nlu/assertion-model.json (or --kfold-thresholds FILE); `round`, the model with
// thresholds chosen (chooseThresholds, the budget of train-assertion.mjs) on the round-held-out
// probabilities of the OTHER rounds. (Those come from models that read R: R can move the
// thresholds chosen for R only through them, never through its own probabilities.)
// The rules (assertion-cues.yaml, assertionGate.ts) are not learned: a round they were tuned on
// is not held out for them, so only the newest round is a fair estimate of them.
//
//   npx tsc -p tsconfig.json && node scripts/assertion-rounds.mjs [--extra DIR] [--set l2=1e-4] [--json OUT] [--probs OUT] [--by-round] [--check]
//
// --extra DIR adds the corpus files of DIR (a round not yet merged); --set changes a model
// config field (experiments: compare variants by these numbers only); --check also runs the
// real gate on 2,000 examples and fails when gateDecision and it disagree.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CAUDA_EQUINA_FLAGS } from '../dist/contract.js';
import { createAssertionGate, loadAssertionCues } from '../dist/nlu/assertionGate.js';
import { DEFAULT_ASSERTION_CONFIG, restoreAssertionModel, trainAssertionModel } from '../dist/nlu/assertionModel.js';
import {
  assertionExamplesByRound,
  chooseRoundBudget,
  chooseThresholds,
  crossRoundAssertion,
  gateDecision,
  loadAssertionThresholds,
} from '../dist/nlu/assertionTraining.js';
import { parseCorpus, readCorpusSources } from '../dist/nlu/learnedCorpus.js';
import { createPatientReader, loadPatientWords } from '../dist/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../dist/nlu/redFlagDetector.js';

const { values } = parseArgs({
  options: {
    extra: { type: 'string', multiple: true, default: [] },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'string' },
    probs: { type: 'string' },
    check: { type: 'boolean', default: false },
    'by-round': { type: 'boolean', default: false },
    'kfold-thresholds': { type: 'string' },
  },
});
const config = Object.fromEntries(
  values.set.map((kv) => {
    const [k, v] = kv.split('=');
    return [k, v === 'true' ? true : v === 'false' ? false : Number(v)];
  }),
);
const base = {
  cues: loadAssertionCues('.'),
  detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'],
};
const ce = new Set(base.caudaEquina);
const rules = createAssertionGate(base);
const sources = readCorpusSources('knowledge/nlu');
const named = new Map(sources.corpus);
for (const dir of values.extra)
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) if (!named.has(f)) named.set(f, readFileSync(join(dir, f), 'utf8'));
const files = [...named].map(([name, text]) => ({ name, file: parseCorpus({ ...sources, corpus: [[name, text]] })[0] }));
let started = performance.now();
const byRound = assertionExamplesByRound(files, (sign, text) => rules.describe(sign, text));
process.stderr.write(`read ${[...byRound.values()].reduce((s, l) => s + l.length, 0)} examples in ${Math.round(performance.now() - started)} ms\n`);
started = performance.now();
const probs = crossRoundAssertion(byRound, config);
process.stderr.write(`${byRound.size} round-held-out models in ${Math.round(performance.now() - started)} ms\n`);
// --probs OUT: every example with its held-out probabilities, to compare threshold policies offline.
if (values.probs)
  writeFileSync(
    values.probs,
    JSON.stringify({
      config: { ...DEFAULT_ASSERTION_CONFIG, ...config },
      examples: [...byRound].flatMap(([r, test]) =>
        test.map((e, i) => ({
          round: r,
          sign: e.input.sign,
          label: e.label,
          kind: e.kind,
          rule: e.rule,
          strong: e.strong,
          cues: e.input.cues,
          text: e.text,
          p: [...probs.get(r)[i]],
        })),
      ),
    }) + '\n',
  );
const kfold = values['kfold-thresholds']
  ? JSON.parse(readFileSync(values['kfold-thresholds'], 'utf8')).thresholds
  : loadAssertionThresholds('knowledge/nlu').thresholds;

const readings = ['rules', 'kfold', 'round'];
const tally = () => Object.fromEntries(readings.map((r) => [r, { n: 0, raised: 0, urgent: 0 }]));
const result = {};
const overall = { positive: tally(), positiveCaudaEquina: tally(), nearMiss: tally() };
const chosenPerRound = {};
// By the model alone, at the round thresholds: real reports the rules keep current that it sets
// aside (the budget is spent per round: a writer it has not read), and near misses it sets aside.
const setAside = {};
for (const [held, test] of byRound) {
  const others = [...byRound].filter(([r]) => r !== held);
  // As train-assertion.mjs chooses them, on the other rounds alone (--by-round: each round within its own budget, chooseRoundBudget).
  const chosen = chooseThresholds(
    others.flatMap(([, l]) => l),
    others.flatMap(([r]) => probs.get(r)),
    ce,
    !values['by-round'] ? undefined : { rounds: others.flatMap(([r, l]) => l.map(() => r)), budget: chooseRoundBudget(new Map(others), probs, ce).budget },
  );
  const { numbers: _numbers, ...thresholds } = chosen;
  chosenPerRound[held] = thresholds;
  const t = { positive: tally(), positiveCaudaEquina: tally(), nearMiss: tally() };
  setAside[held] = { positives: 0, positivesKeptByRules: 0, nearMisses: 0, nearMissesKeptByRules: 0 };
  test.forEach((e, i) => {
    const p = probs.get(held)[i];
    if (e.rule === 'current') {
      const aside = !gateDecision(e, p, thresholds, ce).urgent;
      const s = setAside[held];
      if (e.label === 'current') {
        s.positivesKeptByRules++;
        if (aside) s.positives++;
      } else {
        s.nearMissesKeptByRules++;
        if (aside) s.nearMisses++;
      }
    }
    const decisions = {
      rules: { raised: e.rule === 'current' || (ce.has(e.input.sign) && !e.strong), urgent: e.rule === 'current' },
      kfold: gateDecision(e, p, kfold, ce),
      round: gateDecision(e, p, thresholds, ce),
    };
    const groups = e.label === 'current' ? ['positive', ...(ce.has(e.input.sign) ? ['positiveCaudaEquina'] : [])] : ['nearMiss'];
    for (const g of groups)
      for (const r of readings)
        for (const bucket of [t[g][r], overall[g][r]]) {
          bucket.n++;
          if (decisions[r].raised) bucket.raised++;
          if (decisions[r].urgent) bucket.urgent++;
        }
  });
  result[held] = t;
}
// The thresholds train-assertion.mjs ships: chosen on every round's held-out probabilities.
const all = [...byRound];
const shippedBudget = chooseRoundBudget(byRound, probs, ce);
const { numbers: shippedNumbers, ...shipped } = chooseThresholds(
  all.flatMap(([, l]) => l),
  all.flatMap(([r]) => probs.get(r)),
  ce,
  !values['by-round'] ? undefined : { rounds: all.flatMap(([r, l]) => l.map(() => r)), budget: shippedBudget.budget },
);

// Threshold-free: among the examples the rules keep current (the only ones the model may set
// aside), the share of near misses below the p(current) that sets aside 0.1%, 0.5%, 1% and 2%
// of the positives, pooled over the held-out rounds, cauda equina signs and the others apart.
const curve = {};
for (const group of ['caudaEquina', 'other']) {
  const pos = [];
  const neg = [];
  for (const [r, test] of byRound)
    test.forEach((e, i) => {
      if (e.rule !== 'current' || e.input.cues.includes('reactivated') || ce.has(e.input.sign) !== (group === 'caudaEquina')) return;
      (e.label === 'current' ? pos : neg).push(probs.get(r)[i][0]);
    });
  pos.sort((a, b) => a - b);
  curve[group] = Object.fromEntries(
    [0.001, 0.005, 0.01, 0.02].map((loss) => {
      const t = pos[Math.floor(loss * pos.length)] ?? 0;
      return [loss, Math.round((neg.filter((p) => p < t).length / neg.length) * 10000) / 10000];
    }),
  );
}

if (values.check) {
  // gateDecision against the real gate (same model, a lookup of its probabilities).
  let compared = 0;
  let differ = 0;
  for (const [held, test] of byRound) {
    const train = all.filter(([r]) => r !== held).flatMap(([, l]) => l);
    const model = restoreAssertionModel(trainAssertionModel(train, `round:${held}`, config));
    const gate = createAssertionGate({ ...base, learned: { model, thresholds: chosenPerRound[held] } });
    for (let i = 0; i < test.length; i += Math.ceil((test.length * byRound.size) / 2000)) {
      const e = test[i];
      const v = gate.judge(e.input.sign, e.text);
      const real = v.status === 'current' || (ce.has(e.input.sign) && !v.strong);
      compared++;
      if (real !== gateDecision(e, probs.get(held)[i], chosenPerRound[held], ce).raised) differ++;
    }
  }
  process.stderr.write(`check: gateDecision and the gate differ on ${differ} of ${compared}\n`);
  if (differ > 0) process.exitCode = 1;
}

const rate = (b) => (b.n === 0 ? '    -' : (b.raised / b.n).toFixed(3));
const lines = ['round     positives kept: rules  kfold  round | CE kept: rules  kfold  round | near misses alarmed: rules  kfold  round'];
const row = (name, t) =>
  lines.push(
    `${name.padEnd(8)} ${String(t.positive.rules.n).padStart(5)}        ${readings.map((r) => rate(t.positive[r])).join('  ')} | ${String(t.positiveCaudaEquina.rules.n).padStart(5)} ${readings
      .map((r) => rate(t.positiveCaudaEquina[r]))
      .join('  ')} | ${String(t.nearMiss.rules.n).padStart(5)}               ${readings.map((r) => rate(t.nearMiss[r])).join('  ')}`,
  );
for (const [r, t] of Object.entries(result)) row(r, t);
row('all', overall);
lines.push(
  `\nset aside by the model alone (round thresholds), real reports / near misses the rules keep: ${Object.entries(setAside)
    .map(([r, s]) => `${r} ${s.positives}/${s.positivesKeptByRules}, ${s.nearMisses}/${s.nearMissesKeptByRules}`)
    .join('; ')}`,
);
lines.push(`\nnear misses set aside at a positive loss of 0.1/0.5/1/2%: ${JSON.stringify(curve)}`);
lines.push(
  `\nkfold thresholds: ${JSON.stringify(kfold)}\nround thresholds to ship: ${JSON.stringify(shipped)} (budget within each round ${values['by-round'] ? shippedBudget.budget : 'none, pooled'})`,
);
console.log(lines.join('\n'));
if (values.json)
  writeFileSync(values.json, JSON.stringify({ config, curve, rounds: result, overall, setAside, chosenPerRound, shipped, shippedNumbers }, null, 1) + '\n');
