// Traces: one `backline.turn` span per turn with understand/decide/save/send children, joined to
// the Agents SDK's own spans, and no message text in any attribute. Tracing is process-wide, so
// this file starts it once (vitest runs each file in its own process).
import { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, tracingActive, type Tracing } from '../../src/observability/tracing.js';
import { Chat, testBackline } from '../helpers/backline.js';

type FinishedSpan = ReturnType<sdkTracing.InMemorySpanExporter['getFinishedSpans']>[number];

const exporter = new sdkTracing.InMemorySpanExporter();
let tracing: Tracing | undefined;

beforeAll(async () => {
  expect(tracingActive()).toBe(false);
  tracing = await startTracing({}, { spanProcessors: [new sdkTracing.SimpleSpanProcessor(exporter)] });
  expect(tracingActive()).toBe(true);
});
afterAll(async () => {
  await tracing?.shutdown();
});

const parentOf = (span: FinishedSpan) => span.parentSpanContext?.spanId;
const idOf = (span: FinishedSpan) => span.spanContext().spanId;

describe('turn traces', () => {
  it('one backline.turn span per turn, under the SDK process span, with understand, decide, save and send children and the SDK send spans under send', async () => {
    const backline = testBackline();
    try {
      const chat = new Chat(backline);
      await chat.open();
      await tracing!.flush();
      exporter.reset();
      const text = 'why does my back hurt when I lift my leg';
      await chat.say(text);
      await tracing!.flush();
      const spans = exporter.getFinishedSpans();
      const turns = spans.filter((s) => s.name === 'backline.turn');
      expect(turns).toHaveLength(1);
      const turn = turns[0]!;
      expect(turn.attributes).toMatchObject({ 'backline.channel': 'webchat', 'backline.activity_type': 'message' });

      const process = spans.find((s) => s.name === 'agents.adapter.process');
      expect(process, 'the Agents SDK emits its own spans').toBeDefined();
      expect(parentOf(turn)).toBe(idOf(process!));
      expect(turn.spanContext().traceId).toBe(process!.spanContext().traceId);

      const children = spans.filter((s) => parentOf(s) === idOf(turn));
      const names = new Set(children.map((s) => s.name));
      expect([...names].sort()).toEqual(['backline.decide', 'backline.save', 'backline.send', 'backline.understand']);
      expect(
        children
          .filter((s) => s.name === 'backline.understand')
          .map((s) => s.attributes['backline.nlu.step'])
          .sort(),
      ).toEqual(['crisis', 'intent', 'red_flags']);

      const send = children.find((s) => s.name === 'backline.send')!;
      const sdkSend = spans.filter((s) => parentOf(s) === idOf(send)).map((s) => s.name);
      expect(sdkSend).toContain('agents.turn.send_activities');

      // No message text in any attribute or event of any span, ours or the SDK's.
      const words = text.toLowerCase().match(/[a-z']{4,}/g)!;
      const replyWords = chat
        .text()
        .toLowerCase()
        .match(/[a-z']{6,}/g)!;
      for (const span of spans) {
        const values = [...Object.values(span.attributes), ...span.events.flatMap((e) => Object.values(e.attributes ?? {}))].map((v) =>
          String(v).toLowerCase(),
        );
        for (const value of values) {
          for (const word of [...words, ...replyWords]) expect(value, `${span.name} carries "${word}"`).not.toContain(word);
        }
      }
    } finally {
      await backline.close();
    }
  });

  it('marks the turn span as an error without the error message', async () => {
    const backline = testBackline();
    try {
      const { InProcessConversation } = await import('../../src/channels/inProcess.js');
      exporter.reset();
      await new InProcessConversation(backline.adapter, async () => {
        throw new Error('something about my numb leg');
      }).say('my numb leg');
      await tracing!.flush();
      const turn = exporter.getFinishedSpans().find((s) => s.name === 'backline.turn')!;
      expect(turn.status.code).toBe(2);
      expect(JSON.stringify(turn.status)).not.toContain('numb');
      expect(turn.attributes['error.type']).toBe('Error');
    } finally {
      await backline.close();
    }
  });
});
