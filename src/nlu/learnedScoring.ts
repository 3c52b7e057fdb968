// Learned red-flag detector: scoring. The thresholds file (knowledge/nlu/red-flag-model.json)
// and the restored model that scores a message per sentence against them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { base64ToF32 } from './numeric.js';
import { resolveFromRoot } from './dataFiles.js';
import { lexiconFromEntries, Normalizer } from './normalize.js';
import { parse as parseYaml } from 'yaml';
import {
  HELD_OUT_THRESHOLDS_FILE,
  LEARNED_SIGNS,
  type LearnedConfig,
  type LearnedSign,
  MIN_CONTENT_WORDS,
  MODEL_VERSION,
  THRESHOLDS_FILE,
} from './learnedCorpus.js';
import { type Vectorizer, buildConceptIndex, rawFeatures, splitForScoring } from './learnedFeatures.js';
import { S, SIGN_INDEX, type SerializedLearnedModel, type Weights, sigmoid } from './learnedTraining.js';

const thresholdSchema = z.object({
  /** Platt scaling of the raw logit: p = sigmoid(a * logit + b). */
  a: z.number(),
  b: z.number(),
  possible: z.number().min(0).max(1),
  sure: z.number().min(0).max(1),
});
export type SignThresholds = z.infer<typeof thresholdSchema>;

const thresholdsFileSchema = z
  .object({
    version: z.string(),
    corpusHash: z.string(),
    signs: z.partialRecord(z.enum(LEARNED_SIGNS), thresholdSchema.passthrough()),
  })
  .passthrough();

export interface LearnedThresholds {
  corpusHash: string | null;
  version: string | null;
  signs: Partial<Record<LearnedSign, SignThresholds>>;
}

/** Before the first `backline train red-flags`: raw probabilities, cautious thresholds. */
export const FALLBACK_THRESHOLDS: SignThresholds = { a: 1, b: 0, possible: 0.3, sure: 0.8 };

const heldOutFileSchema = z.strictObject({
  /** How they were chosen (policy, date, rounds). */
  chosen: z.record(z.string(), z.unknown()).optional(),
  signs: z.partialRecord(
    z.enum(LEARNED_SIGNS),
    z.strictObject({
      possible: z.number().min(0.05).max(0.9),
      /** The numbers it was chosen on (held-out rounds, shipped calibration). */
      heldOutRecall: z.number().optional(),
      ownNearMissAlarm: z.number().optional(),
      negativesAlarm: z.number().optional(),
    }),
  ),
});

/** The per-sign `possible` thresholds chosen on held-out rounds (absent file: none). */
export function loadHeldOutThresholds(dataDir: string): Partial<Record<LearnedSign, number>> {
  const file = join(resolveFromRoot(dataDir), HELD_OUT_THRESHOLDS_FILE);
  if (!existsSync(file)) return {};
  const parsed = heldOutFileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return Object.fromEntries(Object.entries(parsed.data.signs).map(([sign, t]) => [sign, t!.possible]));
}

/**
 * Reads knowledge/nlu/red-flag-model.json (absent or unreadable: no thresholds). A sign's
 * `possible` threshold chosen on held-out rounds (red-flag-heldout-thresholds.yaml) replaces
 * the k-fold one: k-fold mixes every writer into every fold, held-out rounds are new writers.
 */
export function loadLearnedThresholds(dataDir: string, options: { heldOut?: boolean } = {}): LearnedThresholds {
  const file = join(resolveFromRoot(dataDir), THRESHOLDS_FILE);
  if (!existsSync(file)) return { corpusHash: null, version: null, signs: {} };
  const parsed = thresholdsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const heldOut = options.heldOut === false ? {} : loadHeldOutThresholds(dataDir);
  const signs: LearnedThresholds['signs'] = {};
  for (const [sign, t] of Object.entries(parsed.data.signs)) {
    if (!t) continue;
    const possible = heldOut[sign as LearnedSign] ?? t.possible;
    signs[sign as LearnedSign] = { a: t.a, b: t.b, possible, sure: Math.max(t.sure, possible) };
  }
  return { corpusHash: parsed.data.corpusHash, version: parsed.data.version, signs };
}

// ---------------------------------------------------------------------------- runtime

export interface LearnedScore {
  sign: LearnedSign;
  /** Calibrated probability that the text reports the sign. */
  p: number;
  level: 'sure' | 'possible';
  /** Index of the sentence that scored highest (-1: the whole message). */
  sentence: number;
}

export interface LearnedRedFlagModel {
  readonly corpusHash: string;
  /** Are the thresholds the ones chosen on this corpus? */
  readonly thresholdsCurrent: boolean;
  readonly trained: readonly LearnedSign[];
  /** Calibrated probability of every sign for one text (LEARNED_SIGNS order). */
  probabilities(text: string): Float64Array;
  /**
   * Signs at or above their `possible` threshold in the message or in one of its sentences
   * (the sentence with the highest probability is named), most probable first.
   */
  detect(text: string): LearnedScore[];
  thresholds(sign: LearnedSign): SignThresholds;
  serialize(): SerializedLearnedModel;
}

class LearnedModel implements LearnedRedFlagModel {
  readonly corpusHash: string;
  readonly thresholdsCurrent: boolean;
  readonly trained: readonly LearnedSign[];
  private readonly config: LearnedConfig;
  private readonly v: Vectorizer;
  private readonly weights: Weights;
  private readonly t: SignThresholds[];
  private readonly active: Uint8Array;
  private readonly answerWords: ReadonlySet<string>;
  private readonly scratch = new Float64Array(S);

  constructor(
    private readonly model: SerializedLearnedModel,
    thresholds: LearnedThresholds,
  ) {
    this.corpusHash = model.corpusHash;
    this.config = model.config;
    this.trained = model.trained;
    const lexicon = lexiconFromEntries(model.lexicon, model.lexiconHash);
    const wordIndex = new Map(model.words.map((w, i) => [w, i]));
    const charIndex = new Map(model.chars.map((c, i) => [c, model.words.length + i]));
    this.v = {
      normalizer: new Normalizer(lexicon, new Map(model.vocabulary), model.typos),
      concepts: buildConceptIndex(model.concepts ?? []),
      wordIndex,
      charIndex,
      size: model.words.length + model.chars.length,
    };
    this.weights = { W: base64ToF32(model.weights), bias: base64ToF32(model.bias) };
    if (this.weights.W.length !== this.v.size * S || this.weights.bias.length !== S) throw new Error('red-flag model: weights do not fit the features');
    this.thresholdsCurrent = thresholds.corpusHash === model.corpusHash;
    this.t = LEARNED_SIGNS.map((s) => thresholds.signs[s] ?? FALLBACK_THRESHOLDS);
    this.active = Uint8Array.from(LEARNED_SIGNS, (s) => (model.trained.includes(s) ? 1 : 0));
    this.answerWords = new Set(model.answerWords);
  }

  thresholds(sign: LearnedSign): SignThresholds {
    return this.t[SIGN_INDEX.get(sign)!]!;
  }

  probabilities(text: string): Float64Array {
    const out = new Float64Array(S);
    this.score(text, out);
    return out;
  }

  private score(text: string, out: Float64Array): void {
    this.logits(text, out);
    for (let s = 0; s < S; s++) {
      const t = this.t[s]!;
      out[s] = this.active[s] ? sigmoid(t.a * out[s]! + t.b) : 0;
    }
  }

  detect(text: string): LearnedScore[] {
    let content = 0;
    const plain = text
      .toLowerCase()
      .replace(/\S+@\S+|https?:\/\/\S+|www\.\S+/g, ' ')
      .replace(/['\u2019]/g, '');
    for (const w of plain.match(/[a-z0-9]+/g) ?? []) if (!this.answerWords.has(w) && !/^[0-9]+$/.test(w)) content++;
    if (content < MIN_CONTENT_WORDS) return [];
    const sentences = splitForScoring(text);
    const best = new Float64Array(S);
    const where = new Int32Array(S).fill(-1);
    const candidates = sentences.length > 1 ? [text, ...sentences] : [text];
    candidates.forEach((candidate, c) => {
      this.score(candidate, this.scratch);
      for (let s = 0; s < S; s++) {
        if (this.scratch[s]! > best[s]!) {
          best[s] = this.scratch[s]!;
          where[s] = c === 0 ? (sentences.length === 1 ? 0 : -1) : c - 1;
        }
      }
    });
    const out: LearnedScore[] = [];
    for (let s = 0; s < S; s++) {
      const t = this.t[s]!;
      const p = best[s]!;
      if (p >= t.possible) out.push({ sign: LEARNED_SIGNS[s]!, p, level: p >= t.sure ? 'sure' : 'possible', sentence: where[s]! });
    }
    return out.sort((a, b) => b.p - a.p);
  }

  serialize(): SerializedLearnedModel {
    return this.model;
  }

  // Scratch for logits(): detect() is synchronous, so one set is enough (fewer allocations,
  // fewer garbage-collection pauses on the hot path).
  private readonly idx = new Int32Array(4096);
  private readonly val = new Float64Array(4096);

  /** The raw logits of one text: vectorize() + logitsOf() without the intermediate arrays. */
  private logits(text: string, out: Float64Array): void {
    const { words, chars } = rawFeatures(this.v.normalizer, text, this.config, this.v.concepts);
    const { idx, val } = this;
    let n = 0;
    for (const w of words) {
      const i = this.v.wordIndex.get(w);
      if (i !== undefined && n < idx.length) idx[n++] = i;
    }
    const wordCount = n;
    const wordValue = wordCount > 0 ? 1 / Math.sqrt(wordCount) : 0;
    for (let k = 0; k < wordCount; k++) val[k] = wordValue;
    let norm = 0;
    for (const [code, count] of chars) {
      const i = this.v.charIndex.get(code);
      if (i === undefined || n >= idx.length) continue;
      const x = 1 + Math.log(count);
      idx[n] = i;
      val[n++] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    const scale = this.config.charWeight / norm;
    for (let k = wordCount; k < n; k++) val[k] = val[k]! * scale;
    const { W, bias } = this.weights;
    for (let s = 0; s < S; s++) out[s] = bias[s]!;
    for (let j = 0; j < n; j++) {
      const base = idx[j]! * S;
      const x = val[j]!;
      for (let s = 0; s < S; s++) out[s] = out[s]! + W[base + s]! * x;
    }
  }
}

export function restoreLearnedModel(model: SerializedLearnedModel, thresholds: LearnedThresholds): LearnedRedFlagModel {
  if (model.version !== MODEL_VERSION) throw new Error(`red-flag model: version ${model.version}, expected ${MODEL_VERSION}`);
  return new LearnedModel(model, thresholds);
}
