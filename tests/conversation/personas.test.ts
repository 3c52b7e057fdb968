// Scripted persona conversations (issue #14): each file in tests/conversation/personas/ is a
// list of conversations, each a list of typed messages with assertions on the bot's replies to
// that message (routing, no repeats, the check never derailed, the honest "can't tell", no
// doses, urgent and crisis help). The assertions are about behaviour a person sees, so the
// scripts can be written by someone who has not read the dialogs (the blind set was).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Activity } from '@microsoft/agents-activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Backline } from '../../src/app.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';

const Expect = z
  .object({
    urgent: z.boolean(),
    crisis: z.boolean(),
    level: z.enum(['emergency_ambulance', 'emergency', 'consultation_24', 'consultation', 'self_care']),
    asks: z.enum(['yes_no', 'choice', 'age', 'duration', 'any', 'none']),
    in_check: z.boolean(),
    not_restarted: z.boolean(),
    progress: z.boolean(),
    cant_tell: z.boolean(),
    no_dose: z.boolean(),
    no_repeat: z.boolean(),
    no_did_you_mean: z.boolean(),
    acknowledges: z.boolean(),
    not_out_of_scope: z.boolean(),
    summary: z.boolean(),
    contains_any: z.array(z.string().min(1)).min(1),
    not_contains: z.array(z.string().min(1)).min(1),
  })
  .partial()
  .strict();
const Turn = z.object({ say: z.string(), expect: Expect.optional() }).strict();
const Conversation = z
  .object({
    name: z.string().min(1),
    persona: z.string().optional(),
    locale: z.string().optional(),
    /** A known gap (why it fails today): the test then expects a failure, and fails once the gap closes. */
    known_gap: z.string().min(1).optional(),
    turns: z.array(Turn).min(1),
  })
  .strict();
type Conversation = z.infer<typeof Conversation>;

const DIR = join(import.meta.dirname, 'personas');
// PERSONAS_SHOW_GAPS=1 runs the known gaps as ordinary tests, to see every failure they have.
const SHOW_KNOWN_GAPS = process.env['PERSONAS_SHOW_GAPS'] === '1';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

// Phrases a plain "I can't tell" is made of; a dose is an amount of a medicine or how often to take it.
const CANT_TELL = /\b(?:can(?:'|’|no)?t|can not|unable to|not able to|won(?:'|’)t be able to)\b[^.!?\n]{0,60}\b(?:tell|say|diagnos|know|be sure|work out)/i;
const DOSE =
  /\b\d+(?:[.,]\d+)?\s?(?:mg|milligrams?|mcg|micrograms?|ml|millilitres?|milliliters?|g|grams?|tablets?|pills?|capsules?|caplets?|doses?)\b|\b(?:once|twice|three times|four times|\d+ times)\s+(?:a|per|each)\s+day\b|\bevery\s+\d+(?:\s?(?:-|to)\s?\d+)?\s*(?:hours?|hrs?|h)\b/i;
const DID_YOU_MEAN = /did you mean|do you mean one of/i;
const ACKNOWLEDGES =
  /sorry|understand|hear (?:that|you)|worr|frustrat|sounds|must be|difficult|hard|scary|upsetting|annoy|apolog|concern|fair enough|I get (?:it|that)|thank you for telling/i;

const textOf = (a: Activity): string => (a.text ?? '').trim();
const normal = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

function askOf(replies: Activity[]) {
  return [...replies]
    .reverse()
    .map(dataOf)
    .find((d) => d?.ask)?.ask as
    (Record<string, unknown> & { node?: string; kind?: string; evidence?: string; progress?: { index: number; total: number } }) | undefined;
}

/** A question of the warning-sign check: it carries an evidence id (or a list of them) or progress. */
function isCheckQuestion(ask: ReturnType<typeof askOf>): boolean {
  return !!ask && (ask.evidence !== undefined || ask.progress !== undefined || Array.isArray(ask['evidenceList']));
}

async function outOfScopeCount(backline: Backline): Promise<number> {
  const counter = backline.observability.metrics?.fallbacks;
  if (!counter) throw new Error('metrics are off: the out-of-scope assertion needs METRICS_TOKEN');
  const values = (await counter.get()).values;
  return values.filter((v) => v.labels['kind'] === 'out_of_scope').reduce((n, v) => n + v.value, 0);
}

async function play(backline: Backline, conversation: Conversation): Promise<string[]> {
  const failures: string[] = [];
  const chat = await new Chat(backline, conversation.locale ? { activityDefaults: { locale: conversation.locale } } : {}).open();
  const earlier = new Set(
    chat.last
      .map(textOf)
      .filter((t) => t.length >= 40)
      .map(normal),
  );
  let firstCheckNode: string | undefined;
  let previousCheck: { node?: string; index?: number } | undefined;
  for (const [i, turn] of conversation.turns.entries()) {
    const outOfScopeBefore = turn.expect?.not_out_of_scope ? await outOfScopeCount(backline) : 0;
    const replies = await chat.say(turn.say);
    const texts = replies.map(textOf);
    const all = texts.join('\n');
    const data = replies.map(dataOf);
    const ask = askOf(replies);
    const fail = (what: string): void => {
      failures.push(`turn ${i + 1} ${JSON.stringify(turn.say)}: ${what}\n    replies: ${JSON.stringify(all.slice(0, 400))}`);
    };
    const e = turn.expect ?? {};
    if (replies.length === 0) fail('no reply');
    if (e.urgent !== undefined && data.some((d) => d?.urgent === true) !== e.urgent) fail(`urgent should be ${e.urgent}`);
    if (e.crisis !== undefined && data.some((d) => d?.crisis === true) !== e.crisis) fail(`crisis should be ${e.crisis}`);
    if (e.level !== undefined && !data.some((d) => d?.triage?.level === e.level))
      fail(
        `no triage level ${e.level} (got ${
          data
            .map((d) => d?.triage?.level)
            .filter(Boolean)
            .join(',') || 'none'
        })`,
      );
    if (e.asks !== undefined) {
      const lastAsk = dataOf(replies[replies.length - 1] ?? ({} as Activity))?.ask ?? ask;
      const kind = lastAsk?.kind;
      const ok = e.asks === 'none' ? !lastAsk : e.asks === 'any' ? !!lastAsk : kind === e.asks || (e.asks === 'yes_no' && kind === 'checklist');
      if (!ok) fail(`should ask ${e.asks} (asks ${kind ?? 'nothing'})`);
    }
    if (e.in_check !== undefined && isCheckQuestion(ask) !== e.in_check) fail(`in_check should be ${e.in_check}`);
    if (e.progress && !(ask?.progress && Number.isInteger(ask.progress.index) && Number.isInteger(ask.progress.total))) fail('no ask.progress');
    if (e.not_restarted && isCheckQuestion(ask) && previousCheck) {
      const backToStart =
        (ask!.progress?.index === 1 && (previousCheck.index ?? 0) >= 3) ||
        (ask!.progress === undefined && ask!.node === firstCheckNode && previousCheck.node !== firstCheckNode);
      if (backToStart) fail('the check went back to its first question');
    }
    if (e.not_restarted && !isCheckQuestion(ask) && previousCheck) fail('the check ended (no check question asked)');
    if (e.cant_tell && !CANT_TELL.test(all)) fail('no plain "can\'t tell"');
    if (e.no_dose && DOSE.test(all)) fail(`gives a dose: ${JSON.stringify(all.match(DOSE)![0])}`);
    if (e.no_repeat) {
      const repeated = texts.find((t) => t.length >= 40 && earlier.has(normal(t)));
      if (repeated) fail(`repeats an earlier reply word for word: ${JSON.stringify(repeated.slice(0, 80))}`);
    }
    if (e.no_did_you_mean && DID_YOU_MEAN.test(all)) fail('shows a "Did you mean" menu');
    if (e.acknowledges && !ACKNOWLEDGES.test(texts[0] ?? '')) fail('the first reply does not acknowledge the feeling');
    if (e.not_out_of_scope && (await outOfScopeCount(backline)) > outOfScopeBefore) fail('treated as out of scope');
    if (e.summary && !data.some((d) => (d as Record<string, unknown> | undefined)?.['summary'] !== undefined))
      fail('no summary (channelData.backline.summary)');
    if (e.contains_any && !e.contains_any.some((w) => all.toLowerCase().includes(w.toLowerCase()))) fail(`contains none of ${JSON.stringify(e.contains_any)}`);
    for (const w of e.not_contains ?? []) if (all.toLowerCase().includes(w.toLowerCase())) fail(`contains ${JSON.stringify(w)}`);

    for (const t of texts) if (t.length >= 40) earlier.add(normal(t));
    if (isCheckQuestion(ask)) {
      firstCheckNode ??= ask!.node;
      previousCheck = { node: ask!.node, index: ask!.progress?.index };
    } else if (ask || data.some((d) => d?.triage?.final)) {
      previousCheck = undefined;
    }
  }
  return failures;
}

let backline: Backline;
beforeAll(() => {
  backline = testBackline({ METRICS_TOKEN: 'persona-tests-metrics-token' });
});
afterAll(async () => {
  await backline.close();
});

for (const file of files) {
  const raw = parseYaml(readFileSync(join(DIR, file), 'utf8')) as unknown;
  const conversations = z.array(Conversation).min(1).parse(raw);
  describe(`personas: ${file}`, () => {
    for (const conversation of conversations) {
      const title = `${conversation.persona ? `${conversation.persona}: ` : ''}${conversation.name}`;
      const run = async () => {
        const failures = await play(backline, conversation);
        expect(failures, failures.join('\n')).toEqual([]);
      };
      if (conversation.known_gap && !SHOW_KNOWN_GAPS) it.fails(`${title} (known gap: ${conversation.known_gap})`, run);
      else it(title, run);
    }
  });
}
