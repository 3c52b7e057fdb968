// Prometheus metrics (prom-client), one registry per Backline instance. Labels come only from
// fixed lists (channel names, activity types, triage levels, case kinds): never message text,
// conversation ids or user ids, so a scrape can be stored and shared without health data.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TRIAGE_LEVELS } from '../contract.js';

/** Channels named in labels; anything else is "other". */
export const CHANNEL_LABELS = ['msteams', 'webchat', 'directline', 'emulator', 'cli', 'test'] as const;
/** Activity types named in labels; anything else is "other". A continueConversation turn (a team member's message) is "proactive". */
export const TURN_TYPES = ['message', 'conversationUpdate', 'installationUpdate', 'event', 'invoke', 'proactive'] as const;
export type FallbackKind = 'reprompt' | 'out_of_scope';
export type HandoffKind = 'chat' | 'callback';

export function channelLabel(channelId: unknown): string {
  return typeof channelId === 'string' && (CHANNEL_LABELS as readonly string[]).includes(channelId) ? channelId : 'other';
}

export function typeLabel(type: unknown, name?: unknown): string {
  if (type === 'event' && name === 'ContinueConversation') return 'proactive';
  return typeof type === 'string' && (TURN_TYPES as readonly string[]).includes(type) ? type : 'other';
}

export function levelLabel(level: unknown): string {
  return typeof level === 'string' && (TRIAGE_LEVELS as readonly string[]).includes(level) ? level : 'other';
}

/** What the gauges read at scrape time (set once the parts that hold them exist). */
export interface MetricSources {
  /** Open WebSocket streams of the built-in Direct Line in this process. */
  directLineConnections?: () => number;
  /** The support queue as the console sees it (shared by every instance on one store). */
  supportQueue?: () => Promise<{ type: string; status: string; waitingSeconds: number }[]>;
  /** Recent waits (seconds) from joining the queue to a team member claiming the chat. */
  recentWaits?: () => Promise<number[]>;
}

const CASE_TYPES = ['chat', 'callback', 'trial_lead'];
const CASE_STATUSES = ['waiting', 'live'];

export class BacklineMetrics {
  readonly registry = new Registry();
  readonly turns: Counter<'channel' | 'type'>;
  readonly turnSeconds: Histogram<'channel' | 'type'>;
  readonly turnErrors: Counter<'channel'>;
  readonly urgentAdvice: Counter<'channel' | 'level'>;
  readonly triageOutcomes: Counter<'channel' | 'level'>;
  readonly crisisReplies: Counter<'channel'>;
  readonly fallbacks: Counter<'channel' | 'kind'>;
  readonly handoffs: Counter<'channel' | 'kind' | 'mode'>;
  readonly storageRetries: Counter;
  readonly duplicateTurns: Counter<'channel'>;
  private sources: MetricSources = {};

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.turns = new Counter({
      name: 'backline_turns_total',
      help: 'Turns the bot handled, by channel and activity type.',
      labelNames: ['channel', 'type'],
      registers,
    });
    this.turnSeconds = new Histogram({
      name: 'backline_turn_duration_seconds',
      help: 'Time from an activity reaching the bot to its turn ending (replies sent), by channel and activity type.',
      labelNames: ['channel', 'type'],
      buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.turnErrors = new Counter({
      name: 'backline_turn_errors_total',
      help: 'Turns that ended in an error (the person got the turn-error note).',
      labelNames: ['channel'],
      registers,
    });
    this.urgentAdvice = new Counter({
      name: 'backline_urgent_advice_total',
      help: 'Replies giving urgent advice for a warning sign (channelData.backline.urgent), by triage level.',
      labelNames: ['channel', 'level'],
      registers,
    });
    this.triageOutcomes = new Counter({
      name: 'backline_triage_outcomes_total',
      help: 'Replies with the final outcome of the warning-sign check (channelData.backline.triage.final), by triage level.',
      labelNames: ['channel', 'level'],
      registers,
    });
    this.crisisReplies = new Counter({
      name: 'backline_crisis_replies_total',
      help: 'Replies giving crisis help (channelData.backline.crisis).',
      labelNames: ['channel'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'backline_fallbacks_total',
      help: 'Messages the bot could not place: reprompt (an answer to its question it did not understand) or out_of_scope (free text it could not classify). Divide by backline_turns_total{type="message"} for the fallback rate.',
      labelNames: ['channel', 'kind'],
      registers,
    });
    this.handoffs = new Counter({
      name: 'backline_handoffs_total',
      help: 'Requests for a person: kind chat (live chat) or callback (a call-back request), mode console or event (contact centre).',
      labelNames: ['channel', 'kind', 'mode'],
      registers,
    });
    this.storageRetries = new Counter({
      name: 'backline_storage_retries_total',
      help: 'Storage writes refused by an eTag conflict (another turn or instance wrote first); each one makes the writer read again and retry.',
      registers,
    });
    this.duplicateTurns = new Counter({
      name: 'backline_duplicate_turns_total',
      help: 'Messages not run again because one with the same activity id was already handled in the conversation (e.g. a proxy retrying a POST whose first instance saved the turn and died before answering).',
      labelNames: ['channel'],
      registers,
    });
    const sources = () => this.sources;
    new Gauge({
      name: 'backline_directline_connections',
      help: 'Open WebSocket streams of the built-in Direct Line on this instance.',
      registers,
      collect() {
        this.set(sources().directLineConnections?.() ?? 0);
      },
    });
    new Gauge({
      name: 'backline_support_queue_length',
      help: 'Open support cases by type and status (the queue is shared: every instance on one store reports the same; use max, not sum).',
      labelNames: ['type', 'status'],
      registers,
      async collect() {
        const queue =
          (await sources()
            .supportQueue?.()
            .catch(() => undefined)) ?? [];
        for (const type of CASE_TYPES)
          for (const status of CASE_STATUSES) this.set({ type, status }, queue.filter((c) => c.type === type && c.status === status).length);
      },
    });
    new Gauge({
      name: 'backline_support_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting person in the queue has waited (0 when nobody waits).',
      registers,
      async collect() {
        const queue =
          (await sources()
            .supportQueue?.()
            .catch(() => undefined)) ?? [];
        this.set(Math.max(0, ...queue.filter((c) => c.status === 'waiting').map((c) => c.waitingSeconds)));
      },
    });
    new Gauge({
      name: 'backline_support_wait_median_seconds',
      help: 'Median of recent waits from joining the queue to a team member joining (what people are told to expect); 0 when there are none yet.',
      registers,
      async collect() {
        const waits = [
          ...((await sources()
            .recentWaits?.()
            .catch(() => undefined)) ?? []),
        ].sort((a, b) => a - b);
        this.set(waits.length > 0 ? waits[Math.floor(waits.length / 2)]! : 0);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Tells the gauges where to read; called once the Direct Line and support exist. */
  readFrom(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  contentType(): string {
    return this.registry.contentType;
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
