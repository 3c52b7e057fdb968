// Canned replies for the agent console, kept as data: knowledge/canned-replies.<lang>.yaml.
// Loaded at start (and validated by `backline check`); a missing file means no canned replies.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface CannedReply {
  id: string;
  label: string;
  text: string;
}

const MAX_TEXT = 4000;

const schema = z.strictObject({
  replies: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are lower_snake_case'),
        label: z.string().trim().min(1).max(60),
        text: z.string().trim().min(1).max(MAX_TEXT),
      }),
    )
    .max(100),
});

export function cannedRepliesPath(contentDir: string, language = 'en'): string {
  return join(contentDir, 'knowledge', `canned-replies.${language}.yaml`);
}

/** The replies and any problems (a problem leaves the list empty: better none than wrong ones). */
export function inspectCannedReplies(file: string): { replies: CannedReply[]; problems: { file: string; line: number; message: string }[] } {
  if (!existsSync(file)) return { replies: [], problems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    return { replies: [], problems: [{ file, line: 1, message: error instanceof Error ? error.message : String(error) }] };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { replies: [], problems: parsed.error.issues.map((i) => ({ file, line: 1, message: `${i.path.join('.') || '(file)'}: ${i.message}` })) };
  }
  const seen = new Set<string>();
  const problems = [];
  for (const reply of parsed.data.replies) {
    if (seen.has(reply.id)) problems.push({ file, line: 1, message: `canned reply id "${reply.id}" is used twice` });
    seen.add(reply.id);
  }
  return problems.length > 0 ? { replies: [], problems } : { replies: parsed.data.replies, problems: [] };
}
