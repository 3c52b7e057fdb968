// `backline test triage`: plays each vignette through the real bot, turn by turn, over the
// same adapter path the server uses. It answers every question from the vignette's evidence
// by the evidence id the question carries, and reads the level of the outcome the bot sends.
import { createHash } from 'node:crypto';
import type { Activity } from '@microsoft/agents-activity';
import { z } from 'zod';
import { EVIDENCE_IDS, levelRank, RED_FLAG_IDS, TRIAGE_LEVELS, type TriageLevel } from '../contract.js';
import type { Backline } from '../app.js';
import { InProcessConversation } from '../channels/inProcess.js';
import type { BacklineChannelData } from '../channels/render.js';
import { loadYamlList } from '../util/yamlFile.js';

const vignetteSchema = z.strictObject({
  name: z.string().min(1),
  opening: z.string().optional(),
  evidence: z.partialRecord(z.enum(EVIDENCE_IDS), z.union([z.boolean(), z.number()])),
  phrasing: z.enum(['plain', 'varied']).optional(),
  expect: z.enum(TRIAGE_LEVELS),
});
export type Vignette = z.infer<typeof vignetteSchema>;

export function loadVignettes(path: string): Vignette[] {
  return loadYamlList(path, vignetteSchema, 'vignette');
}

/** What the user types to start the check when the bot is not already asking. */
export const START_CHECK_TEXT = "Check if it's serious";
const MAX_TURNS = 60;

const VARIED = {
  yes: ['yeah I think so', 'yep', 'yes I do', 'not sure', 'yeah', 'maybe'],
  no: ['nope', 'nah', 'no', 'not really', 'n', 'no I dont'],
  none: ['none of them', 'none', 'no', 'nope', 'none of these', 'nothing'],
};

const SMALL = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1000) return String(n);
  if (n < 20) return SMALL[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ` ${SMALL[n % 10]}` : '');
  return `${SMALL[Math.floor(n / 100)]} hundred${n % 100 ? ` and ${numberToWords(n % 100)}` : ''}`;
}

function pick<T>(list: T[], seed: string): T {
  const hash = createHash('sha256').update(seed).digest();
  return list[hash.readUInt32BE(0) % list.length]!;
}

export function phraseAnswer(evidence: string, value: boolean | number | undefined, varied: boolean, seed: string): string {
  if (evidence === 'age') {
    const age = Number(value ?? 40);
    return varied ? pick([`I'm ${numberToWords(age)}`, `${age} years old`, `i am ${age}`], seed) : String(age);
  }
  if (evidence === 'duration_weeks') {
    const weeks = Number(value ?? 1);
    const days = Math.max(1, Math.round(weeks * 7));
    if (!Number.isInteger(weeks) || weeks === 0) return varied ? `about ${numberToWords(days)} days` : `${days} days`;
    return varied ? pick([`about ${numberToWords(weeks)} weeks`, `${weeks} weeks or so`], seed) : `${weeks} weeks`;
  }
  const yes = value === true;
  if (!varied) return yes ? 'yes' : 'no';
  return pick(yes ? VARIED.yes : VARIED.no, seed);
}

function backlineData(activity: Activity): BacklineChannelData | undefined {
  return (activity.channelData as { backline?: BacklineChannelData } | undefined)?.backline;
}

export interface VignetteResult {
  name: string;
  expected: TriageLevel;
  got: TriageLevel | null;
}

export async function runVignette(backline: Backline, vignette: Vignette): Promise<VignetteResult> {
  const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat' });
  const varied = vignette.phrasing === 'varied';
  let replies = await conversation.join();
  let finalLevel: TriageLevel | null = null;
  let startedCheck = false;
  if (vignette.opening) replies = await conversation.say(vignette.opening);

  for (let turn = 0; turn < MAX_TURNS; turn++) {
    for (const reply of replies) {
      const triage = backlineData(reply)?.triage;
      if (triage?.final) finalLevel = triage.level;
    }
    if (finalLevel) break;
    const asking = [...replies].reverse().find((reply) => backlineData(reply)?.ask);
    const question = asking ? backlineData(asking)?.ask : undefined;
    if (question?.evidenceList) {
      // A checklist: pick the first item the vignette has (its button's label), else "none".
      const item = question.evidenceList.find((id) => vignette.evidence[id] === true);
      const actions = (asking?.suggestedActions?.actions ?? []) as { title: string; value?: { choice?: string } }[];
      const button = item ? actions.find((a) => a.value?.choice?.endsWith(`#e:${item}`)) : actions.find((a) => a.value?.choice?.endsWith('#none'));
      const none = varied ? pick(VARIED.none, `${vignette.name}/${turn}`) : 'none of these';
      replies = await conversation.say(button?.title ?? none);
      continue;
    }
    if (question?.evidence) {
      const value = vignette.evidence[question.evidence];
      const isFlag = (RED_FLAG_IDS as readonly string[]).includes(question.evidence);
      replies = await conversation.say(phraseAnswer(question.evidence, isFlag ? value === true : value, varied, `${vignette.name}/${turn}`));
      continue;
    }
    if (startedCheck && question) break; // a question we cannot answer from evidence: stop
    startedCheck = true;
    replies = await conversation.say(START_CHECK_TEXT);
  }
  return { name: vignette.name, expected: vignette.expect, got: finalLevel };
}

export interface TriageReport {
  total: number;
  exact: number;
  underTriage: number;
  overTriage: number;
  results: VignetteResult[];
}

export async function runVignettes(backline: Backline, vignettes: Vignette[]): Promise<TriageReport> {
  const results: VignetteResult[] = [];
  for (const vignette of vignettes) results.push(await runVignette(backline, vignette));
  const under = results.filter((r) => r.got === null || levelRank(r.got) > levelRank(r.expected)).length;
  const over = results.filter((r) => r.got !== null && levelRank(r.got) < levelRank(r.expected)).length;
  return { total: results.length, exact: results.filter((r) => r.got === r.expected).length, underTriage: under, overTriage: over, results };
}

export function formatTriageReport(report: TriageReport): string {
  const lines = [
    `Triage vignettes: ${report.total}`,
    `  exact ${report.exact} (${((report.exact / Math.max(1, report.total)) * 100).toFixed(1)}%)   under-triage ${report.underTriage}   over-triage ${report.overTriage}`,
  ];
  const wrong = report.results.filter((r) => r.got !== r.expected);
  if (wrong.length > 0) {
    lines.push('', '  mismatches:');
    for (const r of wrong) {
      const kind = r.got === null || levelRank(r.got) > levelRank(r.expected) ? 'UNDER' : 'over';
      lines.push(`    ${kind.padEnd(5)} ${r.name}: expected ${r.expected}, got ${r.got ?? 'no outcome'}`);
    }
  }
  return lines.join('\n');
}
