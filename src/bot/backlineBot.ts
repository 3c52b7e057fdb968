// The turn pipeline, top to bottom:
//   receive   -> what arrived (text, a button value, an attachment, a channel event)
//   understand-> red flags first, then intent (inside decideMessage, in that order)
//   decide    -> new state, replies and effects (pure: src/bot/decide.ts)
//   persist   -> save state with an eTag check; a racing turn makes us decide again
//   effects   -> store leads and cases, erase data (human support: src/handoff)
//   render    -> per channel (src/channels/render.ts), then send
// Each turn's messages are kept in the conversation's transcript (saved with the state), which
// is also how a message reaches a support team member in a live chat.
// Turns of one conversation run one at a time in a process (a keyed lock); across processes the
// eTag check orders them. Only load-decide-save is retried; effects and sending happen once, after
// the save. Urgent advice is sent even when the save finally fails.
import { unreachable } from '../engine/schema.js';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import { renderReplies } from '../channels/render.js';
import { TurnDraft, type EngineContent } from '../engine/runtime.js';
import type { ConversationState } from '../engine/state.js';
import { withoutStalePositions } from '../engine/stalePositions.js';
import type { Reply } from '../engine/replies.js';
import { decideHandoffStatus, HANDOFF_STATUS, handoffInitiation, handoffStateOf } from '../handoff/events.js';
import { countCaseRecords, forgetCases } from '../handoff/cases.js';
import { newCaseId } from '../util/caseIds.js';
import { checkQuestionNodes, turnIncrement } from '../handoff/stats.js';
import type { SupportService } from '../handoff/service.js';
import type { SupportCase } from '../handoff/types.js';
import { appendTranscript, transcriptItem, type TranscriptEntry } from '../handoff/transcript.js';
import { fill } from '../text/template.js';
import type { Logger } from '../logger.js';
import { turnSteps } from '../observability/turns.js';
import { retryOnConflict, type BacklineStorage, type PrefetchedRead } from '../storage/index.js';
import { PRESENCE_KEY } from '../handoff/keys.js';
import { decideMessage, urgentAdviceOnly, welcome, type MessageInput } from './decide.js';
import { rememberOfferedChoices } from '../conversation/offeredChoices.js';
import type { Understander } from '../nlu/types.js';
import { duringOneMessage } from '../nlu/entities.js';
import { ConversationQueue } from './conversationQueue.js';
import { alreadyHandled, markHandled } from './seenActivities.js';
import type { DailyStatsBuffer } from './dailyStatsBuffer.js';
import { forgetConversation, loadState, saveState, stateKey, type ConversationKey, type LoadedState } from '../conversation/store.js';
import { errorName } from '../util/errors.js';

export interface BotDependencies {
  /** The default language pack's content (LOCALE). */
  content: EngineContent;
  /** The content in the words of an activity's locale (knowledge/locales/); default: `content`. */
  contentFor?: (locale: string | undefined) => EngineContent;
  nlu: Understander;
  storage: BacklineStorage;
  logger: Logger;
  maxMessageChars: number;
  support: SupportService;
  /** Where each turn's counts for the day's figures go (written a moment later, many turns at once). */
  dailyStats: DailyStatsBuffer;
  /** Called with each consenting trial lead once it is stored (the optional webhook). */
  onTrialLead?: (lead: SupportCase) => void;
}

/** What the transcript and the console need to know about the turn besides the draft. */
interface TurnFacts {
  userText?: string;
  supportBefore?: boolean;
  /** For the daily figures (src/handoff/stats.ts): counts only. */
  isNew?: boolean;
  before?: ConversationState;
}

/**
 * The message text without @mentions: Teams puts "<at>Backline</at>" in the text (and a mention
 * entity) when the bot, or anyone, is mentioned in a group chat. The SDK's removeMentionText
 * takes each one out of activity.text, as the Agents SDK samples do.
 */
export function textWithoutMentions(activity: Activity): string {
  if (typeof activity.text !== 'string') return '';
  try {
    for (const mention of activity.getMentions(activity)) if (mention.mentioned.id) activity.removeMentionText(mention.mentioned.id);
  } catch {
    // A malformed mention entity (no type, nobody mentioned): keep the text as it came.
  }
  return (activity.text ?? '').replace(/\s+/g, ' ').trim();
}

export function messageInputOf(activity: Activity, maxChars: number): MessageInput {
  let text = textWithoutMentions(activity);
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

export function referenceOf(activity: Activity): Partial<ConversationReference> {
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
  private readonly turns = new ConversationQueue();
  private checkNodes: Set<string> | undefined;
  /** A turn's read made under the PostgreSQL turn lock (app.ts), for its first attempt only. */
  private readonly prefetched = new WeakMap<TurnContext, PrefetchedRead>();

  constructor(private readonly deps: BotDependencies) {}

  /** Teams and Web Chat send the person's locale with every activity: en-GB gets 999, A&E and GP. */
  private contentOf(activity: Activity): EngineContent {
    return this.deps.contentFor?.(activity.locale) ?? this.deps.content;
  }

  /**
   * The storage keys a turn of this activity reads first (undefined: none worth reading ahead):
   * a message reads its conversation's state and the team's presence (for "anyone online").
   */
  static readKeysOf(activity: Activity): string[] | undefined {
    if (!activity.conversation?.id) return undefined;
    if (activity.type === 'message') return [stateKey(keyOf(activity)), PRESENCE_KEY];
    if (activity.type === 'conversationUpdate') return [stateKey(keyOf(activity))];
    return undefined;
  }

  /**
   * The handler given to CloudAdapter.process. `prefetched`: what storage.read(readKeysOf(activity))
   * returned just now, under the conversation's turn lock; used by the turn's first attempt only.
   */
  readonly handle = async (context: TurnContext, prefetched?: PrefetchedRead): Promise<void> => {
    const activity = context.activity;
    if (!activity.conversation?.id) return this.handleTurn(context);
    if (prefetched) this.prefetched.set(context, prefetched);
    await this.turns.run(stateKey(keyOf(activity)), () => this.handleTurn(context));
  };

  private async handleTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const started = performance.now();
    try {
      switch (activity.type) {
        case 'message':
          await this.onMessage(context);
          break;
        case 'conversationUpdate':
          // In Teams group chats and channels the install (installationUpdate) brings the note;
          // people joining the team or chat later hear nothing.
          if (isSharedTeamsConversation(activity)) break;
          // Someone joined; or, in a Teams personal chat, the bot itself was added (the install).
          if ((activity.membersAdded ?? []).some((m) => m.id !== activity.recipient?.id || activity.channelId === 'msteams')) await this.onJoin(context);
          break;
        case 'installationUpdate':
          if (!activity.action || activity.action === 'add') await this.onJoin(context);
          break;
        case 'event':
          if (activity.name === HANDOFF_STATUS) await this.onHandoffStatus(context);
          break;
        case 'typing':
          // Shown to a team member in a live chat; otherwise nothing to do.
          await this.deps.support.personTyping(keyOf(activity));
          break;
        default:
          // Typing, reactions, events we do not use: nothing to say.
          break;
      }
    } finally {
      this.deps.logger.debug('turn', { type: String(activity.type), channel: String(activity.channelId), ms: Math.round(performance.now() - started) });
    }
  }

  private async onJoin(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (isSharedTeamsConversation(activity)) {
      await this.sendChannelNote(context);
      return;
    }
    // Web Chat and Teams can announce the same conversation more than once: greet once.
    await this.decideAndSave(
      context,
      keyOf(activity),
      async (loaded) => (loaded.isNew ? welcome(this.contentOf(activity), loaded.state) : undefined),
      () => ({}),
    );
  }

  private async sendChannelNote(context: TurnContext): Promise<void> {
    const { messages, emergencyNumber } = this.contentOf(context.activity);
    await context.sendActivity(fill(messages.teams.channel_note, { emergency_number: emergencyNumber }));
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (isSharedTeamsConversation(activity)) {
      // Only the note here, but a warning sign still gets the urgent advice first.
      const urgent = urgentAdviceOnly(this.contentOf(activity), this.deps.nlu, messageInputOf(activity, this.deps.maxMessageChars).text);
      if (urgent.length > 0) await context.sendActivities(renderReplies(urgent, activity.channelId, this.contentOf(activity)) as Activity[]);
      await this.sendChannelNote(context);
      return;
    }
    const key = keyOf(activity);
    const input = messageInputOf(activity, this.deps.maxMessageChars);
    const activityId = typeof activity.id === 'string' && activity.id ? activity.id : undefined;
    let duplicate = false;
    await this.decideAndSave(
      context,
      key,
      async (loaded, prefetched) => {
        // Already handled and saved (a proxy retried the POST after the first instance died before
        // answering): nothing is decided, saved or sent again. Checked on every attempt, so a
        // racing copy that saved first is seen after the eTag conflict.
        duplicate = alreadyHandled(loaded.state, activityId);
        if (duplicate) return undefined;
        const saved = await this.deps.support.reconcile(loaded.state);
        const facts = await this.deps.support.facts(prefetched);
        // One message's recognizer passes share their hits (dropped when decideMessage returns).
        const draft = duringOneMessage(() => decideMessage(this.contentOf(activity), this.deps.nlu, saved, input, facts));
        markHandled(draft.state, activityId);
        return draft;
      },
      (loaded) => ({ userText: input.text, supportBefore: Boolean(loaded.state.support) }),
      // Should nothing be decided at all (the state cannot even be read), a warning sign still gets its advice.
      () => urgentAdviceOnly(this.contentOf(activity), this.deps.nlu, input.text),
    );
    if (duplicate) {
      turnSteps(context).duplicate();
      this.deps.logger.info('turn_duplicate', { channel: String(activity.channelId) });
      // The first run's answer may be the one that was lost: a warning sign or crisis in the
      // message gets its urgent advice again (read afresh, nothing saved); anything else gets nothing.
      const urgent = urgentAdviceOnly(this.contentOf(activity), this.deps.nlu, input.text);
      if (urgent.length > 0) await context.sendActivities(renderReplies(urgent, activity.channelId, this.contentOf(activity)) as Activity[]);
    }
  }

  /** A contact centre's handoff.status event (HANDOFF_MODE=event): accepted, failed or completed. */
  private async onHandoffStatus(context: TurnContext): Promise<void> {
    const handoffState = handoffStateOf(context.activity.value);
    if (this.deps.support.settings.mode !== 'event' || !handoffState) return;
    const key = keyOf(context.activity);
    const saved = await this.decideAndSave(
      context,
      key,
      async (loaded) => {
        if (loaded.isNew) return undefined;
        const draft = new TurnDraft(this.contentOf(context.activity), structuredClone(loaded.state));
        return decideHandoffStatus(draft, handoffState) ? draft : undefined;
      },
      () => ({ supportBefore: true }),
    );
    if (saved) this.deps.logger.info('handoff_status', { state: handoffState });
  }

  /**
   * Load state, decide, save with the eTag check (all retried if another turn of this conversation
   * saved first, deciding again on its result); then, once, the effects and the replies. Returns
   * false when `decide` had nothing to do. If the turn fails, any urgent advice it decided on is
   * still sent before the error goes on to the adapter's error note.
   */
  private async decideAndSave(
    context: TurnContext,
    key: ConversationKey,
    /** `prefetched`: the turn lock's read, on the first attempt only. */
    decide: (loaded: LoadedState, prefetched?: PrefetchedRead) => Promise<TurnDraft | undefined>,
    factsOf: (loaded: LoadedState) => TurnFacts,
    urgentFallback: () => Reply[] = () => [],
  ): Promise<boolean> {
    let decided: TurnDraft | undefined;
    let saved: { draft: TurnDraft; facts: TurnFacts } | undefined;
    // The first attempt may use the read made under the turn lock; a retry (another writer won the eTag) reads again.
    let prefetched = this.prefetched.get(context);
    this.prefetched.delete(context);
    try {
      saved = await retryOnConflict(async () => {
        const read = prefetched;
        prefetched = undefined;
        const stored = await loadState(this.deps.storage, key, read);
        // Saved before a content release: a node it renamed or removed would fail every turn.
        const loaded = { ...stored, state: withoutStalePositions(this.contentOf(context.activity), stored.state) };
        const draft = await turnSteps(context).decide(() => decide(loaded, read));
        decided = draft;
        if (!draft) return undefined;
        const facts: TurnFacts = { ...factsOf(loaded), isNew: loaded.isNew, before: loaded.state };
        rememberOfferedChoices(draft);
        // The turn's transcript item is saved with the state, so both land or neither does.
        const entries = transcriptEntries(facts.userText, draft.replies);
        await turnSteps(context).save(() =>
          saveState(this.deps.storage, key, draft.state, loaded.eTag, entries.length > 0 ? transcriptItem(key, entries) : {}),
        );
        return { draft, facts };
      });
    } catch (error) {
      await this.sendUrgentOnly(context, decided?.replies ?? urgentFallback());
      throw error;
    }
    if (!saved) return false;
    await this.afterSave(context, key, saved.draft, saved.facts);
    return true;
  }

  /** The effects of a saved turn, then its replies. */
  private async afterSave(context: TurnContext, key: ConversationKey, draft: TurnDraft, facts: TurnFacts): Promise<void> {
    const decided = draft.replies.length;
    let outcome: { forgotten: boolean; extra: Partial<Activity>[] };
    try {
      outcome = await this.runEffects(context, key, draft);
      if (!outcome.forgotten) {
        // What the effects added (queue position, ...) goes in the transcript too.
        await appendTranscript(this.deps.storage, key, transcriptEntries(undefined, draft.replies.slice(decided)));
        // Open consoles refresh: a message for the team, a cancelled request, a warning sign.
        if (facts.supportBefore || draft.state.support) await this.deps.support.notifier.changed();
      }
    } catch (error) {
      await this.sendUrgentOnly(context, draft.replies.slice(0, decided));
      throw error;
    }
    this.countTurn(draft, facts);
    const activities = [...renderReplies(draft.replies, context.activity.channelId, this.contentOf(context.activity)), ...outcome.extra];
    if (activities.length === 0) return;
    await turnSteps(context).send(() => context.sendActivities(activities as Activity[]));
  }

  /** Adds this turn to the day's figures; a failure here never costs the person their reply. */
  private countTurn(draft: TurnDraft, facts: TurnFacts): void {
    try {
      this.checkNodes ??= checkQuestionNodes(this.deps.content);
      const increment = turnIncrement(
        {
          isNew: facts.isNew === true,
          fromPerson: facts.userText !== undefined,
          unplaced: draft.notUnderstood !== undefined,
          before: facts.before,
          after: draft.state,
          replies: draft.replies,
          effects: draft.effects,
        },
        this.checkNodes,
      );
      this.deps.dailyStats.add(increment);
    } catch (error) {
      this.deps.logger.warn('stats_update_failed', { error: errorName(error) });
    }
  }

  /** Sends only the replies that must reach the person whatever else failed (urgent or crisis advice). */
  private async sendUrgentOnly(context: TurnContext, replies: Reply[]): Promise<void> {
    const urgent = renderReplies(replies, context.activity.channelId, this.deps.content).filter(mustBeSent);
    if (urgent.length === 0) return;
    this.deps.logger.warn('turn_failed_urgent_sent', { channel: String(context.activity.channelId), count: urgent.length });
    await context.sendActivities(urgent as Activity[]);
  }

  private async runEffects(context: TurnContext, key: ConversationKey, draft: TurnDraft): Promise<{ forgotten: boolean; extra: Partial<Activity>[] }> {
    const { storage, support } = this.deps;
    const { content } = draft;
    const extra: Partial<Activity>[] = [];
    let forgotten = false;
    for (const effect of draft.effects) {
      switch (effect.type) {
        case 'handoff': {
          const opened = await support.openCase({
            key,
            id: effect.caseId,
            type: 'chat',
            mode: effect.mode,
            state: draft.state,
            reference: referenceOf(context.activity),
          });
          if (effect.mode === 'console') await support.queueReplies(draft, effect.caseId, 'opened');
          else {
            draft.say(content.messages.support.event_opened);
            extra.push(handoffInitiation(opened.supportCase, opened.transcript, context.activity.from));
          }
          break;
        }
        case 'record_callback': {
          const { callback_contact: contact, callback_time: time } = effect.answers;
          await support.openCase({
            key,
            id: effect.caseId,
            type: 'callback',
            mode: 'console',
            state: draft.state,
            reference: referenceOf(context.activity),
            fields: { callback: { contact: String(contact ?? ''), time: String(time ?? '') }, consent: true },
          });
          break;
        }
        case 'record_feedback':
          await support.recordFeedback(effect.caseId, {
            ...(effect.helpful ? { helpful: effect.helpful } : {}),
            ...(effect.comment ? { comment: effect.comment } : {}),
          });
          break;
        case 'support':
          await support.onSupportEvent(draft, effect.event, effect.caseId);
          break;
        case 'record_trial_lead': {
          const { trial_consent, trial_contact, age } = effect.answers;
          const { diagnosed, medication } = effect.criteria;
          // A case of type "trial lead": the trials team works from the same console.
          const opened = await support.openCase({
            key,
            id: newCaseId(),
            type: 'trial_lead',
            mode: 'console',
            state: draft.state,
            reference: referenceOf(context.activity),
            fields: {
              diagnosed: diagnosed ?? null,
              medication: medication ?? null,
              age: age ?? null,
              consent: trial_consent === 'yes',
              contact: trial_contact ?? null,
              trials: effect.trials,
              criteria: effect.criteria,
            },
          });
          this.deps.logger.info('trial_lead_recorded', { channel: key.channelId, trials: effect.trials.length });
          if (opened.supportCase.consent) this.deps.onTrialLead?.(opened.supportCase);
          break;
        }
        case 'forget_me': {
          const { leads, cases } = await countCaseRecords(storage, key);
          // Index entries first (they point into this conversation), then everything under its prefix.
          await forgetCases(storage, key);
          await forgetConversation(storage, key);
          await support.notifier.changed();
          forgotten = true;
          const what = [content.messages.forget.what_state];
          if (leads > 0) what.push(fill(content.messages.forget.what_leads, { count: leads }));
          if (cases > 0) what.push(fill(content.messages.forget.what_cases, { count: cases }));
          draft.replies.push({ text: fill(content.messages.forget.done, { what: what.join(', ') }) });
          this.deps.logger.info('conversation_forgotten', { channel: key.channelId });
          break;
        }
        default:
          // An effect type without a case here does not compile.
          unreachable(effect, 'effect');
      }
    }
    return { forgotten, extra };
  }
}

/** Urgent (and crisis) advice: sent even when the turn could not be saved. */
function mustBeSent(activity: Partial<Activity>): boolean {
  const backline = (activity.channelData as { backline?: { urgent?: unknown; crisis?: unknown } } | undefined)?.backline;
  return backline?.urgent === true || backline?.crisis === true;
}

/** The turn as the transcript keeps it: what the person sent, then what the bot said. */
function transcriptEntries(userText: string | undefined, replies: Reply[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  if (userText?.trim()) entries.push({ role: 'user', text: userText });
  for (const reply of replies) {
    entries.push({
      role: 'bot',
      text: reply.text,
      ...(reply.urgent ? { urgent: true as const } : {}),
      ...(reply.crisis ? { crisis: true as const } : {}),
      ...(reply.triage ? { level: reply.triage.level } : {}),
    });
  }
  return entries;
}
