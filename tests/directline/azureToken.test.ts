// Production mode (DIRECT_LINE_SECRET set): the token endpoint exchanges the secret with Azure
// Direct Line server-side. Tested against a fake Direct Line on loopback; never the internet.
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineExchangeError, generateAzureToken } from '../../src/directline/azureToken.js';
import { startServer, type RunningServer } from '../helpers/directline.js';
import { close, listen } from '../helpers/http.js';

const SECRET = 'fake-direct-line-secret-ABCDEFGHIJKLMNOP';

interface Seen {
  authorization?: string;
  body: { user?: { id?: string } };
}

let fake: { server: Server; url: string };
const seen: Seen[] = [];
let answer: (res: express.Response, body: Seen['body']) => void;

beforeAll(async () => {
  const app = express();
  app.post('/v3/directline/tokens/generate', express.json(), (req, res) => {
    seen.push({ authorization: req.headers.authorization, body: req.body });
    answer(res, req.body);
  });
  fake = await listen(app);
});
afterAll(async () => {
  await close(fake.server);
});

const endpoint = () => `${fake.url}/v3/directline`;
const ok = (res: express.Response, body: Seen['body']) =>
  res.json({ conversationId: 'azure-conv-1', token: `azure-token-for-${body.user?.id}`, expires_in: 3600 });

describe('generateAzureToken', () => {
  it('posts the secret as a bearer token with a generated dl_ user id, and returns the bound token', async () => {
    answer = ok;
    seen.length = 0;
    const token = await generateAzureToken({ secret: SECRET, endpoint: endpoint() });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe(`Bearer ${SECRET}`);
    expect(seen[0]!.body.user?.id).toMatch(/^dl_/);
    expect(token).toEqual({
      conversationId: 'azure-conv-1',
      userId: seen[0]!.body.user!.id,
      token: `azure-token-for-${seen[0]!.body.user!.id}`,
      expires_in: 3600,
    });
  });

  it('reports an upstream refusal by status only', async () => {
    answer = (res) => res.status(403).json({ error: { message: `bad secret ${SECRET}` } });
    const error = await generateAzureToken({ secret: SECRET, endpoint: endpoint() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectLineExchangeError);
    expect((error as DirectLineExchangeError).upstreamStatus).toBe(403);
    expect(String((error as Error).message)).not.toContain(SECRET);
  });

  it('times out instead of hanging, and fails on an unusable answer', async () => {
    answer = () => {}; // never answers
    const slow = await generateAzureToken({ secret: SECRET, endpoint: endpoint(), timeoutMs: 200 }).catch((e: unknown) => e);
    expect((slow as DirectLineExchangeError).upstreamStatus).toBe(0);
    answer = (res) => res.json({ nothing: true });
    await expect(generateAzureToken({ secret: SECRET, endpoint: endpoint() })).rejects.toBeInstanceOf(DirectLineExchangeError);
  });
});

describe('the token endpoint with DIRECT_LINE_SECRET', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startServer({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_ENDPOINT: endpoint() });
  });
  afterAll(async () => {
    await running.stop();
  });

  it('gives the browser the Azure token and Azure domain, never the secret', async () => {
    answer = ok;
    seen.length = 0;
    const res = await fetch(`${running.url}/api/directline/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toEqual({
      conversationId: 'azure-conv-1',
      userId: seen[0]!.body.user!.id,
      token: `azure-token-for-${seen[0]!.body.user!.id}`,
      expires_in: 3600,
      domain: endpoint(),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 502, without upstream details, when Azure refuses or is unreachable', async () => {
    answer = (res) => res.status(500).send(`internal ${SECRET}`);
    const res = await fetch(`${running.url}/api/directline/token`, { method: 'POST' });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({ error: { code: 'DirectLineUnavailable', message: expect.any(String) } });
  });

  it('turns the built-in Direct Line off and lets the chat page connect to Azure only', async () => {
    expect((await fetch(`${running.url}/v3/directline/conversations`, { method: 'POST' })).status).toBe(404);
    expect(running.backline.webChat.directLine).toBeUndefined();
    const csp = (await fetch(`${running.url}/chat`)).headers.get('content-security-policy')!;
    const connect = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('connect-src'))!;
    const host = new URL(fake.url).host;
    expect(connect).toBe(`connect-src 'self' http://${host} ws://${host}`);
  });
});
