// The one place that decides how a reply looks in each channel:
//   msteams            -> Adaptive Cards 1.5 with Action.Submit buttons (values route back to the engine);
//                         a long menu shows its first options and "More options" (Action.ShowCard)
//   webchat/directline -> suggested actions (messageBack: shows the label, sends the value)
//   anything else      -> plain text with numbered options (answering "2" works everywhere)
// Urgent advice and crisis help are alerts: a tap-to-call button (Action.OpenUrl to tel:) in an
// `attention` container, in Teams around the text, in Web Chat as a card under the text.
// Structured facts (the evidence a question asks about, a triage level) travel in channelData
// so clients and tests can read them without parsing text.
import { randomBytes } from 'node:crypto';
import type { Activity } from '@microsoft/agents-activity';
import type { CheckSummary, Choice, Reply } from '../engine/replies.js';
import type { EngineContent } from '../engine/runtime.js';
import { fill } from '../text/template.js';
import { MENU_LIMITS, pageMenu, TEAMS_ACTIONS_PER_ROW, type ChannelStyle } from './menuLimits.js';
import { fitTeamsLimits } from './teamsLimits.js';

export type { ChannelStyle } from './menuLimits.js';

/** What rendering needs from the content: the numbers to call and the button words. */
export type RenderContent = Pick<EngineContent, 'emergencyNumber' | 'crisisLine' | 'messages'>;

const WEBCHAT_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'test']);

/**
 * The alert container's id starts with this (a card element's id is the only hook a client has);
 * the widget styles it (web/static/chat.css). A random end keeps ids unique in one transcript.
 */
export const ALERT_ELEMENT_ID = 'backline-alert';

function alertId(): string {
  return `${ALERT_ELEMENT_ID}-${randomBytes(4).toString('hex')}`;
}

export function channelStyle(channelId: string | undefined): ChannelStyle {
  if (channelId === 'msteams') return 'teams';
  if (channelId && WEBCHAT_CHANNELS.has(channelId)) return 'webchat';
  return 'plain';
}

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

export interface CallTarget {
  label: string;
  /** tel: URL of the number, digits only ("tel:116123"). */
  url: string;
}

export function telUrl(number: string): string {
  return `tel:${number.replace(/[^0-9+*#]/g, '')}`;
}

/**
 * The numbers an alert offers to call, most fitting first: urgent advice the emergency number;
 * crisis help the crisis line, then the emergency number (an overdose is both: emergency first).
 */
export function callTargets(reply: Reply, content: RenderContent): CallTarget[] {
  if (!reply.urgent && !reply.crisis) return [];
  const target = (number: string) => ({ label: fill(content.messages.labels.call, { number }), url: telUrl(number) });
  const emergency = target(content.emergencyNumber);
  const crisis = target(content.crisisLine);
  const targets = reply.urgent ? [emergency, ...(reply.crisis ? [crisis] : [])] : [crisis, emergency];
  return targets.filter((t, i) => targets.findIndex((o) => o.url === t.url) === i);
}

function callActions(targets: CallTarget[]): Record<string, unknown>[] {
  // "destructive" is the style Teams and Web Chat both draw in red: the alert's colour.
  return targets.map((t) => ({ type: 'Action.OpenUrl', title: t.label, url: t.url, style: 'destructive' }));
}

function submitRows(choices: Choice[]): Record<string, unknown>[] {
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
  return rows;
}

function adaptiveCard(body: Record<string, unknown>[]): Record<string, unknown> {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body };
}

function teamsCard(reply: Reply, content: RenderContent): Record<string, unknown> {
  const calls = callTargets(reply, content);
  const text = { type: 'TextBlock', text: reply.text, wrap: true };
  const { shown, more } = pageMenu(reply.choices ?? [], MENU_LIMITS.teams);
  const moreButton = more.length
    ? [{ type: 'ActionSet', actions: [{ type: 'Action.ShowCard', title: content.messages.labels.more_options, card: adaptiveCard(submitRows(more)) }] }]
    : [];
  const alert =
    calls.length > 0
      ? [
          {
            type: 'Container',
            id: alertId(),
            style: 'attention',
            bleed: true,
            items: [
              { ...text, weight: 'Bolder' },
              { type: 'ActionSet', actions: callActions(calls) },
            ],
          },
        ]
      : [text];
  return adaptiveCard([...alert, ...submitRows(shown), ...moreButton]);
}

/** Web Chat shows the text as usual; the alert is a card under it holding the call buttons. */
function webchatAlertCard(calls: CallTarget[]): Record<string, unknown> {
  return adaptiveCard([{ type: 'Container', id: alertId(), style: 'attention', items: [{ type: 'ActionSet', actions: callActions(calls) }] }]);
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

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

export function renderReply(reply: Reply, style: ChannelStyle, content: RenderContent): Partial<Activity> {
  const channelData = channelDataOf(reply);
  const attachment = summaryAttachment(reply, style);
  const base: Record<string, unknown> = {
    type: 'message',
    textFormat: 'markdown',
    ...(channelData ? { channelData } : {}),
    ...(attachment ? { attachments: [attachment] } : {}),
  };
  const choices = reply.choices ?? [];
  // Teams: the summary card carries the text.
  if (style === 'teams' && attachment) return { ...base, summary: reply.text.slice(0, 200) } as Partial<Activity>;
  const calls = style === 'plain' ? [] : callTargets(reply, content);
  if (choices.length === 0 && calls.length === 0) return { ...base, text: reply.text } as Partial<Activity>;

  if (style === 'teams') {
    return {
      ...base,
      // The text is repeated outside the card for notifications and screen readers.
      summary: reply.text.slice(0, 200),
      attachments: [{ contentType: ADAPTIVE_CARD, content: teamsCard(reply, content) }],
    } as Partial<Activity>;
  }
  if (style === 'webchat') {
    return {
      ...base,
      text: reply.text,
      ...(calls.length > 0 ? { attachments: [...(attachment ? [attachment] : []), { contentType: ADAPTIVE_CARD, content: webchatAlertCard(calls) }] } : {}),
      ...(choices.length > 0
        ? {
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
          }
        : {}),
    } as Partial<Activity>;
  }
  const list = choices.map((choice, i) => `${i + 1}. ${choice.label}`).join('\n');
  return { ...base, text: `${reply.text}\n\n${list}` } as Partial<Activity>;
}

export function renderReplies(replies: Reply[], channelId: string | undefined, content: RenderContent): Partial<Activity>[] {
  const style = channelStyle(channelId);
  const fitted = style === 'teams' ? replies.flatMap(fitTeamsLimits) : replies;
  return fitted.map((reply) => renderReply(reply, style, content));
}
