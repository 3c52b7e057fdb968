// The one place that decides how a reply looks in each channel:
//   msteams            -> Adaptive Cards 1.5 with Action.Submit buttons (values route back to the engine)
//   webchat/directline -> suggested actions (messageBack: shows the label, sends the value)
//   anything else      -> plain text with numbered options (answering "2" works everywhere)
// Structured facts (the evidence a question asks about, a triage level) travel in channelData
// so clients and tests can read them without parsing text.
import type { Activity } from '@microsoft/agents-activity';
import type { CheckSummary, Reply } from '../engine/replies.js';
import { fitTeamsLimits } from './teamsLimits.js';

export type ChannelStyle = 'teams' | 'webchat' | 'plain';

const WEBCHAT_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'test']);

export function channelStyle(channelId: string | undefined): ChannelStyle {
  if (channelId === 'msteams') return 'teams';
  if (channelId && WEBCHAT_CHANNELS.has(channelId)) return 'webchat';
  return 'plain';
}

/** Teams shows at most a handful of actions in one row; keep rows short so none are hidden. */
const TEAMS_ACTIONS_PER_ROW = 3;

export interface BacklineChannelData {
  ask?: Reply['ask'];
  triage?: Reply['triage'];
  urgent?: boolean;
  crisis?: boolean;
  /** The end-of-check summary: {date, answers: [{question, answer}], level, outcome, reasons}. */
  summary?: CheckSummary;
}

function channelDataOf(reply: Reply): { backline: BacklineChannelData } | undefined {
  if (!reply.ask && !reply.triage && !reply.urgent && !reply.crisis && !reply.summary) return undefined;
  return {
    backline: {
      ...(reply.summary ? { summary: reply.summary.data } : {}),
      ...(reply.ask ? { ask: reply.ask } : {}),
      ...(reply.triage ? { triage: reply.triage } : {}),
      ...(reply.urgent ? { urgent: true } : {}),
      ...(reply.crisis ? { crisis: true } : {}),
    },
  };
}

function teamsCard(reply: Reply): Record<string, unknown> {
  const choices = reply.choices ?? [];
  const rows = [];
  for (let i = 0; i < choices.length; i += TEAMS_ACTIONS_PER_ROW) {
    rows.push({
      type: 'ActionSet',
      actions: choices.slice(i, i + TEAMS_ACTIONS_PER_ROW).map((choice) => ({
        type: 'Action.Submit',
        title: choice.label,
        data: { choice: choice.value, label: choice.label },
      })),
    });
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      {
        type: 'TextBlock',
        text: reply.text,
        wrap: true,
        ...(reply.urgent || reply.crisis ? { color: 'Attention', weight: 'Bolder' } : {}),
      },
      ...rows,
    ],
  };
}

/**
 * The end-of-check summary (added by the conversation work, #14): in Teams an Adaptive Card
 * with the answers as facts; elsewhere the text plus a plain-text file to download (a data:
 * URL, which Web Chat shows as a download link; no server storage needed).
 */
function summaryAttachment(reply: Reply, style: ChannelStyle): Record<string, unknown> | undefined {
  const summary = reply.summary;
  if (!summary) return undefined;
  if (style === 'teams') {
    const [heading, ...rest] = reply.text.split('\n\n');
    return {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: heading ?? '', wrap: true, weight: 'Bolder', size: 'Medium' },
          { type: 'TextBlock', text: rest.slice(0, summary.data.reasons.length > 0 ? 2 : 1).join('\n\n'), wrap: true },
          { type: 'FactSet', facts: summary.data.answers.map((a) => ({ title: a.question, value: a.answer })) },
          { type: 'TextBlock', text: rest[rest.length - 1] ?? '', wrap: true, isSubtle: true, size: 'Small' },
        ],
      },
    };
  }
  const plain = reply.text.replace(/\*\*/g, '').replace(/(^|\s)_([^_]+)_/g, '$1$2');
  return { contentType: 'text/plain', name: summary.fileName, contentUrl: `data:text/plain;charset=utf-8,${encodeURIComponent(plain)}` };
}

export function renderReply(reply: Reply, style: ChannelStyle): Partial<Activity> {
  const channelData = channelDataOf(reply);
  const attachment = summaryAttachment(reply, style);
  const base: Record<string, unknown> = { type: 'message', textFormat: 'markdown', ...(channelData ? { channelData } : {}), ...(attachment ? { attachments: [attachment] } : {}) };
  const choices = reply.choices ?? [];
  // Teams: the summary card carries the text.
  if (style === 'teams' && attachment) return { ...base, summary: reply.text.slice(0, 200) } as Partial<Activity>;
  if (choices.length === 0) return { ...base, text: reply.text } as Partial<Activity>;

  if (style === 'teams') {
    return {
      ...base,
      // The text is repeated outside the card for notifications and screen readers.
      summary: reply.text.slice(0, 200),
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: teamsCard(reply) }],
    } as Partial<Activity>;
  }
  if (style === 'webchat') {
    return {
      ...base,
      text: reply.text,
      suggestedActions: {
        to: [],
        actions: choices.map((choice) => ({
          type: 'messageBack',
          title: choice.label,
          text: choice.label,
          displayText: choice.label,
          value: { choice: choice.value },
        })),
      },
    } as Partial<Activity>;
  }
  const list = choices.map((choice, i) => `${i + 1}. ${choice.label}`).join('\n');
  return { ...base, text: `${reply.text}\n\n${list}` } as Partial<Activity>;
}

export function renderReplies(replies: Reply[], channelId: string | undefined): Partial<Activity>[] {
  const style = channelStyle(channelId);
  const fitted = style === 'teams' ? replies.flatMap(fitTeamsLimits) : replies;
  return fitted.map((reply) => renderReply(reply, style));
}
