#!/usr/bin/env node
// Leave-one-round-out evaluation of the learned red-flag detector (src/nlu/learnedRounds.ts):
// each writing round of knowledge/nlu/red-flag-corpus/ (the file suffix: none, s4, s5...) is
// held out in turn, the model trained on the others scores it, and the thresholds are chosen
// on those out-of-round scores with the training policy. It says how a feature or threshold
// choice does on writers the model has not read, which k-fold cross-validation cannot.
//
//   npx tsc -p tsconfig.json && node scripts/cross-round.mjs [--held-out s6] [--extra DIR] [--json] [--set key=value]
//
// --held-out R (repeatable) holds out only these rounds (the others always train): run it on a
// new round before training on it. --extra DIR adds the corpus files of DIR (a new round not
// yet copied into the corpus). --set charMaxN=5 overrides a LearnedConfig field (experiments).
// About 20-40 s of CPU per held-out round.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  answerNegatives,
  buildTrainingSet,
  loadLearnedThresholds,
  parseConcepts,
  parseCorpus,
  parseLearnedAnswers,
  readCorpusSources,
} from '../dist/nlu/learnedRedFlags.js';
import { mergeConfig } from '../dist/nlu/learnedTraining.js';
import { crossRound, formatCrossRound, roundsOfTexts } from '../dist/nlu/learnedRounds.js';
import { parseLexicon } from '../dist/nlu/normalize.js';

const { values } = parseArgs({
  options: {
    'held-out': { type: 'string', multiple: true },
    extra: { type: 'string', multiple: true, default: [] },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    missed: { type: 'boolean', default: false },
    'no-concepts': { type: 'boolean', default: false },
  },
});
const dataDir = 'knowledge/nlu';
const sources = readCorpusSources(dataDir);
for (const dir of values.extra)
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    sources.corpus.push([name, readFileSync(join(dir, name), 'utf8')]);
const files = parseCorpus(sources);
const named = files.map((file, i) => ({ name: sources.corpus[i][0], file }));
const lexicon = parseLexicon(sources.lexicon, 'lexicon.yaml');
const set = buildTrainingSet(files, sources.training, answerNegatives(sources.answers, parseLearnedAnswers(sources.learnedAnswers)));
const overrides = Object.fromEntries(values.set.map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const config = mergeConfig(overrides);
const report = crossRound(set, roundsOfTexts(set, named), lexicon, config, {
  heldOut: values['held-out'],
  shipped: loadLearnedThresholds(dataDir),
  concepts: values['no-concepts'] ? [] : parseConcepts(sources.concepts),
});
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  process.stdout.write(`${formatCrossRound(report)}\n`);
  if (values.missed) for (const [sign, texts] of Object.entries(report.missed)) for (const t of texts) process.stdout.write(`missed ${sign}: ${t}\n`);
}
