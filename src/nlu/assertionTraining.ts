// The learned assertion model's data, cross-validation, thresholds and cache.
//
//   data        knowledge/nlu/red-flag-corpus/<sign>.yaml (not crisis): positives are
//               `current`; near misses the class of their `kind` (classOfKind); each read by
//               the gate's rules-only reading of the sign's place (gate.describe).
//               tests/assertion/assertion-set.yaml is the held-out measure, never trained on.
//   thresholds  chosen on leave-one-round-out probabilities (each writing round scored by a
//               model trained on the others: crossRoundAssertion; run scripts/train-assertion.mjs)
//               and written, with the numbers they were chosen on, to
//               knowledge/nlu/assertion-model.json (see chooseThresholds).
//   cache       <NLU_CACHE_DIR>/assertion-model-<key>.json, key = hash of the model version, the
//               config, the corpus, the cue file, the red-flag patterns and the patient words.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeCacheFile } from '../util/fileCache.js';
import { z } from 'zod';
import { sha256 } from '../util/hash.js';
import { resolveFromRoot } from './dataFiles.js';
import { parseCorpus, readCorpusSources, type CorpusFile } from './learnedRedFlags.js';
import { rng, shuffleInPlace } from './numeric.js';
import {
  ASSERTION_CLASSES,
  ASSERTION_MODEL_VERSION,
  DEFAULT_ASSERTION_CONFIG,
  modelMaySetAside,
  restoreAssertionModel,
  trainAssertionModel,
  type AssertionClass,
  type AssertionInput,
  type AssertionModel,
  type AssertionModelConfig,
  type LabelledInput,
  type SerializedAssertionModel,
} from './assertionModel.js';
import { classOfKind } from './assertion.js';

const CURRENT = 0;

export const ASSERTION_MODEL_FILE = 'assertion-model.json';

/** How the gate reads a sign in a text, rules only (what the model is trained on). */
export type DescribeSign = (sign: string, text: string) => { input: AssertionInput; verdict: { status: string; strong?: boolean } };

export interface AssertionExample extends LabelledInput {
  text: string;
  kind: string;
  /** The rules' status for it, and whether on a strong cue. */
  rule: string;
  strong?: boolean;
}

/** The labelled inputs of the corpus files (crisis is not a warning sign: left out). Deduplicated by sign and text. */
export function assertionExamples(files: readonly CorpusFile[], describe: DescribeSign): AssertionExample[] {
  const out: AssertionExample[] = [];
  const seen = new Set<string>();
  const push = (sign: string, text: string, kind: string, label: AssertionClass) => {
    const key = `${sign}\u0000${text.toLowerCase().trim()}`;
    if (seen.has(key)) return;
    seen.add(key);
    const { input, verdict } = describe(sign, text);
    out.push({ input, label, text, kind, rule: verdict.status, strong: verdict.strong ?? false });
  };
  for (const f of files) {
    if (f.sign === 'crisis') continue;
    for (const p of f.positives) push(f.sign, p, 'positive', 'current');
    for (const n of f.nearMisses) {
      const label = classOfKind(n.kind);
      if (label) push(f.sign, n.text, n.kind, label);
    }
  }
  return out;
}

/** The writing round of a corpus file: the part of its name between the sign and `.yaml` (none: `base`). */
export function roundOfCorpusFile(name: string): string {
  return name.split('.').slice(1, -1).join('.') || 'base';
}

/**
 * The labelled inputs of each writing round (files named <sign>.<round>.yaml), rounds in the
 * order of the sorted file names. A sign and text written in two rounds is kept in the first only.
 */
export function assertionExamplesByRound(named: readonly { name: string; file: CorpusFile }[], describe: DescribeSign): Map<string, AssertionExample[]> {
  const byRound = new Map<string, CorpusFile[]>();
  for (const { name, file } of [...named].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = roundOfCorpusFile(name);
    byRound.set(r, [...(byRound.get(r) ?? []), file]);
  }
  const seen = new Set<string>();
  const out = new Map<string, AssertionExample[]>();
  for (const [r, files] of byRound) {
    const list = assertionExamples(files, describe).filter((e) => !seen.has(`${e.input.sign}\u0000${e.text.toLowerCase().trim()}`));
    for (const e of list) seen.add(`${e.input.sign}\u0000${e.text.toLowerCase().trim()}`);
    out.set(r, list);
  }
  return out;
}

/**
 * Leave-one-round-out class probabilities: each round (a set of writers) scored by a model
 * trained on every other round. Unlike k-fold, no writer is on both sides, so thresholds chosen
 * on these probabilities hold for writers the model has not read (k-fold ones did not: the
 * development sets by new writers kept 10-12% false alarms). `only`: score just these rounds.
 */
export function crossRoundAssertion(
  byRound: ReadonlyMap<string, readonly AssertionExample[]>,
  config: Partial<AssertionModelConfig> = {},
  only?: readonly string[],
): Map<string, Float64Array[]> {
  const out = new Map<string, Float64Array[]>();
  for (const [held, test] of byRound) {
    if (only && !only.includes(held)) continue;
    const train = [...byRound].filter(([r]) => r !== held).flatMap(([, l]) => l);
    const model = restoreAssertionModel(trainAssertionModel(train, `round:${held}`, config));
    out.set(
      held,
      test.map((e) => model.probabilities(e.input)),
    );
  }
  return out;
}

/**
 * What the gate makes of one example given the model's probabilities and thresholds, as
 * assertionGate.ts judge does (kept in step with it; scripts/assertion-rounds.mjs --check
 * compares the two): `raised` is urgent advice, or for a cauda equina sign a confirming question
 * (a weak set-aside); `urgent` is current.
 */
export function gateDecision(
  e: AssertionExample,
  p: Float64Array,
  t: AssertionThresholds['thresholds'],
  caudaEquina: ReadonlySet<string>,
): { raised: boolean; urgent: boolean } {
  const ce = caudaEquina.has(e.input.sign);
  const pc = p[CURRENT]!;
  if (e.rule !== 'current') {
    if (!(ce && e.strong)) return { raised: ce && !e.strong, urgent: false };
    return { raised: pc >= t.disagreeCaudaEquina, urgent: false };
  }
  const bar = ce ? t.setAsideAloneCaudaEquina : t.setAsideAlone;
  if (pc >= bar || !modelMaySetAside(e.input)) return { raised: true, urgent: true };
  if (ce && pc < t.answerAloneCaudaEquina) return { raised: false, urgent: false };
  return { raised: ce, urgent: false };
}

/** Out-of-fold class probabilities: every example scored by a model trained without its fold (stratified by sign and kind). */
export function crossValidateAssertion(data: readonly AssertionExample[], k = 5, config: Partial<AssertionModelConfig> = {}): Float64Array[] {
  const seed = { ...DEFAULT_ASSERTION_CONFIG, ...config }.seed;
  const random = rng(seed + 7);
  const folds = new Array<number>(data.length).fill(0);
  const groups = new Map<string, number[]>();
  data.forEach((d, i) => {
    const g = `${d.input.sign}:${d.kind}`;
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  let offset = 0;
  for (const g of [...groups.keys()].sort()) {
    const members = shuffleInPlace(groups.get(g)!, random);
    members.forEach((m, j) => (folds[m] = (offset + j) % k));
    offset += members.length;
  }
  const out: Float64Array[] = data.map(() => new Float64Array(ASSERTION_CLASSES.length));
  for (let fold = 0; fold < k; fold++) {
    const model = restoreAssertionModel(
      trainAssertionModel(
        data.filter((_, i) => folds[i] !== fold),
        'cv',
        config,
      ),
    );
    data.forEach((d, i) => {
      if (folds[i] === fold) out[i] = model.probabilities(d.input);
    });
  }
  return out;
}

// ---------------------------------------------------------------------------- thresholds

const thresholdsSchema = z.object({
  version: z.string(),
  corpusHash: z.string(),
  thresholds: z.object({
    /** The rules say current: the model alone sets a sign aside only below this p(current). */
    setAsideAlone: z.number().min(0).max(1),
    /** The same for a cauda equina sign (set aside weakly: one neutral confirming question instead of advice). */
    setAsideAloneCaudaEquina: z.number().min(0).max(1).default(0),
    /**
     * A cauda equina sign the model alone is this sure is not current (p(current) below it)
     * gets an answer about the sign with safety-netting ("if this is happening to you now, go to
     * the emergency department") instead of a confirming question: never silence.
     */
    answerAloneCaudaEquina: z.number().min(0).max(1).default(0),
    /** A cauda equina sign the rules set aside on a strong cue becomes a question at or above this p(current). */
    disagreeCaudaEquina: z.number().min(0).max(1),
  }),
  chosenOn: z.record(z.string(), z.unknown()),
});
export type AssertionThresholds = z.infer<typeof thresholdsSchema>;

/** Without a thresholds file: the model never sets a sign aside alone, and agrees at 0.5. */
export const FALLBACK_ASSERTION_THRESHOLDS: AssertionThresholds = {
  version: ASSERTION_MODEL_VERSION,
  corpusHash: '',
  thresholds: { setAsideAlone: 0, setAsideAloneCaudaEquina: 0, answerAloneCaudaEquina: 0, disagreeCaudaEquina: 0.5 },
  chosenOn: {},
};

export function loadAssertionThresholds(dataDir = 'knowledge/nlu'): AssertionThresholds {
  const path = join(resolveFromRoot(dataDir), ASSERTION_MODEL_FILE);
  if (!existsSync(path)) return FALLBACK_ASSERTION_THRESHOLDS;
  const parsed = thresholdsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data.version === ASSERTION_MODEL_VERSION ? parsed.data : FALLBACK_ASSERTION_THRESHOLDS;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Share of the real reports the rules keep current that the learned model alone may set aside,
 * held out (by round): a budget, not "below every positive", because one odd positive (p(current) 0.0000
 * for "sorted, but it's back") then switched the model off altogether. For a sign that is not
 * cauda equina a set-aside drops it; for a cauda equina sign it becomes one neutral confirming
 * question, so its urgent advice waits for a "yes" but the sign is never silenced.
 */
export const SET_ASIDE_BUDGET = 0.0005;

/**
 * Thresholds from held-out probabilities (train-assertion.mjs: leave one writing round out; the
 * names below still say "out of fold"). Safety first, so they are set by the positives:
 *   setAsideAlone     (signs that are not cauda equina) the p(current) below which at most
 *                     SET_ASIDE_BUDGET of the positives the rules keep current fall, out of fold
 *                     (a recurrence, which the model may not set aside, is not counted);
 *   setAsideAloneCaudaEquina  the same over the cauda equina positives;
 *   disagreeCaudaEquina  the lowest p(current) of a cauda equina positive the rules set aside,
 *                     less 0.01 (within 0.5..0.99): out of fold each of them becomes a question;
 * and, for the record, what an overrule of the rules' set-asides of other signs would have done
 * (`overrule`; the gate does not do it, see assertionGate.ts judge).
 */
export function chooseThresholds(
  data: readonly AssertionExample[],
  oof: readonly Float64Array[],
  caudaEquina: ReadonlySet<string>,
  byRound?: { rounds: readonly string[]; budget: number },
): AssertionThresholds['thresholds'] & { numbers: Record<string, unknown> } {
  const pc = oof.map((p) => p[CURRENT]!);
  const positives = data.map((d, i) => ({ d, p: pc[i]! })).filter((x) => x.d.label === 'current');
  const keptByRules = positives.filter((x) => x.d.rule === 'current');
  const droppedByRules = positives.filter((x) => x.d.rule !== 'current');
  const minKept = Math.min(...keptByRules.map((x) => x.p));
  // The largest threshold with at most `budget` of these positives strictly below it.
  const pooled = (xs: { d: AssertionExample; p: number }[], budget: number) => {
    const ps = xs
      .filter((x) => modelMaySetAside(x.d.input))
      .map((x) => x.p)
      .sort((a, b) => a - b);
    const allowed = Math.floor(budget * xs.length);
    // Floored, so that rounding never lets one more positive under it.
    return Math.floor((ps[allowed] ?? 0) * 1e6) / 1e6;
  };
  // By round: the largest threshold that keeps EVERY round within its own budget (a pooled
  // budget let one round's writers, whom the model reads worst, take it all: see chooseRoundBudget).
  const roundOf = new Map(data.map((d, i) => [d, byRound?.rounds[i] ?? '']));
  const budgeted = (xs: { d: AssertionExample; p: number }[], budget = SET_ASIDE_BUDGET) => {
    if (!byRound) return pooled(xs, budget);
    const groups = new Map<string, { d: AssertionExample; p: number }[]>();
    for (const x of xs) groups.set(roundOf.get(x.d)!, [...(groups.get(roundOf.get(x.d)!) ?? []), x]);
    const scale = budget / SET_ASIDE_BUDGET;
    return Math.min(1, ...[...groups.values()].map((g) => pooled(g, byRound.budget * scale)));
  };
  const setAsideAlone = budgeted(keptByRules.filter((x) => !caudaEquina.has(x.d.input.sign)));
  const setAsideAloneCaudaEquina = budgeted(keptByRules.filter((x) => caudaEquina.has(x.d.input.sign)));
  // An answer with safety-netting instead of a question: half the budget.
  const answerAloneCaudaEquina = budgeted(
    keptByRules.filter((x) => caudaEquina.has(x.d.input.sign)),
    SET_ASIDE_BUDGET / 2,
  );
  // The lowest p(current) of a positive the rules set aside, less 0.01, within 0.5..0.99.
  const bar = (xs: { p: number }[]) => Math.min(0.99, Math.max(0.5, Math.floor((Math.min(1, ...xs.map((x) => x.p)) - 0.01) * 100) / 100));
  const agree = bar(droppedByRules.filter((x) => !caudaEquina.has(x.d.input.sign)));
  const agreeCaudaEquina = bar(droppedByRules.filter((x) => caudaEquina.has(x.d.input.sign)));
  const overruled = (x: { d: AssertionExample; p: number }) => x.p >= (caudaEquina.has(x.d.input.sign) ? agreeCaudaEquina : agree);
  const nearMisses = data.map((d, i) => ({ d, p: pc[i]! })).filter((x) => x.d.label !== 'current');
  const argmax = (p: Float64Array) => ASSERTION_CLASSES[p.indexOf(Math.max(...p))]!;
  const correct = data.filter((d, i) => argmax(oof[i]!) === d.label).length;
  const numbers = {
    examples: data.length,
    positives: positives.length,
    nearMisses: nearMisses.length,
    outOfFoldAccuracy: round(correct / data.length),
    outOfFoldCurrentRecallAtHalf: round(positives.filter((x) => x.p >= 0.5).length / positives.length),
    outOfFoldNearMissesSetAsideAtHalf: round(nearMisses.filter((x) => x.p < 0.5).length / nearMisses.length),
    lowestCurrentOfPositivesRulesKeep: round(minKept),
    positivesRulesSetAside: droppedByRules.length,
    nearMissesRulesKeepCurrent: nearMisses.filter((x) => x.d.rule === 'current').length,
    setAsideBudget: SET_ASIDE_BUDGET,
    ...(byRound ? { budgetWithinEachRound: byRound.budget } : {}),
    positivesAllowedByBudget:
      Math.floor(SET_ASIDE_BUDGET * keptByRules.filter((x) => !caudaEquina.has(x.d.input.sign)).length) +
      Math.floor(SET_ASIDE_BUDGET * keptByRules.filter((x) => caudaEquina.has(x.d.input.sign)).length),
    positivesSetAsideAloneAtThreshold: keptByRules.filter(
      (x) => modelMaySetAside(x.d.input) && x.p < (caudaEquina.has(x.d.input.sign) ? setAsideAloneCaudaEquina : setAsideAlone),
    ).length,
    nearMissesSetAsideAloneAtThreshold: nearMisses.filter(
      (x) => x.d.rule === 'current' && modelMaySetAside(x.d.input) && x.p < (caudaEquina.has(x.d.input.sign) ? setAsideAloneCaudaEquina : setAsideAlone),
    ).length,
    nearMissesRulesSetAside: nearMisses.filter((x) => x.d.rule !== 'current').length,
    caudaEquinaPositivesAnsweredAlone: keptByRules.filter((x) => caudaEquina.has(x.d.input.sign) && modelMaySetAside(x.d.input) && x.p < answerAloneCaudaEquina)
      .length,
    caudaEquinaNearMissesAnsweredAlone: nearMisses.filter(
      (x) => caudaEquina.has(x.d.input.sign) && x.d.rule === 'current' && modelMaySetAside(x.d.input) && x.p < answerAloneCaudaEquina,
    ).length,
    overrule: {
      used: false,
      bar: agree,
      barCaudaEquina: agreeCaudaEquina,
      positivesTakenBack: droppedByRules.filter(overruled).length,
      nearMissesTakenBack: nearMisses.filter((x) => x.d.rule !== 'current' && overruled(x)).length,
    },
  };
  return { setAsideAlone, setAsideAloneCaudaEquina, answerAloneCaudaEquina, disagreeCaudaEquina: agreeCaudaEquina, numbers };
}

/** Budgets within each round tried by chooseRoundBudget, largest first. */
export const ROUND_BUDGETS = [0.005, 0.003, 0.002, 0.001, 0.0005, 0];

/**
 * Thresholds from round-held-out probabilities that keep the budget on writers the model has not
 * read. One pooled budget over every round's probabilities did not: its threshold is set by the
 * few lowest of ~12,000 positives, and one round the model reads worst (s6: 5 of 1,467 real
 * reports) spent it all, so held out it set aside 9 real reports for a budget of 6, and the
 * threshold it shipped moved 15-fold when a round was added (cauda equina 0.00006 -> 0.0009:
 * the development sets then lost reports). Here every round must stay within a budget of its own
 * (chooseThresholds byRound), and that budget is the largest of ROUND_BUDGETS with which,
 * choosing on the other rounds and scoring the round held out, every round together sets aside
 * at most SET_ASIDE_BUDGET of the real reports the rules keep (the probabilities of the other
 * rounds come from models that read the held-out round: it moves its thresholds only through
 * them, never through its own probabilities). When none does, 0: below every real report of every
 * round (a round read worse than all the others can still exceed it: more rounds are the cure).
 */
export function chooseRoundBudget(
  byRound: ReadonlyMap<string, readonly AssertionExample[]>,
  probs: ReadonlyMap<string, readonly Float64Array[]>,
  caudaEquina: ReadonlySet<string>,
): { budget: number; heldOutSetAside: Record<string, number>; allowed: number } {
  const all = [...byRound];
  const kept = all.flatMap(([, l]) => l).filter((e) => e.label === 'current' && e.rule === 'current').length;
  const allowed = Math.floor(SET_ASIDE_BUDGET * kept);
  let last = { budget: 0, heldOutSetAside: {} as Record<string, number>, allowed };
  for (const budget of ROUND_BUDGETS) {
    const heldOutSetAside: Record<string, number> = {};
    for (const [held, test] of all) {
      const others = all.filter(([r]) => r !== held);
      const t = chooseThresholds(
        others.flatMap(([, l]) => l),
        others.flatMap(([r]) => probs.get(r)!),
        caudaEquina,
        { rounds: others.flatMap(([r, l]) => l.map(() => r)), budget },
      );
      heldOutSetAside[held] = test.filter(
        (e, i) => e.label === 'current' && e.rule === 'current' && !gateDecision(e, probs.get(held)![i]!, t, caudaEquina).urgent,
      ).length;
    }
    last = { budget, heldOutSetAside, allowed };
    if (Object.values(heldOutSetAside).reduce((a, b) => a + b, 0) <= allowed) return last;
  }
  return last;
}

// ---------------------------------------------------------------------------- cache

export interface AssertionSources {
  corpusFiles: CorpusFile[];
  /** The same files with their names (the name says the writing round). */
  namedFiles: { name: string; file: CorpusFile }[];
  /** Everything the inputs depend on, hashed for the cache key. */
  hash: string;
}

/** The corpus and the hash of what the model depends on (`root`: the content root). */
export function readAssertionSources(root = '.', extraCorpusDirs: readonly string[] = []): AssertionSources {
  const sources = readCorpusSources(join(root, 'knowledge', 'nlu'));
  const extra: [string, string][] = [];
  for (const dir of extraCorpusDirs)
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.yaml'))
      .sort())
      extra.push([f, readFileSync(join(dir, f), 'utf8')]);
  const named = [...sources.corpus, ...extra].map(([name, text]) => ({ name, file: parseCorpus({ ...sources, corpus: [[name, text]] })[0]! }));
  const files = named.map((n) => n.file);
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : '');
  const hash = sha256(
    JSON.stringify([
      ASSERTION_MODEL_VERSION,
      sources.corpus,
      extra,
      read('knowledge/nlu/assertion-cues.yaml'),
      read('knowledge/red-flags.yaml'),
      read('knowledge/nlu/patient.yaml'),
    ]),
  );
  return { corpusFiles: files, namedFiles: named, hash };
}

const CACHE_PREFIX = 'assertion-model-';

/** Restores the model from the cache or trains it (a second or two) and writes the cache. */
export function loadOrTrainAssertionModel(options: { root: string; cacheDir: string; describe: DescribeSign }): {
  model: AssertionModel;
  source: 'cache' | 'trained';
} {
  const sources = readAssertionSources(options.root);
  const key = sha256(JSON.stringify([sources.hash, DEFAULT_ASSERTION_CONFIG]));
  const cacheDir = resolveFromRoot(options.cacheDir);
  const cacheFile = join(cacheDir, `${CACHE_PREFIX}${key.slice(0, 32)}.json`);
  try {
    if (existsSync(cacheFile)) {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as SerializedAssertionModel;
      if (cached.cacheKey === key) return { model: restoreAssertionModel(cached), source: 'cache' };
    }
  } catch {
    // corrupt or stale: retrain below
  }
  const serialized = trainAssertionModel(assertionExamples(sources.corpusFiles, options.describe), key);
  const model = restoreAssertionModel(serialized);
  // Best effort (a read-only install runs without the cache); older files of this cache are pruned.
  writeCacheFile(cacheDir, basename(cacheFile), serialized, { prefix: CACHE_PREFIX, keep: 1 });
  return { model, source: 'trained' };
}
