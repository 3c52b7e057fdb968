// Chooses the out-of-scope threshold and the ambiguity margin of the intent classifier by
// cross-validation on the training data ONLY, and writes them with the hash of that data to
// knowledge/nlu/calibration.json (the classifier's applyCalibration() reads it; a unit test
// fails when the hash no longer matches the training data).
//
//   npx tsx src/eval/calibrateIntents.ts [--data-dir knowledge/nlu] [--folds 5] [--seeds 1,2,3]
//
// Out-of-fold rankings of several seeded stratified k-fold runs are pooled; the threshold
// maximises the macro-F1 of the decisions (middle of the best plateau), then the margin
// maximises the mean utility of "did you mean A or B?" (see chooseCalibration).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs as parseCommandLine } from 'node:util';
import { CALIBRATION_FILE, DEFAULT_DATA_DIR, LEXICON_FILE, resolveFromRoot } from '../nlu/dataFiles.js';
import { MODEL_NAMES, modelFingerprint } from '../nlu/intentModel.js';
import { chooseCalibration } from './chooseCalibration.js';
import { crossValidate, type OutOfFoldPrediction } from './intentCrossValidation.js';
import { lexiconHash, loadTrainingData, trainingDataHash } from '../nlu/trainingData.js';
import { loadLexicon } from '../nlu/normalize.js';
import type { Calibration } from '../nlu/intentCalibration.js';

export interface CalibrateOptions {
  dataDir?: string;
  folds?: number;
  seeds?: number[];
  /** write calibration.json (default true) */
  write?: boolean;
  log?: (line: string) => void;
}

export function calibrate(options: CalibrateOptions = {}): Calibration {
  const dataDir = resolveFromRoot(options.dataDir ?? DEFAULT_DATA_DIR);
  const folds = options.folds ?? 5;
  const seeds = options.seeds ?? [1, 2, 3];
  const log = options.log ?? (() => undefined);
  const data = loadTrainingData(dataDir);
  const lexicon = loadLexicon(join(dataDir, LEXICON_FILE));

  const pooled: OutOfFoldPrediction[] = [];
  const runs = seeds.map((seed) => {
    const r = crossValidate(data, folds, { seed, lexicon, keepPredictions: true });
    pooled.push(...(r.predictions ?? []));
    log(
      `seed ${seed}: accuracy ${r.accuracy.toFixed(4)} macroF1 ${r.macroF1.toFixed(4)} | ` +
        MODEL_NAMES.map((m) => `${m} ${r.perModel[m].toFixed(4)}`).join(' ') +
        ` | train ${r.trainMs.toFixed(0)} ms/fold`,
    );
    return r;
  });
  const mean = (f: (r: (typeof runs)[number]) => number) => Math.round((runs.reduce((a, r) => a + f(r), 0) / runs.length) * 10000) / 10000;
  const choice = chooseCalibration(pooled);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const calibration: Calibration = {
    threshold: choice.threshold,
    margin: choice.margin,
    dataHash: trainingDataHash(data),
    lexiconHash: lexiconHash(lexicon),
    modelVersion: modelFingerprint(),
    chosenBy: {
      method:
        'pooled out-of-fold rankings of stratified k-fold CV on training.yaml; threshold = middle of the ' +
        'best macro-F1 plateau, margin = smallest with the best mean utility (ask = 0.8 if the right ' +
        'intent is offered)',
      folds,
      seeds,
      examples: data.examples.length,
      cv: {
        accuracy: mean((r) => r.accuracy),
        macroF1: mean((r) => r.macroF1),
        perModel: Object.fromEntries((['ensemble', ...MODEL_NAMES] as const).map((m) => [m, mean((r) => r.perModel[m])])),
      },
      withCalibration: {
        accuracy: round(choice.accuracy),
        macroF1: round(choice.macroF1),
        outOfScopeRecall: round(choice.outOfScopeRecall),
        ambiguousRate: round(choice.ambiguousRate),
        utility: round(choice.utility),
      },
    },
  };
  if (options.write ?? true) {
    writeFileSync(join(dataDir, CALIBRATION_FILE), JSON.stringify(calibration, null, 2) + '\n');
  }
  log(
    `threshold ${choice.threshold} margin ${choice.margin} -> accuracy ${choice.accuracy.toFixed(4)} ` +
      `macroF1 ${choice.macroF1.toFixed(4)} out-of-scope recall ${choice.outOfScopeRecall.toFixed(4)} ` +
      `ambiguous ${(choice.ambiguousRate * 100).toFixed(1)}%`,
  );
  return calibration;
}

function parseArgs(argv: string[]): CalibrateOptions {
  const { values } = parseCommandLine({
    args: argv,
    strict: true,
    options: { 'data-dir': { type: 'string' }, folds: { type: 'string' }, seeds: { type: 'string' } },
  });
  const options: CalibrateOptions = {};
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.folds !== undefined) options.folds = Number(values.folds);
  if (values.seeds !== undefined) options.seeds = values.seeds.split(',').map(Number);
  if (options.folds !== undefined && !(Number.isInteger(options.folds) && options.folds >= 2)) {
    throw new Error('--folds must be an integer >= 2');
  }
  if (options.seeds?.some((s) => !Number.isInteger(s))) throw new Error('--seeds must be integers');
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const options = parseArgs(process.argv.slice(2));
    calibrate({ ...options, log: (line) => console.log(line) });
    console.log(`wrote ${join(resolveFromRoot(options.dataDir ?? DEFAULT_DATA_DIR), CALIBRATION_FILE)}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
