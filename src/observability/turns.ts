// One observation per turn: an adapter middleware opens it (the `backline.turn` span, the turn
// timer), watches every reply sent (red flags, crisis help), and closes it; the bot marks its
// steps with `turnSteps(context)`: decide, save and send become child spans, and the decided
// draft says whether the message was placed and whether a person was asked for.
// Nothing here reads or records message text: only channel names, types, levels and counts.
import { context as otelContext, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { Activity } from '@microsoft/agents-activity';
import type { Middleware, TurnContext } from '@microsoft/agents-hosting';
import type { TurnDraft } from '../engine/runtime.js';
import type { Understander } from '../nlu/types.js';
import { channelLabel, levelLabel, typeLabel, type BacklineMetrics, type FallbackKind } from './metrics.js';
import { backlineTracer, tracingActive } from './tracing.js';
import { errorName } from '../util/errors.js';

export type TurnStepName = 'decide' | 'save' | 'send';

/** What the bot calls around its steps. Without observability every call is just `fn()`. */
export interface TurnSteps {
  /** Deciding the turn (may run again after an eTag conflict; the last draft counts). */
  decide<T extends TurnDraft | undefined>(fn: () => Promise<T>): Promise<T>;
  /** Saving the state (and the turn's transcript). */
  save<T>(fn: () => Promise<T>): Promise<T>;
  /** Sending the replies. */
  send<T>(fn: () => Promise<T>): Promise<T>;
  /** The message was a repeat of one already handled (same activity id): not run again. */
  duplicate(): void;
}

const NO_STEPS: TurnSteps = {
  decide: (fn) => fn(),
  save: (fn) => fn(),
  send: (fn) => fn(),
  duplicate: () => undefined,
};

const OBSERVATION = Symbol.for('backline.turnObservation');

/** The steps of the turn `context` belongs to (a no-op set when nothing observes turns). */
export function turnSteps(context: TurnContext): TurnSteps {
  return (context.turnState?.get(OBSERVATION) as TurnObservation | undefined) ?? NO_STEPS;
}

interface DraftFacts {
  fallback?: FallbackKind;
  handoffs: { kind: 'chat' | 'callback'; mode: string }[];
}

class TurnObservation implements TurnSteps {
  private draft: DraftFacts | undefined;

  constructor(
    private readonly channel: string,
    private readonly metrics: BacklineMetrics | undefined,
    /** The turn span's context (undefined when tracing is off). */
    private readonly spanContext: Context | undefined,
  ) {}

  async decide<T extends TurnDraft | undefined>(fn: () => Promise<T>): Promise<T> {
    const draft = await this.step('decide', fn, false);
    this.draft = draft
      ? {
          ...(draft.notUnderstood ? { fallback: draft.notUnderstood } : {}),
          handoffs: draft.effects.flatMap((effect): DraftFacts['handoffs'] =>
            effect.type === 'handoff'
              ? [{ kind: 'chat', mode: effect.mode }]
              : effect.type === 'record_callback'
                ? [{ kind: 'callback', mode: 'console' }]
                : [],
          ),
        }
      : undefined;
    return draft;
  }

  save<T>(fn: () => Promise<T>): Promise<T> {
    return this.step('save', fn, true);
  }

  send<T>(fn: () => Promise<T>): Promise<T> {
    // Active, so the Agents SDK's own send spans become its children.
    return this.step('send', fn, true);
  }

  duplicate(): void {
    this.metrics?.duplicateTurns.inc({ channel: this.channel });
  }

  /** Counts what the saved, decided turn amounted to (once, when the turn has ended well). */
  settle(): void {
    if (!this.metrics || !this.draft) return;
    if (this.draft.fallback) this.metrics.fallbacks.inc({ channel: this.channel, kind: this.draft.fallback });
    for (const handoff of this.draft.handoffs)
      this.metrics.handoffs.inc({ channel: this.channel, kind: handoff.kind, mode: handoff.mode === 'event' ? 'event' : 'console' });
  }

  private async step<T>(name: TurnStepName, fn: () => Promise<T>, makeActive: boolean): Promise<T> {
    if (!this.spanContext) return fn();
    const span = backlineTracer().startSpan(`backline.${name}`, { attributes: { 'backline.channel': this.channel } }, this.spanContext);
    try {
      // decide is not made active, so the understand spans inside it stay children of the turn.
      const result = makeActive ? await otelContext.with(trace.setSpan(this.spanContext, span), fn) : await fn();
      return result;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }
}

function failSpan(span: Span, error: unknown): void {
  // The error's name only: a message could quote what the person typed.
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
  span.setAttribute('error.type', errorName(error));
}

interface BacklineReplyData {
  urgent?: unknown;
  crisis?: unknown;
  triage?: { level?: unknown; final?: unknown };
}

function countReplies(metrics: BacklineMetrics, channel: string, activities: Partial<Activity>[]): void {
  for (const activity of activities) {
    const data = (activity.channelData as { backline?: BacklineReplyData } | undefined)?.backline;
    if (!data) continue;
    const level = levelLabel(data.triage?.level);
    if (data.urgent === true) metrics.urgentAdvice.inc({ channel, level });
    if (data.triage && data.triage.final === true) metrics.triageOutcomes.inc({ channel, level });
    if (data.crisis === true) metrics.crisisReplies.inc({ channel });
  }
}

/**
 * The adapter middleware: every turn (POST /api/messages, the built-in Direct Line, in-process
 * conversations, proactive messages) runs inside it.
 */
export function turnObserver(metrics: BacklineMetrics | undefined): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      const channel = channelLabel(activity.channelId);
      const type = typeLabel(activity.type, activity.name);
      const started = performance.now();
      if (metrics) {
        context.onSendActivities(async (_ctx, activities, sendNext) => {
          countReplies(metrics, channel, activities);
          return sendNext();
        });
      }
      const run = async (spanContext: Context | undefined, span: Span | undefined) => {
        const observation = new TurnObservation(channel, metrics, spanContext);
        context.turnState.set(OBSERVATION, observation);
        try {
          await next();
          observation.settle();
        } catch (error) {
          metrics?.turnErrors.inc({ channel });
          if (span) failSpan(span, error);
          throw error;
        } finally {
          metrics?.turns.inc({ channel, type });
          metrics?.turnSeconds.observe({ channel, type }, (performance.now() - started) / 1000);
        }
      };
      if (!tracingActive()) return run(undefined, undefined);
      return backlineTracer().startActiveSpan(
        'backline.turn',
        { attributes: { 'backline.channel': channel, 'backline.activity_type': type } },
        async (span) => {
          try {
            await run(otelContext.active(), span);
          } finally {
            span.end();
          }
        },
      );
    },
  };
}

/**
 * The NLU with an `backline.understand` span per call (red flags, intent), children of the turn.
 * Only names and numbers go in: the intent id, whether a flag was found; never the text.
 */
export function tracedUnderstander(nlu: Understander): Understander {
  return {
    detectCrisis(text) {
      if (!tracingActive()) return nlu.detectCrisis(text);
      return backlineTracer().startActiveSpan('backline.understand', { attributes: { 'backline.nlu.step': 'crisis' } }, (span) => {
        try {
          const detection = nlu.detectCrisis(text);
          span.setAttribute('backline.crisis', detection.crisis);
          return detection;
        } finally {
          span.end();
        }
      });
    },
    detectRedFlags(text, original) {
      if (!tracingActive()) return nlu.detectRedFlags(text, original);
      return backlineTracer().startActiveSpan('backline.understand', { attributes: { 'backline.nlu.step': 'red_flags' } }, (span) => {
        try {
          const detection = nlu.detectRedFlags(text, original);
          span.setAttributes({ 'backline.red_flags.count': detection.flags.length, 'backline.red_flags.possible': detection.possible.length });
          return detection;
        } finally {
          span.end();
        }
      });
    },
    classify(text) {
      if (!tracingActive()) return nlu.classify(text);
      return backlineTracer().startActiveSpan('backline.understand', { attributes: { 'backline.nlu.step': 'intent' } }, (span) => {
        try {
          const decision = nlu.classify(text);
          span.setAttributes({ 'backline.intent': decision.intent, 'backline.intent.confidence': decision.confidence });
          return decision;
        } finally {
          span.end();
        }
      });
    },
  };
}
