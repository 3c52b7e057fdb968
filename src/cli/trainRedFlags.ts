// `backline train red-flags`: cross-validates the learned red-flag detector on
// knowledge/nlu/red-flag-corpus, measures assertion status on it, and writes the chosen
// thresholds and numbers to knowledge/nlu/red-flag-model.json (see src/nlu/redFlagTraining.ts).
import { join } from 'node:path';
import type { Config } from '../config.js';
import { loadContent } from '../content.js';
import { measureAssertion } from '../nlu/assertion.js';
import { createRedFlagDetector } from '../nlu/redFlagDetector.js';
import { formatThresholds, trainRedFlagThresholds } from '../nlu/redFlagTraining.js';

export function trainRedFlagsCommand(config: Config, json: boolean, folds: number): string {
  const content = loadContent(config.CONTENT_DIR, config.EMERGENCY_NUMBER);
  const detector = createRedFlagDetector(content.redFlagPatterns);
  const file = trainRedFlagThresholds({
    dataDir: join(config.CONTENT_DIR, 'knowledge', 'nlu'),
    k: folds,
    assertion: (set) => measureAssertion(set, detector),
  });
  return json ? JSON.stringify(file) : formatThresholds(file);
}
