// Human support, the moving parts: opening cases for the bot, and carrying out what team members
// do in the console (claim, reply, close), telling the person by proactive messages.
//
// Every change is made in storage with eTag checks, so two instances (or two team members) never
// both win: a claim writes the case and the person's conversation state in one write with both
// eTags, so "Sam has joined" and the state that routes the person's messages to Sam agree.
import type { ConversationReference } from '@microsoft/agents-activity';
import { levelRank, type TriageLevel } from '../contract.js';
import { renderReplies } from '../channels/render.js';
import { rememberOfferedChoices } from '../conversation/offeredChoices.js';
import { stateKey, type ConversationKey } from '../conversation/store.js';
import type { Understander } from '../nlu/types.js';
import type { Choice, Reply } from '../engine/replies.js';
import { runFrom, TurnDraft, type EngineContent } from '../engine/runtime.js';
import type { ConversationState } from '../engine/state.js';
import { fill } from '../text/template.js';
import type { Logger } from '../logger.js';
import { retryOnConflict, type BacklineStorage, type PrefetchedRead } from '../storage/index.js';
import { ADMIN_AGENT_ID } from '../config/agents.js';
import { writeAudit, type AuditAction } from './audit.js';
import {
  CaseNotFoundError,
  compareByUrgency,
  conversationKeyOf,
  createCase,
  findCase,
  listOpenCases,
  queuePosition,
  updateCase,
  type StoredCase,
} from './cases.js';
import { FEEDBACK_NODE, SUPPORT_CHOICES, SUPPORT_TREE } from './decideSupport.js';
import { isWithinSupportHours, type SupportHours } from '../config/supportHours.js';
import { CASE_INDEX, OPEN_INDEX } from './keys.js';
import type { ChangeNotifier } from './notifier.js';
import { estimatedWaitMinutes, onlineAgentCount, recordWait } from './presence.js';
import type { ProactiveSender } from './proactive.js';
import { withoutImages } from './safeMarkdown.js';
import { addDailyStats } from './stats.js';
import { buildSummary, reasonOf, redFlagsOf, urgencyOf } from './summary.js';
import { appendTranscript, readTranscript, type TranscriptEntry, type TranscriptItem, type TranscriptPage } from './transcript.js';
import { isOpen, type CaseType, type SupportCase } from './types.js';
import { errorName } from '../util/errors.js';

export interface SupportSettings {
  mode: 'console' | 'event';
  hours: SupportHours;
  /** Time between "still waiting" updates to someone in the queue. */
  waitUpdateMs: number;
  /** SUPPORT_ADMIN_NAME: the name people see for the shared admin sign-in; unset, they see "the support team". */
  adminName?: string;
}

export interface SupportServiceDeps {
  storage: BacklineStorage;
  content: EngineContent;
  nlu: Understander;
  logger: Logger;
  sender: ProactiveSender;
  notifier: ChangeNotifier;
  settings: SupportSettings;
  now?: () => number;
}

export interface AgentIdentity {
  id: string;
  name: string;
}

/** A refused console action, with the HTTP status the console route answers. */
export class SupportActionError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A case as the console sees it: no conversation reference or ids that name the person's chat. */
export type PublicCase = Omit<SupportCase, 'reference' | 'conversationId'> & { waitingSeconds: number };

export interface CaseView {
  case: PublicCase;
  transcript: TranscriptPage;
  /** Place in the queue, for a waiting chat. */
  position: number;
  /** When the person last typed, in a live chat. */
  personTypingAt?: string;
}

const MAX_REPLY_CHARS = 4000;
const MAX_NOTE_CHARS = 2000;
const TRANSCRIPT_ON_OPEN = 200;
/** How long a new request may point at a case that is not stored yet (the opening turn stores it after the state). */
const CASE_BEING_OPENED_MS = 60_000;
const TRANSCRIPT_IN_VIEW = 500;
/** The person's typing is noted at most this often per case. */
const TYPING_NOTE_MS = 2000;
const TYPING_PREFIX = 'h/typing/';

export class SupportService {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly typingNoted = new Map<string, number>();

  constructor(private readonly deps: SupportServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  get settings(): SupportSettings {
    return this.deps.settings;
  }

  get notifier(): ChangeNotifier {
    return this.deps.notifier;
  }

  /** Starts the "still waiting" updates (console mode). */
  start(): void {
    if (this.deps.settings.mode !== 'console' || this.timer) return;
    const every = Math.max(1000, Math.min(15_000, Math.floor(this.deps.settings.waitUpdateMs / 3)));
    this.timer = setInterval(
      () => void this.sendWaitUpdates().catch((error) => this.deps.logger.warn('support_wait_updates_failed', { error: errorName(error) })),
      every,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.deps.notifier.close();
  }

  // ---------- facts the support tree branches on ----------

  /** `prefetched`: the turn lock's read, which holds the presence on PostgreSQL (one round trip less). */
  async facts(prefetched?: PrefetchedRead): Promise<Record<string, string>> {
    const { mode, hours } = this.deps.settings;
    const now = this.now();
    const inHours = isWithinSupportHours(hours, new Date(now));
    const online = mode === 'console' && inHours ? await onlineAgentCount(this.deps.storage, now, prefetched) : 0;
    const available = mode === 'event' || (inHours && online > 0);
    return {
      handoff_mode: mode,
      support_available: available ? 'yes' : 'no',
      support_reason: available ? '' : inHours ? 'offline' : 'closed',
      support_hours: hours.display,
      support_timezone: hours.timeZone === 'UTC' ? 'UTC' : hours.timeZone.split('/').at(-1)!.replace(/_/g, ' '),
    };
  }

  // ---------- the bot's side (effects of the person's own turn) ----------

  /**
   * A conversation whose support request is no longer open (its case closed or aged out
   * elsewhere) goes back to the bot, rather than waiting forever for a case nobody can see.
   */
  async reconcile(state: ConversationState): Promise<ConversationState> {
    const support = state.support;
    if (!support || support.mode !== 'console') return state;
    const found = await findCase(this.deps.storage, support.caseId);
    if (found && isOpen(found.supportCase)) return state;
    // A request saved moments ago whose case is not stored yet: the turn that opened it (maybe on
    // another instance) is still storing it. Dropping it here would open a second case.
    if (!found && this.now() - Date.parse(support.since) < CASE_BEING_OPENED_MS) return state;
    return { ...state, support: undefined };
  }

  async openCase(input: {
    key: ConversationKey;
    id: string;
    type: CaseType;
    mode: 'console' | 'event';
    state: ConversationState;
    reference: Partial<ConversationReference>;
    fields?: Partial<SupportCase>;
  }): Promise<{ supportCase: SupportCase; transcript: TranscriptItem[] }> {
    const { content, nlu, storage, logger } = this.deps;
    const transcript = (await readTranscript(storage, input.key, { limit: TRANSCRIPT_ON_OPEN })).items;
    const supportCase: SupportCase = {
      kind: input.type === 'trial_lead' ? 'lead' : 'case',
      id: input.id,
      type: input.type,
      status: input.type === 'chat' && input.mode === 'event' ? 'handed_off' : 'waiting',
      mode: input.type === 'chat' ? input.mode : 'console',
      channelId: input.key.channelId,
      conversationId: input.key.conversationId,
      createdAt: new Date(this.now()).toISOString(),
      reason: input.type === 'trial_lead' ? 'trial_interest' : reasonOf(input.state),
      level: urgencyOf(content, input.state),
      ...(input.state.crisis ? { crisis: true } : {}),
      redFlags: redFlagsOf(input.state),
      summary: buildSummary(content, nlu, input.state, transcript),
      reference: input.reference,
      ...input.fields,
    };
    await createCase(storage, supportCase);
    logger.info('support_case_opened', {
      type: supportCase.type,
      mode: supportCase.mode,
      channel: supportCase.channelId,
      triage_level: supportCase.level ?? 'none',
    });
    await this.changed();
    return { supportCase, transcript };
  }

  /** "You're number 2 in the queue", with an honest wait, for a reply in the person's turn. */
  async queueReplies(draft: TurnDraft, caseId: string, kind: 'opened' | 'held' | 'status'): Promise<void> {
    const { messages } = this.deps.content;
    const { position, wait } = await this.placeInQueue(caseId);
    const cancel: Choice[] = [{ label: messages.labels.cancel_request, value: SUPPORT_CHOICES.cancel }];
    if (kind === 'held') {
      sayWith(draft, messages.support.held, { position }, { choices: cancel });
      return;
    }
    draft.say(kind === 'opened' ? messages.support.opened : messages.support.already_waiting);
    sayWith(draft, messages.support.queued, { position, wait });
    draft.say(messages.support.waiting_note, { choices: cancel });
  }

  /** Something about an open request happened in the person's turn (see SupportEvent). */
  async onSupportEvent(draft: TurnDraft, event: string, caseId: string): Promise<void> {
    try {
      switch (event) {
        case 'status':
          if (draft.state.support?.mode === 'event') draft.say(this.deps.content.messages.support.event_waiting);
          else await this.queueReplies(draft, caseId, 'status');
          return;
        case 'held':
          if (draft.state.support?.mode !== 'event') await this.queueReplies(draft, caseId, 'held');
          await this.changed();
          return;
        case 'message':
          await this.changed();
          return;
        case 'crisis':
          await updateCase(this.deps.storage, caseId, (c) => ({ ...c, crisis: true }));
          this.deps.logger.info('support_case_crisis', {});
          await this.changed();
          return;
        case 'flagged': {
          const flags = redFlagsOf(draft.state);
          const level = urgencyOf(this.deps.content, draft.state);
          await updateCase(this.deps.storage, caseId, (c) => ({
            ...c,
            redFlags: flags,
            level: moreUrgent(c.level, level),
            summary: { ...c.summary, redFlags: flags.map((id) => ({ id, label: this.deps.content.redFlagLabel(id) })) },
          }));
          await this.changed();
          return;
        }
        case 'cancelled':
        case 'ended': {
          const at = new Date(this.now()).toISOString();
          const status = event === 'cancelled' ? 'cancelled' : 'closed';
          await updateCase(this.deps.storage, caseId, (c) =>
            isOpen(c) || c.status === 'handed_off' ? { ...c, status, closedAt: at, closedBy: 'user' } : undefined,
          );
          this.deps.logger.info('support_case_left', { how: event });
          await this.changed();
          return;
        }
      }
    } catch (error) {
      // The case may have gone (retention, "forget me" from another tab): the person's turn goes on.
      if (!(error instanceof CaseNotFoundError)) throw error;
    }
  }

  async recordFeedback(caseId: string, feedback: { helpful?: string; comment?: string }): Promise<void> {
    const at = new Date(this.now()).toISOString();
    try {
      await updateCase(this.deps.storage, caseId, (c) => ({ ...c, feedback: { ...feedback, at } }));
      await this.changed();
    } catch (error) {
      if (!(error instanceof CaseNotFoundError)) throw error;
    }
  }

  // ---------- the console's side ----------

  async queue(): Promise<PublicCase[]> {
    const open = await listOpenCases(this.deps.storage);
    return open
      .map((s) => s.supportCase)
      .sort(compareByUrgency)
      .map((c) => this.publicCase(c));
  }

  /**
   * The case with its summary and transcript. An explicit open is written to the audit log before
   * anything is returned; `audit: false` is for the console's automatic refresh of a case the team
   * member already opened (see console.ts).
   */
  async view(caseId: string, agent: AgentIdentity, options: { after?: string; audit?: boolean } = {}): Promise<CaseView> {
    const { after, audit = true } = options;
    const stored = await this.requireCase(caseId);
    if (audit) await this.audit(agent, 'view_transcript', caseId);
    const transcript = await readTranscript(this.deps.storage, conversationKeyOf(stored.supportCase), {
      ...(after ? { after } : {}),
      limit: TRANSCRIPT_IN_VIEW,
    });
    const open = isOpen(stored.supportCase) ? (await listOpenCases(this.deps.storage)).map((s) => s.supportCase) : [];
    const typing =
      stored.supportCase.status === 'live'
        ? ((await this.deps.storage.read([TYPING_PREFIX + caseId]))[TYPING_PREFIX + caseId] as { at?: string } | undefined)
        : undefined;
    return {
      case: this.publicCase(stored.supportCase),
      transcript,
      position: queuePosition(open, caseId),
      ...(typing?.at ? { personTypingAt: typing.at } : {}),
    };
  }

  async claim(caseId: string, agent: AgentIdentity): Promise<{ delivered: boolean }> {
    const { messages } = this.deps.content;
    const at = new Date(this.now()).toISOString();
    const result = await this.caseTurn(caseId, (current, draft) => {
      if (current.status !== 'waiting') {
        const who = current.agent ? ` by ${current.agent.name}` : '';
        throw new SupportActionError(
          409,
          current.status === 'live' ? 'already_claimed' : 'not_open',
          `This case is already ${current.status === 'live' ? `claimed${who}` : current.status}.`,
        );
      }
      const next: SupportCase = { ...current, status: 'live', agent: { id: agent.id, name: agent.name }, claimedAt: at };
      if (!this.isConsoleChat(current)) return next;
      if (!draft || draft.state.support?.caseId !== current.id) throw new SupportActionError(409, 'left_queue', 'The person has left the queue.');
      const shownAs = this.personalName(agent);
      draft.state.support = { ...draft.state.support, status: 'live', ...(shownAs ? { agent: shownAs } : {}) };
      draft.state.at = undefined;
      draft.state.page = undefined;
      draft.state.pending = undefined;
      draft.state.suspended = undefined;
      const endChat = { choices: [{ label: messages.labels.end_chat, value: SUPPORT_CHOICES.endChat }] };
      if (shownAs) sayWith(draft, messages.support.agent_joined, { agent: shownAs }, endChat);
      else draft.say(messages.support.agent_joined_team, endChat);
      return next;
    });
    if (this.isConsoleChat(result.before)) {
      const waited = (Date.parse(at) - Date.parse(result.before.createdAt)) / 1000;
      await recordWait(this.deps.storage, waited).catch(() => undefined);
      await addDailyStats(this.deps.storage, { waits: [waited] }, this.now()).catch(() => undefined);
    }
    await this.audit(agent, 'claim', caseId);
    this.deps.logger.info('support_case_claimed', { type: result.after.type });
    return { delivered: result.delivered };
  }

  /**
   * Passes a live chat (or a call-back or lead being handled) to another team member who is
   * online; the person is told who has taken over. Only the team member who has it may pass it on.
   */
  async transfer(caseId: string, from: AgentIdentity, to: AgentIdentity): Promise<{ delivered: boolean }> {
    const { messages } = this.deps.content;
    if (to.id === from.id) throw new SupportActionError(400, 'same_agent', 'Choose another team member.');
    const result = await this.caseTurn(caseId, (current, draft) => {
      if (current.status !== 'live') throw new SupportActionError(409, 'not_live', 'Only a claimed case can be transferred.');
      if (current.agent?.id !== from.id) throw new SupportActionError(403, 'not_your_case', 'Another team member has this case.');
      const next: SupportCase = { ...current, agent: { id: to.id, name: to.name } };
      if (!this.isConsoleChat(current) || draft?.state.support?.caseId !== current.id) return next;
      const shownAs = this.personalName(to);
      draft.state.support = { ...draft.state.support, ...(shownAs ? { agent: shownAs } : {}) };
      if (!shownAs) delete draft.state.support.agent;
      if (shownAs) sayWith(draft, messages.support.transferred, { agent: shownAs });
      return next;
    });
    await this.audit(from, 'transfer', caseId);
    this.deps.logger.info('support_case_transferred', { type: result.after.type });
    return { delivered: result.delivered };
  }

  async reply(caseId: string, agent: AgentIdentity, rawText: unknown): Promise<{ delivered: boolean }> {
    const text = typeof rawText === 'string' ? rawText.trim() : '';
    if (!text || text.length > MAX_REPLY_CHARS) throw new SupportActionError(400, 'bad_text', `A message is 1 to ${MAX_REPLY_CHARS} characters.`);
    const stored = await this.requireCase(caseId);
    const current = stored.supportCase;
    if (!this.isConsoleChat(current) || current.status !== 'live') throw new SupportActionError(409, 'not_live', 'You can only write in a live chat.');
    if (current.agent?.id !== agent.id) throw new SupportActionError(403, 'not_your_case', 'Another team member has this chat.');
    const name = current.agent.name;
    const label = this.personalName(current.agent) ?? this.deps.content.messages.support.team_label;
    // What the person's chat renders as markdown may not fetch anything: images become plain text.
    const delivered = await this.deliver(
      current,
      [{ text: fill(this.deps.content.messages.support.agent_message, { agent: label, text: withoutImages(text) }) }],
      [{ role: 'agent', agent: name, text }],
    );
    if (delivered === 'forgotten') throw new SupportActionError(404, 'not_found', "The case was deleted at the person's request.");
    await this.audit(agent, 'reply', caseId);
    await this.changed();
    return { delivered: delivered === true };
  }

  /**
   * The person is typing: in a live console chat, noted (h/typing/<case>, a time only) for the
   * console to show "The person is typing…". At most one write every few seconds per case.
   */
  async personTyping(key: ConversationKey): Promise<void> {
    const item = (await this.deps.storage.read([stateKey(key)]))[stateKey(key)] as { state?: ConversationState } | undefined;
    const support = item?.state?.support;
    if (!support || support.status !== 'live' || support.mode !== 'console') return;
    const now = this.now();
    if (now - (this.typingNoted.get(support.caseId) ?? 0) < TYPING_NOTE_MS) return;
    this.typingNoted.set(support.caseId, now);
    if (this.typingNoted.size > 1000) this.typingNoted.clear();
    await this.deps.storage.write({ [TYPING_PREFIX + support.caseId]: { at: new Date(now).toISOString() } });
    await this.changed();
  }

  /** The team member is typing: a typing activity to the person's chat (nothing stored). */
  async typing(caseId: string, agent: AgentIdentity): Promise<{ delivered: boolean }> {
    const current = (await this.requireCase(caseId)).supportCase;
    if (!this.isConsoleChat(current) || current.status !== 'live' || current.agent?.id !== agent.id || !current.reference) return { delivered: false };
    try {
      await this.deps.sender.send(current.reference, [{ type: 'typing' }]);
      return { delivered: true };
    } catch {
      return { delivered: false };
    }
  }

  async closeCase(caseId: string, agent: AgentIdentity, rawNote: unknown): Promise<{ delivered: boolean }> {
    const note = typeof rawNote === 'string' ? rawNote.trim() : '';
    if (note.length > MAX_NOTE_CHARS) throw new SupportActionError(400, 'bad_note', `A note is at most ${MAX_NOTE_CHARS} characters.`);
    const { messages } = this.deps.content;
    const at = new Date(this.now()).toISOString();
    const result = await this.caseTurn(caseId, (current, draft) => {
      if (!isOpen(current)) throw new SupportActionError(409, 'not_open', `This case is already ${current.status}.`);
      if (current.status === 'live' && current.agent?.id !== agent.id) throw new SupportActionError(403, 'not_your_case', 'Another team member has this case.');
      if (this.isConsoleChat(current) && current.status === 'waiting') throw new SupportActionError(409, 'claim_first', 'Claim the chat before closing it.');
      const next: SupportCase = {
        ...current,
        status: 'closed',
        closedAt: at,
        closedBy: 'agent',
        ...(note ? { note } : {}),
        agent: current.agent ?? { id: agent.id, name: agent.name },
      };
      if (this.isConsoleChat(current) && draft?.state.support?.caseId === current.id) {
        const name = draft.state.support.agent ?? messages.support.team_name;
        draft.state.lastCaseId = current.id;
        draft.state.support = undefined;
        draft.state.pending = undefined;
        draft.state.suspended = undefined;
        sayWith(draft, messages.support.agent_closed, { agent: name });
        runFrom(draft, { tree: SUPPORT_TREE, node: FEEDBACK_NODE });
      }
      return next;
    });
    await this.audit(agent, 'close', caseId);
    this.deps.logger.info('support_case_closed', { type: result.after.type });
    return { delivered: result.delivered };
  }

  /** Tells everyone waiting longer than the update interval where they stand. Returns how many. */
  async sendWaitUpdates(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const { waitUpdateMs } = this.deps.settings;
      const now = this.now();
      const due = (c: SupportCase) => this.isConsoleChat(c) && c.status === 'waiting' && now - Date.parse(c.notifiedAt ?? c.createdAt) >= waitUpdateMs;
      let sent = 0;
      for (const { supportCase } of await listOpenCases(this.deps.storage)) {
        if (!due(supportCase)) continue;
        // The eTag makes one instance the sender, however many run this sweep.
        const marked = await updateCase(this.deps.storage, supportCase.id, (c) =>
          due(c) ? { ...c, notifiedAt: new Date(now).toISOString() } : undefined,
        ).catch(() => undefined);
        if (!marked?.changed) continue;
        if (await this.sendWaitUpdate(marked.after)) sent++;
      }
      return sent;
    } finally {
      this.sweeping = false;
    }
  }

  private async sendWaitUpdate(supportCase: SupportCase): Promise<boolean> {
    const { messages } = this.deps.content;
    const { position, wait } = await this.placeInQueue(supportCase.id);
    const key = conversationKeyOf(supportCase);
    const sKey = stateKey(key);
    const draft = await retryOnConflict(async () => {
      const item = (await this.deps.storage.read([sKey]))[sKey] as { state?: ConversationState; eTag?: string } | undefined;
      if (item?.state?.support?.caseId !== supportCase.id || item.state.support.status !== 'waiting') return undefined;
      const update = new TurnDraft(this.deps.content, structuredClone(item.state));
      sayWith(update, messages.support.still_waiting, { position, wait });
      update.say(messages.support.still_waiting_options, {
        choices: [
          { label: messages.labels.call_back, value: SUPPORT_CHOICES.callback },
          { label: messages.labels.cancel_request, value: SUPPORT_CHOICES.cancel },
        ],
      });
      rememberOfferedChoices(update);
      await this.deps.storage.write({ [sKey]: { state: update.state, ...(item.eTag ? { eTag: item.eTag } : {}) } });
      return update;
    });
    if (!draft) return false;
    if (await this.undoIfForgotten(supportCase.id, [sKey])) return false;
    return (await this.deliver(supportCase, draft.replies)) === true;
  }

  // ---------- helpers ----------

  /** The name the person sees; undefined for the shared admin sign-in without SUPPORT_ADMIN_NAME. */
  private personalName(agent: AgentIdentity): string | undefined {
    if (agent.id === ADMIN_AGENT_ID) return this.deps.settings.adminName;
    return agent.name;
  }

  private isConsoleChat(supportCase: Pick<SupportCase, 'type' | 'mode'>): boolean {
    return supportCase.type === 'chat' && supportCase.mode === 'console';
  }

  private async requireCase(caseId: string): Promise<StoredCase> {
    const stored = await findCase(this.deps.storage, caseId);
    if (!stored) throw new SupportActionError(404, 'not_found', "No such case (it may have been deleted at the person's request).");
    return stored;
  }

  private async placeInQueue(caseId: string): Promise<{ position: number; wait: string }> {
    const { messages } = this.deps.content;
    const open = (await listOpenCases(this.deps.storage)).map((s) => s.supportCase);
    const position = Math.max(1, queuePosition(open, caseId));
    const minutes = await estimatedWaitMinutes(this.deps.storage);
    const waitTime = minutes === undefined ? '' : minutes <= 1 ? messages.support.wait_one_minute : fill(messages.support.wait_minutes, { count: minutes });
    const wait = minutes === undefined ? messages.support.wait_unknown : fill(messages.support.wait_estimate, { wait_time: waitTime });
    return { position, wait };
  }

  /**
   * Changes a case and the person's conversation state together (one write, both eTags), then
   * says what the draft says. `plan` refuses by throwing a SupportActionError.
   */
  private async caseTurn(
    caseId: string,
    plan: (current: SupportCase, draft: TurnDraft | undefined) => SupportCase,
  ): Promise<{ before: SupportCase; after: SupportCase; delivered: boolean }> {
    const { storage, content } = this.deps;
    const { stored, next, draft, writes } = await retryOnConflict(async () => {
      const stored = await this.requireCase(caseId);
      const sKey = stateKey(conversationKeyOf(stored.supportCase));
      const wantsState = this.isConsoleChat(stored.supportCase);
      const item = wantsState ? ((await storage.read([sKey]))[sKey] as { state?: ConversationState; eTag?: string } | undefined) : undefined;
      const draft = item?.state?.v === 1 ? new TurnDraft(content, structuredClone(item.state)) : undefined;
      const next = plan(structuredClone(stored.supportCase), draft);
      const writes: Record<string, object> = { [stored.key]: { ...next, eTag: stored.eTag } };
      if (draft && draft.replies.length > 0) {
        rememberOfferedChoices(draft);
        writes[sKey] = { state: draft.state, ...(item?.eTag ? { eTag: item.eTag } : {}) };
      }
      await storage.write(writes);
      return { stored, next, draft, writes };
    });
    // What follows happens once, after the write has landed.
    if (!isOpen(next)) await storage.delete([OPEN_INDEX + caseId]);
    if (await this.undoIfForgotten(caseId, Object.keys(writes)))
      throw new SupportActionError(404, 'not_found', "The case was deleted at the person's request.");
    const delivered = draft && draft.replies.length > 0 ? await this.deliver(next, draft.replies) : true;
    await this.changed();
    return { before: stored.supportCase, after: next, delivered: delivered === true };
  }

  /**
   * "Forget me" removes a case's index entry first, then everything under the conversation. A
   * write racing it could put something back; if the index entry is gone, take it out again.
   */
  private async undoIfForgotten(caseId: string, keys: string[]): Promise<boolean> {
    const pointer = (await this.deps.storage.read([CASE_INDEX + caseId]))[CASE_INDEX + caseId];
    if (pointer) return false;
    if (keys.length > 0) await this.deps.storage.delete(keys);
    return true;
  }

  /**
   * Records what is said in the transcript (as the bot's words, or `entries`), then sends it to
   * the person's channel. False when it could not be delivered (it stays in the transcript).
   */
  private async deliver(supportCase: SupportCase, replies: Reply[], entries?: TranscriptEntry[]): Promise<boolean | 'forgotten'> {
    const logged = entries ?? replies.map((r) => ({ role: 'bot' as const, text: r.text }));
    const written = await appendTranscript(this.deps.storage, conversationKeyOf(supportCase), logged, this.now());
    if (await this.undoIfForgotten(supportCase.id, written ? [written] : [])) return 'forgotten';
    if (!supportCase.reference) return false;
    try {
      await this.deps.sender.send(supportCase.reference, renderReplies(replies, supportCase.channelId, this.deps.content));
      return true;
    } catch (error) {
      // The message is in the transcript; the console shows that it did not arrive.
      this.deps.logger.warn('support_delivery_failed', { channel: supportCase.channelId, error: errorName(error) });
      return false;
    }
  }

  private async audit(agent: AgentIdentity, action: AuditAction, caseId: string): Promise<void> {
    await writeAudit(this.deps.storage, { agent: agent.id, action, case: caseId }, this.now());
  }

  private async changed(): Promise<void> {
    await this.deps.notifier.changed();
  }

  private publicCase(supportCase: SupportCase): PublicCase {
    const { reference: _reference, conversationId: _conversationId, ...rest } = supportCase;
    const end = supportCase.claimedAt ?? supportCase.closedAt;
    const waitingSeconds = Math.max(0, Math.round(((end ? Date.parse(end) : this.now()) - Date.parse(supportCase.createdAt)) / 1000));
    return { ...rest, waitingSeconds };
  }
}

/** Says a message with placeholders filled from `values` as well as the answers and facts. */
export function sayWith(draft: TurnDraft, template: string, values: Record<string, string | number>, extra: Omit<Reply, 'text'> = {}): void {
  draft.replies.push({ text: draft.fill(template, values), ...extra });
}

function moreUrgent(a: TriageLevel | null, b: TriageLevel | null): TriageLevel | null {
  if (!a) return b;
  if (!b) return a;
  return levelRank(a) <= levelRank(b) ? a : b;
}
