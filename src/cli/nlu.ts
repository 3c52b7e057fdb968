// `backline nlu` and `backline test nlu`.
import type { Config } from '../config.js';
import { loadContent } from '../content.js';
import { crossValidate } from '../eval/intentCrossValidation.js';
import { loadTrainingData } from '../nlu/trainingData.js';
import { formatNluReport, loadNluTestFile, scoreNlu, type FirstReply } from '../eval/nluEvaluate.js';
import { createBackline, type Backline } from '../app.js';
import { InProcessConversation } from '../channels/inProcess.js';
import type { BacklineChannelData } from '../channels/render.js';
import { silentLogger } from '../logger.js';
import { createNluEngine } from '../nlu/understand.js';
import { join } from 'node:path';

function engineFor(config: Config) {
  const content = loadContent(config.CONTENT_DIR, config.EMERGENCY_NUMBER, {
    cacheDir: config.NLU_CACHE_DIR,
    locale: config.LOCALE,
    crisisLine: config.CRISIS_LINE,
    poisonLine: config.POISON_LINE,
  });
  return createNluEngine({
    root: config.CONTENT_DIR,
    cacheDir: config.NLU_CACHE_DIR,
    redFlagPatterns: content.redFlagPatterns,
    crisisPatterns: content.crisisPatterns,
  });
}

export function nluCommand(config: Config, text: string, json: boolean): string {
  const engine = engineFor(config);
  const result = engine.understand(text);
  const { redFlagsToConfirm, ambiguous, ...contractFields } = result;
  const detail = engine.explainRedFlags(text);
  if (json) return JSON.stringify({ ...contractFields, redFlagsToConfirm, ambiguous, redFlagDetail: detail });
  const lines = [
    `intent:     ${result.intent} (${result.confidence.toFixed(2)})${ambiguous ? '  [close call: the bot would ask which one]' : ''}`,
    `ranking:    ${result.ranking.map((r) => `${r.intent} ${r.confidence.toFixed(2)}`).join(', ')}`,
    `red flags:  ${result.redFlags.length ? result.redFlags.join(', ') : 'none'}${redFlagsToConfirm.length ? ` (to confirm: ${redFlagsToConfirm.join(', ')})` : ''}`,
    `crisis:     ${result.crisis.crisis ? result.crisis.kind : 'no'}`,
    `entities:   ${result.entities.length ? result.entities.map((e) => `${e.type}=${e.value}`).join(', ') : 'none'}`,
    `patterns:   ${detail.rule.hits.length ? detail.rule.hits.map((h) => `${h.id} ${h.status} (${h.reason})`).join('; ') : 'no hit'}`,
    `learned:    ${detail.learned.length ? detail.learned.map((h) => `${h.sign} p=${h.p.toFixed(2)} ${h.level}, ${h.status} (${h.reason})`).join('; ') : 'no hit'}`,
  ];
  return lines.join('\n');
}

const QUESTIONNAIRE_PREFIX = 'red_flags.';

/** What the bot does with each text as the first message of a fresh conversation (real adapter path). */
export async function firstReplies(backline: Backline, texts: Iterable<string>): Promise<Map<string, FirstReply>> {
  const out = new Map<string, FirstReply>();
  for (const text of texts) {
    if (out.has(text)) continue;
    const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat' });
    await conversation.join();
    const replies = await conversation.say(text);
    const data = replies.map((a) => (a.channelData as { backline?: BacklineChannelData & { crisis?: boolean } } | undefined)?.backline ?? {});
    out.set(text, {
      // Red-flag advice: crisis help (urgent for an overdose) is scored as crisis, not as a
      // warning sign's advice, so a crisis message answered right is no red-flag false alarm.
      advice: data.some((d) => d.triage !== undefined || (d.urgent === true && d.crisis !== true)),
      // Confirming questions about a sign, not the warning-sign check that "is it serious?"
      // starts (its questions are nodes of the red_flags tree).
      asked: data.flatMap((d) => (d.ask?.evidence && !d.ask.node.startsWith(QUESTIONNAIRE_PREFIX) ? [d.ask.evidence] : [])),
      crisis: data.some((d) => d.crisis === true),
      // A confirming question before any advice (a possible cauda equina sign gets the advice
      // first, then its question: that is advice at once).
      askedFirst: (() => {
        const advised = data.findIndex((d) => d.triage !== undefined || (d.urgent === true && d.crisis !== true));
        const asked = data.findIndex((d) => d.ask?.evidence !== undefined && !d.ask.node.startsWith(QUESTIONNAIRE_PREFIX));
        return asked >= 0 && (advised < 0 || asked < advised);
      })(),
    });
  }
  return out;
}

export async function testNluCommand(config: Config, file: string | undefined, json: boolean, folds?: number): Promise<string> {
  if (folds) {
    const data = loadTrainingData(join(config.CONTENT_DIR, 'knowledge', 'nlu'));
    const result = crossValidate(data, folds, { seed: 7 } as never);
    return json ? JSON.stringify(result) : JSON.stringify(result, null, 2);
  }
  const items = loadNluTestFile(file!);
  const backline = createBackline(config, { logger: silentLogger, retentionSweep: false });
  try {
    const labelled = items.filter((i) => i.red_flags !== undefined || i.crisis !== undefined).map((i) => i.text);
    const replies = await firstReplies(backline, labelled);
    const report = scoreNlu(items, (text) => backline.nlu.understand(text), replies);
    return json ? JSON.stringify(report) : formatNluReport(report);
  } finally {
    await backline.close();
  }
}
