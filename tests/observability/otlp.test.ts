// OTEL_EXPORTER_OTLP_ENDPOINT: the turn spans reach an OTLP/HTTP collector (a capture server on
// loopback here), nothing but traces is sent (the Agents SDK's debug log, which holds activities,
// never leaves), and no message text is in what is sent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { close, listen } from '../helpers/http.js';
import { captureApp, saySensitiveMessage, SENSITIVE_MESSAGE, type CapturedRequest } from '../helpers/telemetryCapture.js';

const received: CapturedRequest[] = [];
let collector: Awaited<ReturnType<typeof listen>>;
let tracing: Tracing | undefined;

beforeAll(async () => {
  collector = await listen(captureApp(received));
  tracing = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/otlp` });
});
afterAll(async () => {
  await tracing?.shutdown();
  await close(collector.server);
});

it('sends the turn spans to <endpoint>/v1/traces and nothing else, without message text', async () => {
  expect(tracing?.exporters).toEqual(['otlp']);
  await saySensitiveMessage();
  await tracing!.flush();
  expect(received.length).toBeGreaterThan(0);
  expect(new Set(received.map((r) => r.path))).toEqual(new Set(['/otlp/v1/traces']));
  const all = received.map((r) => r.body).join('\n');
  for (const name of ['backline.turn', 'backline.understand', 'backline.decide', 'backline.save', 'backline.send', 'agents.adapter.process'])
    expect(all).toContain(name);
  for (const word of SENSITIVE_MESSAGE.words) expect(all).not.toContain(word);
});
