// What the bot understands of a message: red flags (curated patterns and the learned detector,
// run first), the intent (calibrated classifier, with out-of-scope and "which did you mean?"
// decisions), and entities. The detectors outrank the classifier: a message that reports a
// red flag is redflag.report.
//
// Red flags are the union of two detectors, so either one's hit counts:
//   flags     pattern flags  ∪ learned hits above the sign's `sure` threshold, status current
//   possible  pattern possible ∪ learned hits between the two thresholds, status current
//             (minus flags): the bot asks one confirming question
//   isQuestionAbout  pattern questions ∪ learned hits that are hypotheticals or questions
// A learned hit's status (assertion.ts) comes from the cues of knowledge/red-flags.yaml in the
// sentence the learned model scored highest; a carer's report about the patient is current.
import { join } from 'node:path';
import { CAUDA_EQUINA_FLAGS, RED_FLAG_IDS, type RedFlagId } from '../contract.js';
import { createAssertionGate, loadAssertionCues, type AssertionGate } from './assertionGate.js';
import { loadAssertionThresholds, loadOrTrainAssertionModel } from './assertionTraining.js';
import { createPatientReader, loadPatientWords } from './patient.js';
import { assertionOf, deniedByPatterns, type AssertionStatus } from './assertion.js';
import { applyCalibration, loadCalibration, type Calibration } from './intentCalibration.js';
import { loadOrTrainClassifier } from './intentCache.js';
import type { TrainedIntentClassifier } from './classifier.js';
import { extractEntities, fixedAnswerTexts } from './entities.js';
import { cloneData } from '../util/clone.js';
import { rememberFixed } from '../util/memo.js';
import { loadOrTrainCrisisModel } from './crisisModel.js';
import { createCrisisDetector, loadCrisisLanguages, loadCrisisPatterns, type CrisisDetection, type CrisisPatterns } from './crisis.js';
import { loadOrTrainLearnedRedFlags, splitForScoring, type LearnedRedFlagModel, type LearnedSign } from './learnedRedFlags.js';
import { createRedFlagDetector, type RedFlagDetector, type RedFlagHit, type RedFlagPatterns } from './redFlagDetector.js';
import { loadTagQuestions } from './tagQuestions.js';
import type { IntentDecision, RedFlagDetection, Understander, Understanding } from './types.js';

/** One learned hit with its assertion status. */
export interface LearnedHit {
  sign: LearnedSign;
  /** Calibrated probability. */
  p: number;
  level: 'sure' | 'possible';
  status: AssertionStatus;
  reason: string;
  /** The sentence the model scored highest (-1: the whole message). */
  sentence: number;
}

/** Both detectors' views of one message (`backline nlu --json` shows it as `redFlagDetail`). */
export interface RedFlagDetail {
  rule: { flags: RedFlagId[]; possible: RedFlagId[]; isQuestionAbout: RedFlagId[]; hits: RedFlagHit[] };
  learned: LearnedHit[];
  /** The union the bot acts on. */
  union: RedFlagDetection;
}

export interface NluEngine extends Understander {
  detectCrisis(text: string): CrisisDetection;
  /** Everything at once, for `backline nlu` and `backline test nlu`. */
  understand(text: string): Understanding & { redFlagsToConfirm: string[]; ambiguous: boolean; crisis: CrisisDetection };
  /** Both detectors' views and the union. */
  explainRedFlags(text: string): RedFlagDetail;
  readonly classifier: TrainedIntentClassifier;
  readonly calibration: Calibration;
  readonly learnedRedFlags: LearnedRedFlagModel;
}

export interface NluOptions {
  root: string;
  cacheDir: string;
  redFlagPatterns: RedFlagPatterns;
  /** Default: knowledge/crisis.yaml under `root`. */
  crisisPatterns?: CrisisPatterns;
}

const GATED_STATUSES: ReadonlySet<AssertionStatus> = new Set(['resolved', 'other_person']);
const QUESTION_STATUSES: ReadonlySet<AssertionStatus> = new Set(['hypothetical', 'question']);

/**
 * The learned hits of a message with the status of each (the cues of the sentence it came
 * from). When the patterns matched the same sign and judged every match denied ("no fever",
 * "my husband has osteoporosis, not me"), the hit is `negated`: the patterns' negation and
 * self-denial rules are precise where they match, the classifier's are not.
 */
export function learnedHits(model: LearnedRedFlagModel, detector: RedFlagDetector, text: string): LearnedHit[] {
  const scores = model.detect(text);
  if (scores.length === 0) return [];
  let ruleHits: RedFlagHit[] | undefined;
  const denied = (sign: LearnedSign): boolean => deniedByPatterns(sign, (ruleHits ??= detector.explain(text)));
  const sentences = splitForScoring(text);
  const factsOf = new Map<number, ReturnType<RedFlagDetector['cueFacts']>>();
  const facts = (i: number) => {
    let f = factsOf.get(i);
    if (!f) factsOf.set(i, (f = i < 0 ? detector.cueFacts(text) : detector.cueFacts(sentences[i] ?? '')));
    return f;
  };
  const speaker = facts(-1).some((f) => f.firstPerson);
  return scores.map((score) => {
    let status: AssertionStatus = 'current';
    let reason = 'reported';
    if (score.sentence >= 0) {
      // The scored sentence (the rule tokenizer may split it further: any current part counts).
      const own = facts(score.sentence);
      const next = facts(score.sentence + 1)[0];
      const verdicts = own.map((f, k) => assertionOf(score.sign, f, own[k + 1] ?? next, detector, speaker));
      const chosen = verdicts.find((v) => v.status === 'current') ?? verdicts[0];
      if (chosen) ({ status, reason } = chosen);
      // Weak evidence in a sentence that opens with a denial ("no bladder problems at all"):
      // the classifier's negation is its weak point (see red-flag-model.json, nearMissesByKind).
      if (status === 'current' && score.level === 'possible' && own.length === 1 && own[0]!.leadingDenial && !own[0]!.hedged) {
        [status, reason] = ['negated', 'an unsure hit in a sentence that opens with a denial'];
      }
    } else {
      // Only the whole message scored: current if any sentence is.
      const all = facts(-1);
      const verdicts = all.map((f, k) => assertionOf(score.sign, f, all[k + 1], detector, speaker));
      const chosen = verdicts.find((v) => v.status === 'current') ?? verdicts[0];
      if (chosen) ({ status, reason } = chosen);
    }
    if (status === 'current' && denied(score.sign)) [status, reason] = ['negated', 'the patterns found it denied'];
    return { sign: score.sign, p: Math.round(score.p * 10000) / 10000, level: score.level, status, reason, sentence: score.sentence };
  });
}

/** The union of the pattern detection and the learned hits (see the header). */
/**
 * `reportedWhenUnsure`: signs whose learned hit between the thresholds, read as the user's own
 * report, counts as sure (the cauda equina signs, `reported_when_unsure` in red-flags.yaml).
 */
export function unionDetection(
  rule: RedFlagDetection,
  learned: readonly LearnedHit[],
  reportedWhenUnsure: ReadonlySet<RedFlagId> = new Set(),
): RedFlagDetection {
  const flags = new Set(rule.flags);
  const possible = new Set(rule.possible);
  const questions = new Set(rule.isQuestionAbout);
  for (const hit of learned) {
    // Someone else's or over by the learned side's own reading: the assertion gate (which
    // reads the clause, the person and what follows) has the last word on those.
    if (hit.status === 'current' || GATED_STATUSES.has(hit.status)) {
      const sure = hit.level === 'sure' || (hit.status === 'current' && reportedWhenUnsure.has(hit.sign));
      (sure ? flags : possible).add(hit.sign);
    } else if (QUESTION_STATUSES.has(hit.status)) questions.add(hit.sign);
  }
  const order = (set: Set<RedFlagId>, not: Set<RedFlagId>[] = []) => RED_FLAG_IDS.filter((f) => set.has(f) && !not.some((n) => n.has(f)));
  const flagList = order(flags);
  const flagSet = new Set(flagList);
  const possibleList = order(possible, [flagSet]);
  return {
    flags: flagList,
    possible: possibleList,
    isQuestionAbout: order(questions, [flagSet, new Set(possibleList)]),
  };
}

/** The union after the assertion gate (assertionGate.ts): how each sign is talked about. */
function gated(gate: AssertionGate, union: RedFlagDetection, text: string, hits: readonly LearnedHit[], retold?: string): RedFlagDetection {
  // A sign only asked about is read too: a report may follow the question ("... both legs now? it
  // was only the left before").
  if (union.flags.length === 0 && union.possible.length === 0 && union.isQuestionAbout.length === 0) return union;
  return gate.apply(union, text, new Map(hits.map((h) => [h.sign, h.sentence])), retold);
}

export function createNluEngine(options: NluOptions): NluEngine {
  const dataDir = join(options.root, 'knowledge', 'nlu');
  const classifier = loadOrTrainClassifier({ dataDir, cacheDir: options.cacheDir });
  const calibration = loadCalibration(dataDir);
  const detector = createRedFlagDetector(options.redFlagPatterns);
  const crisisPatterns = options.crisisPatterns ?? loadCrisisPatterns(join(options.root, 'knowledge', 'crisis.yaml'));
  const crisisDetector = createCrisisDetector(crisisPatterns, loadCrisisLanguages(join(options.root, 'knowledge')));
  const learned = loadOrTrainLearnedRedFlags({ dataDir, cacheDir: options.cacheDir }).model;
  const crisisGate = loadOrTrainCrisisModel({
    dataDir,
    cacheDir: options.cacheDir,
    reading: { read: crisisDetector.readable, hash: crisisPatterns.hash },
  }).model;

  const classify = (text: string): IntentDecision => {
    const decision = applyCalibration(classifier.classify(text), calibration);
    return { intent: decision.intent, confidence: decision.confidence, ranking: decision.ranking, ambiguous: decision.ambiguous };
  };
  // The crisis check and the red-flag check read the same message one after the other: score
  // it with the learned model once (a one-message memo; the hits are never mutated).
  let memo: { text: string; hits: LearnedHit[] } | undefined;
  const learnedHitsOf = (text: string): LearnedHit[] => {
    if (memo?.text !== text) memo = { text, hits: learnedHits(learned, detector, text) };
    return memo.hits;
  };
  const gateOptions = {
    cues: loadAssertionCues(options.root),
    detector,
    patient: createPatientReader(loadPatientWords(options.root)),
    caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness'] as RedFlagId[],
  };
  // The rules' reading of a sign is what the learned assertion model is trained on and reads.
  const rules = createAssertionGate(gateOptions);
  const assertionModel = loadOrTrainAssertionModel({
    root: options.root,
    cacheDir: options.cacheDir,
    describe: (sign, text) => rules.describe(sign, text),
  }).model;
  const gate = createAssertionGate({ ...gateOptions, learned: { model: assertionModel, thresholds: loadAssertionThresholds(dataDir).thresholds } });
  const splitTags = loadTagQuestions(options.root);
  const detectRedFlags = (written: string, writtenOriginal?: string): RedFlagDetection => {
    // "..., is that bad?": the words before the tag are read as told, not asked (tagQuestions.ts).
    const text = splitTags(written);
    const original = writtenOriginal === undefined ? undefined : splitTags(writtenOriginal);
    const hits = learnedHitsOf(text);
    const detection = gated(gate, unionDetection(detector.detect(text), hits, detector.reportedWhenUnsure), text, hits);
    // A retold report: the gate reads the writer's own words too (a stranger, a question, "all
    // sorted" the retelling may have blurred). It only moves signs as it does for any message
    // (a cauda equina sign on a weak cue stays a confirming question).
    return original === undefined || original === text ? detection : gated(gate, detection, original, hits, text);
  };
  // Crisis: the curated patterns (which also tell the kind), or the learned crisis gate
  // (crisisModel.ts) at its threshold (chosen leave-one-round-out), in a message that uses a
  // crisis word (knowledge/crisis.yaml learned_needs) and is not an ordinary question about a dose
  // (dose_talk). A learned-only hit gets the general crisis reply (the crisis line), the kind the
  // patterns could not name.
  const detectCrisis = (text: string): CrisisDetection => {
    const byPatterns = crisisDetector.detect(text);
    if (byPatterns.crisis) return byPatterns;
    const p = crisisGate.probability(text);
    const counts = p >= crisisGate.threshold && crisisDetector.learnedCounts(text, p);
    return counts ? { crisis: true, kind: 'suicide' } : byPatterns;
  };

  // The answer words ("no", "nope"...: most replies in a warning-sign check) are read once each
  // and their readings kept: the same words, the same readings, at a look-up's cost (the crisis
  // patterns alone are some 400 regular expressions per message). Any other text is read in full.
  const fixedTexts = fixedAnswerTexts();
  const detectCrisisOfFixed = rememberFixed(detectCrisis, fixedTexts, cloneData);
  const detectRedFlagsOfFixed = rememberFixed((text: string) => detectRedFlags(text), fixedTexts, cloneData);

  return {
    classifier,
    calibration,
    learnedRedFlags: learned,
    classify,
    detectRedFlags: (text, original) => (original === undefined ? detectRedFlagsOfFixed(text) : detectRedFlags(text, original)),
    detectCrisis: detectCrisisOfFixed,
    explainRedFlags(written) {
      const text = splitTags(written);
      const rule = detector.detect(text);
      const hits = learnedHitsOf(text);
      return {
        rule: { ...rule, hits: detector.explain(text) },
        learned: hits,
        union: gated(gate, unionDetection(rule, hits, detector.reportedWhenUnsure), text, hits),
      };
    },
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
        crisis: detectCrisis(text),
      };
    },
  };
}
