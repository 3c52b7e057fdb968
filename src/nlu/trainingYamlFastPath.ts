// A fast path for reading knowledge/nlu/training.yaml: its usual shape parsed line by line.
import { isSafePlainScalar } from './normalize.js';

/**
 * training.yaml in its usual shape (comments, `intent.id:` lines, `  - utterance` lines with
 * plain, 'single' or "double" quoted text) parsed without the YAML library, which takes
 * ~100 ms on it; undefined for anything else (the caller then uses the YAML parser). A unit
 * test checks both give the same result on the real file.
 */
export function parseSimpleTrainingYaml(text: string): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const key = /^([a-z][a-z0-9_.]*):\s*$/.exec(line);
    if (key) {
      const id = key[1] as string;
      if (Object.prototype.hasOwnProperty.call(out, id) || !isSafePlainScalar(id)) return undefined;
      out[id] = current = [];
      continue;
    }
    const item = /^ {2}- (.*?)\s*$/.exec(line);
    if (!item || !current) return undefined;
    const value = item[1] as string;
    const double = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value);
    const single = /^'((?:[^']|'')*)'$/.exec(value);
    if (double) current.push((double[1] as string).replace(/\\(["\\])/g, '$1'));
    else if (single) current.push((single[1] as string).replace(/''/g, "'"));
    else if (isSafePlainScalar(value)) current.push(value);
    else return undefined;
  }
  return out;
}
