#!/usr/bin/env node
// Scores the red-flag corpus with the learned assertion model (src/nlu/assertionModel.ts)
// leave-one-round-out (each writing round by a model trained on the other rounds:
// crossRoundAssertion), chooses its thresholds on those probabilities (chooseThresholds) and
// writes them, with the numbers they were chosen on and its score on the held-out assertion set
// (tests/assertion/assertion-set.yaml, never trained on), to knowledge/nlu/assertion-model.json.
// Random k-fold put the same writers on both sides: its thresholds set aside 3.6 times the
// budgeted share of real reports by writers it had not read (scripts/assertion-rounds.mjs).
//
//   npm run build && node scripts/train-assertion.mjs [--extra DIR] [--dry-run] [--probs FILE] [--by-round]
//
// --probs FILE reuses the round-held-out probabilities scripts/assertion-rounds.mjs --probs wrote
// with the same corpus, cues and model config (checked text by text), instead of training the
// round-held-out models again (the same numbers: training is seeded).
//
// --extra DIR also trains on the corpus files of DIR (to measure new near misses before they
// are merged into knowledge/nlu/red-flag-corpus/); the file it writes then says so.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CAUDA_EQUINA_FLAGS } from '../dist/contract.js';
import { createAssertionGate, loadAssertionCues } from '../dist/nlu/assertionGate.js';
import { restoreAssertionModel, trainAssertionModel, ASSERTION_MODEL_VERSION, DEFAULT_ASSERTION_CONFIG } from '../dist/nlu/assertionModel.js';
import { assertionExamplesByRound, chooseRoundBudget, chooseThresholds, crossRoundAssertion, readAssertionSources } from '../dist/nlu/assertionTraining.js';
import { loadAssertionSet, scoreAssertion } from '../dist/nlu/assertionSet.js';
import { createPatientReader, loadPatientWords } from '../dist/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../dist/nlu/redFlagDetector.js';

const { values } = parseArgs({
  options: {
    extra: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
    probs: { type: 'string' },
    'by-round': { type: 'boolean', default: false },
  },
});
const detector = createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml'));
const base = {
  cues: loadAssertionCues('.'),
  detector,
  patient: createPatientReader(loadPatientWords('.')),
  caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'],
};
const rules = createAssertionGate(base);
const sources = readAssertionSources('.', values.extra);
const byRound = assertionExamplesByRound(sources.namedFiles, (sign, text) => rules.describe(sign, text));
const examples = [...byRound.values()].flat();
const started = performance.now();
const heldOut = values.probs ? reuseProbabilities(values.probs) : crossRoundAssertion(byRound);
const oof = [...byRound.keys()].flatMap((r) => heldOut.get(r));
const caudaEquina = new Set(base.caudaEquina);
// --by-round: every round within a budget of its own, the largest that kept the total budget held
// out (chooseRoundBudget). Not the default yet: on the shipped model it keeps the budget held out
// but sets aside 82 corpus near misses instead of 699 (thresholds 0.000525 -> 0.00001).
const roundBudget = values['by-round'] ? chooseRoundBudget(byRound, heldOut, caudaEquina) : undefined;
const chosen = chooseThresholds(
  examples,
  oof,
  caudaEquina,
  roundBudget ? { rounds: [...byRound].flatMap(([r, l]) => l.map(() => r)), budget: roundBudget.budget } : undefined,
);
const model = restoreAssertionModel(trainAssertionModel(examples, 'held-out'));
const thresholds = {
  setAsideAlone: chosen.setAsideAlone,
  setAsideAloneCaudaEquina: chosen.setAsideAloneCaudaEquina,
  answerAloneCaudaEquina: chosen.answerAloneCaudaEquina,
  disagreeCaudaEquina: chosen.disagreeCaudaEquina,
};
const items = loadAssertionSet('tests/assertion/assertion-set.yaml');
const both = createAssertionGate({ ...base, learned: { model, thresholds } });
const score = (gate) => {
  const s = scoreAssertion(items, gate);
  return { accuracy: s.accuracy, currentRecall: s.perStatus.current?.recall, perStatus: s.perStatus, errors: s.errors.length };
};
const rulesScore = score(rules);
const combinedScore = score(both);
// The model alone on the held-out set: argmax class against the label.
const cls = (status) => (status === 'hypothetical' || status === 'question' ? 'asked' : status);
const classes = ['current', 'other_person', 'asked', 'resolved', 'negated', 'other_sense'];
let alone = 0;
for (const item of items) {
  const p = model.probabilities(rules.describe(item.sign, item.text).input);
  if (classes[p.indexOf(Math.max(...p))] === cls(item.status)) alone++;
}
const out = {
  version: ASSERTION_MODEL_VERSION,
  corpusHash: sources.hash,
  thresholds,
  chosenOn: {
    heldOut: `leave one round out (${[...byRound.keys()].join(', ')})`,
    extraCorpus: values.extra.length > 0,
    ...chosen.numbers,
    ...(roundBudget ? { realReportsSetAsideHeldOut: { allowed: roundBudget.allowed, byRound: roundBudget.heldOutSetAside } } : {}),
    assertionSet: {
      items: items.length,
      modelAloneAccuracy: Math.round((alone / items.length) * 10000) / 10000,
      rulesAlone: { accuracy: rulesScore.accuracy, currentRecall: rulesScore.currentRecall },
      rulesWithModel: { accuracy: combinedScore.accuracy, currentRecall: combinedScore.currentRecall },
    },
  },
};
console.log(JSON.stringify(out, null, 1));
console.error(`round-held-out models and training: ${Math.round(performance.now() - started)} ms`);
if (!values['dry-run'] && values.extra.length === 0) writeFileSync('knowledge/nlu/assertion-model.json', JSON.stringify(out, null, 2) + '\n');

function reuseProbabilities(file) {
  const dump = JSON.parse(readFileSync(file, 'utf8'));
  // Written by an older assertion-rounds.mjs: a bare list, without its config.
  const saved = Array.isArray(dump) ? dump : dump.examples;
  if (!Array.isArray(dump) && JSON.stringify(dump.config) !== JSON.stringify(DEFAULT_ASSERTION_CONFIG))
    throw new Error(`${file}: made with model config ${JSON.stringify(dump.config)}, not the default ${JSON.stringify(DEFAULT_ASSERTION_CONFIG)}`);
  const out = new Map();
  let i = 0;
  for (const [r, list] of byRound)
    out.set(
      r,
      list.map((e) => {
        const s = saved[i++];
        if (!s || s.round !== r || s.text !== e.text || s.sign !== e.input.sign || s.rule !== e.rule || s.cues.join() !== e.input.cues.join())
          throw new Error(`${file}: example ${i} is not this corpus's (run scripts/assertion-rounds.mjs --probs again)`);
        return Float64Array.from(s.p);
      }),
    );
  if (i !== saved.length) throw new Error(`${file}: ${saved.length} examples, the corpus has ${i}`);
  return out;
}
