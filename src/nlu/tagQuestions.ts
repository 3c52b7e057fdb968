// Tag questions ("..., is that a bad sign?"): the words before the comma are told as facts, so
// the red-flag detectors read them as a sentence of their own. Without it a sentence that ends
// in "?" was read as a question about the sign, and a report inside it ("can't sleep, the pain is
// constant at night and turning over doesn't change it, is that a bad sign?") got no advice.
// The tags are data: knowledge/nlu/tag-questions.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYamlWith } from '../util/yamlFile.js';

export const TAG_QUESTIONS_FILE = join('knowledge', 'nlu', 'tag-questions.yaml');

const schema = z.strictObject({ tags: z.array(z.string().min(1)).min(1) });

export type TagQuestionSplitter = (text: string) => string;

export function parseTagQuestions(yamlText: string, file = TAG_QUESTIONS_FILE): TagQuestionSplitter {
  const { tags } = parseYamlWith(yamlText, schema, file);
  const alternatives = tags.map((t) => `(?:${t})`).join('|');
  // A comma (or a dash), the tag, then "?" ending a sentence: the comma becomes a full stop.
  const re = new RegExp(`\\s*(?:,|\\s-)\\s*((?:${alternatives})\\s*\\?+)(?=\\s|$)`, 'gi');
  return (text) => text.replace(re, '. $1');
}

export function loadTagQuestions(root = '.'): TagQuestionSplitter {
  return parseTagQuestions(readFileSync(join(root, TAG_QUESTIONS_FILE), 'utf8'));
}
