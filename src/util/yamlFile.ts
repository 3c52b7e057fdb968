// Reads a YAML file of test cases and validates it; every problem names the file and item.
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
