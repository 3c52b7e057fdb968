// Reads YAML and validates it with a schema; every problem names the file (and the field or item).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A bad or unreadable input file (the CLI exits with 2 for these). */
export class TestFileError extends Error {}

export function loadYamlList<T extends z.ZodType>(path: string, itemSchema: T, itemName: string): z.infer<T>[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TestFileError(`${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = z.array(itemSchema).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TestFileError(`${path}: ${itemName} ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data as z.infer<T>[];
}

/**
 * Parses YAML text and checks it with a schema. Throws `make(message)`, the message naming the
 * file and either the YAML error or every field that is wrong.
 */
export function parseYamlWith<T extends z.ZodType>(text: string, schema: T, file: string, make: (message: string) => Error = (m) => new Error(m)): z.infer<T> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw make(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw make(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data as z.infer<T>;
}
