// The turn pipeline, top to bottom:
//   receive   -> what arrived (text, a button value, an attachment, a channel event)
//   understand-> red flags first, then intent (inside decideMessage, in that order)
//   decide    -> new state, replies and effects (pure: src/bot/decide.ts)
//   persist   -> save state with an eTag check; a racing turn makes us decide again
//   effects   -> store leads and cases, erase data
//   render    -> per channel (src/channels/render.ts), then send
import type { TurnContext } from '@microsoft/agents-hosting';
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import { renderReplies } from '../channels/render.js';
import type { EngineContent, TurnDraft } from '../engine/runtime.js';
import { fill } from '../knowledge/messages.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { StorageConflictError } from '../storage/index.js';
import { decideMessage, welcome, type MessageInput, type Understander } from './decide.js';
import {
  addRecord,
  countRecords,
  forgetConversation,
  loadState,
  saveState,
  type ConversationKey,
} from './conversationStore.js';

export interface BotDependencies {
  content: EngineContent;
  nlu: Understander;
  storage: BacklineStorage;
  logger: Logger;
  maxMessageChars: number;
}

const SAVE_ATTEMPTS = 3;

/** Teams puts "<at>Backline</at>" in the text when the bot is mentioned in a group chat. */
export function stripMentions(text: string): string {
  return text.replace(/<at>[^<]*<\/at>/gi, ' ').replace(/\s+/g, ' ').trim();
}

export function messageInputOf(activity: Activity, maxChars: number): MessageInput {
  const rawText = typeof activity.text === 'string' ? activity.text : '';
  let text = stripMentions(rawText);
  const truncated = text.length > maxChars;
  if (truncated) text = text.slice(0, maxChars);
  const value = activity.value as { choice?: unknown; label?: unknown } | undefined;
  const choice = value && typeof value === 'object' && typeof value.choice === 'string' && value.choice.length <= 200 ? value.choice : undefined;
  // Teams card taps carry no text; use the button's label so the transcript reads naturally.
  if (choice && !text && typeof value?.label === 'string') text = value.label.slice(0, 200);
  const attachmentOnly = !text && !choice && Array.isArray(activity.attachments) && activity.attachments.length > 0;
  return { text, ...(choice ? { choice } : {}), ...(attachmentOnly ? { attachmentOnly } : {}), ...(truncated ? { truncated } : {}) };
}

function keyOf(activity: Activity): ConversationKey {
  return { channelId: activity.channelId ?? 'unknown', conversationId: activity.conversation!.id };
}

function referenceOf(activity: Activity): Partial<ConversationReference> {
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: activity.conversation,
    user: activity.from,
    agent: activity.recipient,
    locale: activity.locale,
  } as Partial<ConversationReference>;
}

/** In Teams channels and group chats we give only a note: health details belong in a personal chat. */
function isSharedTeamsConversation(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return activity.channelId === 'msteams' && (type === 'channel' || type === 'groupChat');
}

export class BacklineBot {
  constructor(private readonly deps: BotDependencies) {}

  /** The handler given to CloudAdapter.process. */
  readonly handle = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const started = performance.now();
    try {
      switch (activity.type) {
        case 'message':
          await this.onMessage(context);
          break;
        case 'conversationUpdate':
          if ((activity.membersAdded ?? []).some((m) => m.id !== activity.recipient?.id)) await this.onJoin(context);
          break;
        case 'installationUpdate':
          if (!activity.action || activity.action === 'add') await this.onJoin(context);
          break;
        default:
          // Typing, reactions, events we do not use: nothing to say.
          break;
      }
    } finally {
      this.deps.logger.debug('turn', { type: String(activity.type), channel: String(activity.channelId), ms: Math.round(performance.now() - started) });
    }
  };

  private async onJoin(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (isSharedTeamsConversation(activity)) {
      await this.sendChannelNote(context);
      return;
    }
    const key = keyOf(activity);
    const loaded = await loadState(this.deps.storage, key);
    // Web Chat and Teams can announce the same conversation more than once: greet once.
    if (!loaded.isNew) return;
    const draft = welcome(this.deps.content, loaded.state);
    await this.persistAndSend(context, key, draft, loaded.eTag);
  }

  private async sendChannelNote(context: TurnContext): Promise<void> {
    const { messages, emergencyNumber } = this.deps.content;
    await context.sendActivity(fill(messages.teams.channel_note, { emergency_number: emergencyNumber }));
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (isSharedTeamsConversation(activity)) {
      await this.sendChannelNote(context);
      return;
    }
    const key = keyOf(activity);
    const input = messageInputOf(activity, this.deps.maxMessageChars);
    for (let attempt = 1; ; attempt++) {
      const loaded = await loadState(this.deps.storage, key);
      const draft = decideMessage(this.deps.content, this.deps.nlu, loaded.state, input);
      try {
        await this.persistAndSend(context, key, draft, loaded.eTag);
        return;
      } catch (error) {
        // Another turn of this conversation saved first: decide again on its result.
        if (error instanceof StorageConflictError && attempt < SAVE_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async persistAndSend(
    context: TurnContext,
    key: ConversationKey,
    draft: TurnDraft,
    eTag: string | undefined,
  ): Promise<void> {
    rememberOfferedChoices(draft);
    await saveState(this.deps.storage, key, draft.state, eTag);
    await this.runEffects(context, key, draft);
    if (draft.replies.length === 0) return;
    await context.sendActivities(renderReplies(draft.replies, context.activity.channelId) as Activity[]);
  }

  private async runEffects(context: TurnContext, key: ConversationKey, draft: TurnDraft): Promise<void> {
    const { storage, content } = this.deps;
    for (const effect of draft.effects) {
      switch (effect.type) {
        case 'handoff':
          await addRecord(storage, key, {
            kind: 'case',
            status: 'waiting',
            reason: effect.reason,
            answers: draft.state.answers,
            triage: draft.state.triage ?? null,
            reference: referenceOf(context.activity),
          });
          this.deps.logger.info('handoff_case_opened', { channel: key.channelId });
          break;
        case 'record_trial_lead': {
          const { trial_diagnosed, trial_medication, trial_consent, trial_contact, age } = effect.answers;
          await addRecord(storage, key, {
            kind: 'lead',
            type: 'trial_lead',
            diagnosed: trial_diagnosed ?? null,
            medication: trial_medication ?? null,
            age: age ?? null,
            consent: trial_consent === 'yes',
            contact: trial_contact ?? null,
            reference: referenceOf(context.activity),
          });
          this.deps.logger.info('trial_lead_recorded', { channel: key.channelId });
          break;
        }
        case 'forget_me': {
          const leads = await countRecords(storage, key, 'lead');
          const cases = await countRecords(storage, key, 'case');
          await forgetConversation(storage, key);
          const what = [content.messages.forget.what_state];
          if (leads > 0) what.push(fill(content.messages.forget.what_leads, { count: leads }));
          if (cases > 0) what.push(fill(content.messages.forget.what_cases, { count: cases }));
          draft.replies.push({ text: fill(content.messages.forget.done, { what: what.join(', ') }) });
          this.deps.logger.info('conversation_forgotten', { channel: key.channelId });
          break;
        }
      }
    }
  }
}

/** Keeps the buttons last shown, so "2", "the last one" or a typed label picks one in any channel. */
function rememberOfferedChoices(draft: TurnDraft): void {
  const last = [...draft.replies].reverse().find((r) => r.choices && r.choices.length > 0);
  draft.state.offered = last?.choices?.map((c) => ({ l: c.label, v: c.value }));
}
