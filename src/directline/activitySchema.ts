// What a Web Chat client may post to the built-in Direct Line, as a zod schema. A post that does
// not fit gets 400 before anything is stored or the bot sees it. Unknown fields are dropped;
// null counts as absent (some clients send it for "not set"). Strings the SDK's own Activity
// schema requires non-empty are non-empty here too, so a post that passes never fails there.
import { z } from 'zod';

/** Deepest nesting of objects and arrays in `value` and `channelData` (card submits are 2 or 3 deep). */
export const MAX_JSON_DEPTH = 10;

/** Whether `value` nests objects and arrays no deeper than `max` levels (iterative: no stack to blow). */
export function nestingWithin(value: unknown, max: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return false;
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return true;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Any JSON, not too deep. Kept as sent (z.record would rebuild it, and a "__proto__" key with it). */
const shallowJson = z.unknown().refine((value) => nestingWithin(value, MAX_JSON_DEPTH), `nested deeper than ${MAX_JSON_DEPTH} levels`);
const shallowObject = z
  .custom<Record<string, unknown>>(isPlainObject, 'must be an object')
  .refine((value) => nestingWithin(value, MAX_JSON_DEPTH), `nested deeper than ${MAX_JSON_DEPTH} levels`);

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const clientActivitySchema = z.object({
  type: z.enum(['message', 'typing', 'event']),
  text: optional(z.string()),
  locale: optional(z.string().min(1).max(20)),
  value: shallowJson.optional(),
  name: optional(z.string().min(1).max(100)),
  channelData: optional(shallowObject),
  entities: optional(z.array(z.looseObject({ type: z.string().min(1).max(100) }).refine((entity) => nestingWithin(entity, MAX_JSON_DEPTH))).max(10)),
  localTimestamp: optional(
    z
      .string()
      .min(1)
      .max(40)
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date and time'),
  ),
  localTimezone: optional(z.string().min(1).max(64)),
  replyToId: optional(z.string().min(1).max(200)),
  attachments: optional(z.array(z.object({ contentType: optional(z.string().min(1).max(100)), name: optional(z.string().min(1).max(200)) })).max(5)),
  from: optional(z.object({ id: optional(z.string().max(200)), name: optional(z.string()), role: optional(z.string()) })),
});

export type ClientActivity = z.infer<typeof clientActivitySchema>;

/** The first problem, as "field: message", for the 400 answer (never the value itself). */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid activity';
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}
