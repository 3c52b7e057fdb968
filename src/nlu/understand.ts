// What the bot understands of a message: red flags (curated patterns, run first), the intent
// (calibrated classifier, with out-of-scope and "which did you mean?" decisions), and entities.
// The detector outranks the classifier: a message that reports a red flag is redflag.report.
import { join } from 'node:path';
import type { IntentDecision, Understander } from '../bot/decide.js';
import { applyCalibration, loadCalibration, loadOrTrainClassifier, type Calibration, type TrainedIntentClassifier } from './classifier.js';
import { extractEntities } from './entities.js';
import { createCrisisDetector, loadCrisisPatterns, type CrisisDetection, type CrisisPatterns } from './crisis.js';
import { createRedFlagDetector, type RedFlagPatterns } from './redFlagDetector.js';
import type { RedFlagDetection, Understanding } from './types.js';

export interface NluEngine extends Understander {
  detectCrisis(text: string): CrisisDetection;
  /** Everything at once, for `backline nlu` and `backline test nlu`. */
  understand(text: string): Understanding & { redFlagsToConfirm: string[]; ambiguous: boolean; crisis: CrisisDetection };
  readonly classifier: TrainedIntentClassifier;
  readonly calibration: Calibration;
}

export interface NluOptions {
  root: string;
  cacheDir: string;
  redFlagPatterns: RedFlagPatterns;
  /** Default: knowledge/crisis.yaml under `root`. */
  crisisPatterns?: CrisisPatterns;
}

export function createNluEngine(options: NluOptions): NluEngine {
  const dataDir = join(options.root, 'knowledge', 'nlu');
  const classifier = loadOrTrainClassifier({ dataDir, cacheDir: options.cacheDir });
  const calibration = loadCalibration(dataDir);
  const detector = createRedFlagDetector(options.redFlagPatterns);
  const crisisDetector = createCrisisDetector(options.crisisPatterns ?? loadCrisisPatterns(join(options.root, 'knowledge', 'crisis.yaml')));

  const classify = (text: string): IntentDecision => {
    const decision = applyCalibration(classifier.classify(text), calibration);
    return { intent: decision.intent, confidence: decision.confidence, ranking: decision.ranking, ambiguous: decision.ambiguous };
  };
  const detectRedFlags = (text: string): RedFlagDetection => detector.detect(text);

  return {
    classifier,
    calibration,
    classify,
    detectRedFlags,
    detectCrisis: (text) => crisisDetector.detect(text),
    understand(text) {
      const detection = detectRedFlags(text);
      const decision = classify(text);
      const reported = [...new Set([...detection.flags, ...detection.possible])];
      const intent = detection.flags.length > 0 ? 'redflag.report' : decision.intent;
      const confidence = intent === decision.intent ? decision.confidence : 1;
      return {
        text,
        intent,
        confidence: Math.round(confidence * 10000) / 10000,
        ranking: decision.ranking.slice(0, 5).map((r) => ({ intent: r.intent, confidence: Math.round(r.confidence * 10000) / 10000 })),
        redFlags: reported,
        redFlagsToConfirm: detection.possible.filter((f) => !detection.flags.includes(f)),
        ambiguous: intent === decision.intent && decision.ambiguous,
        entities: extractEntities(text),
        crisis: crisisDetector.detect(text),
      };
    },
  };
}
