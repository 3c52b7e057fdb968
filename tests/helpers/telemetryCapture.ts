// What the tracing exporters send, captured on loopback (tests/observability: otlp, azureMonitor):
// an express app that records every POST (gunzipped) and a conversation that says something a
// trace must never carry.
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { Chat, testBackline } from './backline.js';

export interface CapturedRequest {
  path: string;
  body: string;
}

/** Records every POST's path and body in `received`; answers with reply(body) as JSON. */
export function captureApp(received: CapturedRequest[], reply: (body: string) => unknown = () => ({})): express.Express {
  const app = express();
  app.use(express.raw({ type: () => true, limit: '10mb' }));
  app.post('/{*path}', (req, res) => {
    const raw = req.body as Buffer;
    const body = req.get('content-encoding') === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    received.push({ path: req.path, body });
    res.status(200).json(reply(body));
  });
  return app;
}

/** A message with health details, and the words from it that must not reach any exporter. */
export const SENSITIVE_MESSAGE = { text: 'my buttocks feel numb and tingly since yesterday', words: ['buttocks', 'tingly', 'yesterday'] };

/** One conversation on a fresh Backline that says SENSITIVE_MESSAGE, then closes it. */
export async function saySensitiveMessage(): Promise<void> {
  const backline = testBackline();
  try {
    const chat = new Chat(backline);
    await chat.open();
    await chat.say(SENSITIVE_MESSAGE.text);
  } finally {
    await backline.close();
  }
}
