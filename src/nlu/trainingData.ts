// The intent classifier's training data (knowledge/nlu/training.yaml): parsing, validation
// (unknown intent ids, empty or twice-labelled utterances) and the hashes that say which data
// and lexicon a model or calibration was made from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { INTENT_IDS, type IntentId } from '../contract.js';
import { sha256 } from '../util/hash.js';
import { DEFAULT_DATA_DIR, resolveFromRoot, TRAINING_FILE } from './dataFiles.js';
import type { Lexicon } from './normalize.js';
import { parseSimpleTrainingYaml } from './trainingYamlFastPath.js';

export interface TrainingData {
  examples: { text: string; intent: IntentId }[];
}

const trainingFileSchema = z.record(
  z.string(),
  z
    .array(z.union([z.string(), z.number()], { error: 'utterances must be text (quote values such as true, null or 12)' }).transform((v) => String(v).trim()))
    .min(1),
);
const intentIdSchema = z.enum(INTENT_IDS);

/** Parses training YAML (`intent id: [utterances]`). `origin` names the file in errors. */
export function parseTrainingData(yamlText: string, origin = TRAINING_FILE): TrainingData {
  let raw: unknown = parseSimpleTrainingYaml(yamlText);
  if (raw === undefined) {
    try {
      raw = parseYaml(yamlText);
    } catch (e) {
      throw new Error(`${origin}: invalid YAML: ${(e as Error).message}`, { cause: e });
    }
  }
  const parsed = trainingFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new Error(`${origin}: expected a map "intent id: [utterances]"${where ? ` (at ${where})` : ''}: ${issue?.message ?? ''}`);
  }
  const examples: TrainingData['examples'] = [];
  const labelOf = new Map<string, IntentId>();
  for (const [key, texts] of Object.entries(parsed.data)) {
    const id = intentIdSchema.safeParse(key);
    if (!id.success) throw new Error(`${origin}: unknown intent id "${key}"`);
    for (const text of texts) {
      if (text === '') throw new Error(`${origin}: empty utterance under "${key}"`);
      const norm = text.toLowerCase();
      const previous = labelOf.get(norm);
      if (previous !== undefined && previous !== id.data) {
        throw new Error(`${origin}: "${text}" is listed under both "${previous}" and "${key}"`);
      }
      if (previous !== undefined) continue;
      labelOf.set(norm, id.data);
      examples.push({ text, intent: id.data });
    }
  }
  return { examples };
}

/** Reads `<dir>/training.yaml`. Throws an Error naming the file and the id for an unknown intent. */
export function loadTrainingData(dir = DEFAULT_DATA_DIR): TrainingData {
  const file = join(resolveFromRoot(dir), TRAINING_FILE);
  return parseTrainingData(readFileSync(file, 'utf8'), file);
}

/** sha256 (hex) of the examples, in order. */
export function trainingDataHash(data: TrainingData): string {
  return sha256(JSON.stringify(data.examples.map((e) => [e.intent, e.text])));
}

/** sha256 of the lexicon file the lexicon was parsed from. */
export function lexiconHash(lexicon: Lexicon): string {
  return lexicon.hash;
}
