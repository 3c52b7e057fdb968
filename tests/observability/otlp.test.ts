// OTEL_EXPORTER_OTLP_ENDPOINT: the turn spans reach an OTLP/HTTP collector (a capture server on
// loopback here), nothing but traces is sent (the Agents SDK's debug log, which holds activities,
// never leaves), and no message text is in what is sent.
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { Chat, testBackline } from '../helpers/backline.js';
import { close, listen } from '../helpers/http.js';

const received: { path: string; body: string }[] = [];
let collector: Awaited<ReturnType<typeof listen>>;
let tracing: Tracing | undefined;

beforeAll(async () => {
  const app = express();
  app.use(express.raw({ type: () => true, limit: '10mb' }));
  app.post('/{*path}', (req, res) => {
    const raw = req.body as Buffer;
    const body = req.get('content-encoding') === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    received.push({ path: req.path, body });
    res.status(200).json({});
  });
  collector = await listen(app);
  tracing = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/otlp` });
});
afterAll(async () => {
  await tracing?.shutdown();
  await close(collector.server);
});

it('sends the turn spans to <endpoint>/v1/traces and nothing else, without message text', async () => {
  expect(tracing?.exporters).toEqual(['otlp']);
  const backline = testBackline();
  const text = 'my buttocks feel numb and tingly since yesterday';
  try {
    const chat = new Chat(backline);
    await chat.open();
    await chat.say(text);
  } finally {
    await backline.close();
  }
  await tracing!.flush();
  expect(received.length).toBeGreaterThan(0);
  expect(new Set(received.map((r) => r.path))).toEqual(new Set(['/otlp/v1/traces']));
  const all = received.map((r) => r.body).join('\n');
  for (const name of ['backline.turn', 'backline.understand', 'backline.decide', 'backline.save', 'backline.send', 'agents.adapter.process'])
    expect(all).toContain(name);
  for (const word of ['buttocks', 'tingly', 'yesterday']) expect(all).not.toContain(word);
});
