// Activities shaped like the ones Microsoft Teams posts to a bot (ids, tenant, AAD object ids,
// conversation types, mentions, Action.Submit values), sent to POST /api/messages with the
// serviceUrl pointing at a local capture server.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { CaptureServer, CapturedActivity } from '../../helpers/http.js';

/** Every test file that loads this refuses non-loopback connections (see loopbackOnly.cjs). */
export const loopbackGuard = createRequire(import.meta.url)('./loopbackOnly.cjs') as { blocked: string[] };

export const TENANT_ID = '72f988bf-0000-4000-8000-0000000000aa';
export const BOT_APP_ID = '3f2a8c1e-5b7d-4e9a-a1c2-0d4e6f8a9b10';
export const BOT = { id: `28:${BOT_APP_ID}`, name: 'Backline' };

export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface TeamsConversation {
  id: string;
  type: ConversationType;
  user: { id: string; name: string; aadObjectId: string };
}

export function teamsConversation(type: ConversationType): TeamsConversation {
  const suffix = randomUUID().replace(/-/g, '');
  const id =
    type === 'personal' ? `a:1${suffix}${suffix}` : type === 'groupChat' ? `19:${suffix}@thread.v2` : `19:${suffix}@thread.tacv2;messageid=${Date.now()}`;
  return { id, type, user: { id: `29:1${suffix}`, name: 'Alex Wilber', aadObjectId: randomUUID() } };
}

let sequence = 0;

/** A Teams activity; `fields` override anything. The id is unique: the bot runs a message id only once. */
export function teamsActivity(capture: CaptureServer, conversation: TeamsConversation, fields: Record<string, unknown>): Record<string, unknown> {
  const teamId = '19:team0000000000000000000000000000@thread.tacv2';
  return {
    type: 'message',
    id: `1${Date.now()}${String(++sequence).padStart(4, '0')}`,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: capture.url,
    from: { id: conversation.user.id, name: conversation.user.name, aadObjectId: conversation.user.aadObjectId },
    recipient: BOT,
    conversation: {
      id: conversation.id,
      conversationType: conversation.type,
      tenantId: TENANT_ID,
      ...(conversation.type === 'personal' ? {} : { isGroup: true }),
    },
    channelData:
      conversation.type === 'channel'
        ? {
            tenant: { id: TENANT_ID },
            team: { id: teamId, name: 'My Team', aadGroupId: randomUUID() },
            channel: { id: conversation.id.split(';')[0], name: 'General' },
          }
        : { tenant: { id: TENANT_ID } },
    locale: 'en-US',
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/London' }],
    ...fields,
  };
}

/** A typed message; in group chats and channels Teams includes the bot's @mention. */
export function teamsText(
  capture: CaptureServer,
  conversation: TeamsConversation,
  text: string,
  mention = conversation.type !== 'personal',
): Record<string, unknown> {
  const mentionText = `<at>${BOT.name}</at>`;
  return teamsActivity(capture, conversation, {
    text: mention ? `${mentionText} ${text}` : text,
    textFormat: 'plain',
    ...(mention
      ? {
          entities: [
            { type: 'mention', text: mentionText, mentioned: BOT },
            { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/London' },
          ],
        }
      : {}),
  });
}

/** What Teams posts when an Adaptive Card Action.Submit button is pressed: no text, the data as value. */
export function teamsSubmit(
  capture: CaptureServer,
  conversation: TeamsConversation,
  data: Record<string, unknown>,
  cardActivityId?: string,
): Record<string, unknown> {
  return teamsActivity(capture, conversation, {
    text: undefined,
    value: data,
    channelData: { tenant: { id: TENANT_ID }, source: { name: 'message' }, legacy: { replyToId: cardActivityId } },
    ...(cardActivityId ? { replyToId: cardActivityId } : {}),
  });
}

export interface CardAction {
  type: string;
  title: string;
  data: { choice: string; label: string };
}

export interface AdaptiveCard {
  type: string;
  version: string;
  body: CardElement[];
}

export interface CardElement {
  type: string;
  text?: string;
  actions?: CardAction[];
  color?: string;
  style?: string;
  /** A Container's elements (the alert around urgent advice). */
  items?: CardElement[];
}

/** Every element of a card body, those inside containers included. */
export function flatElements(body: CardElement[]): CardElement[] {
  return body.flatMap((element) => [element, ...flatElements(element.items ?? [])]);
}

export function cardsOf(replies: CapturedActivity[]): AdaptiveCard[] {
  return replies.flatMap((r) =>
    ((r.body.attachments as { contentType: string; content: AdaptiveCard }[] | undefined) ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content),
  );
}

export function actionsOf(card: AdaptiveCard): CardAction[] {
  return card.body.filter((b) => b.type === 'ActionSet').flatMap((b) => b.actions ?? []);
}

/** Every word a person sees in these replies: message text and card text blocks. */
export function visibleText(replies: CapturedActivity[]): string {
  const texts = replies.map((r) => r.body.text ?? '');
  const cardTexts = cardsOf(replies).flatMap((card) =>
    flatElements(card.body)
      .filter((b) => b.type === 'TextBlock')
      .map((b) => b.text ?? ''),
  );
  return [...texts, ...cardTexts].join('\n');
}
