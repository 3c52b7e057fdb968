// The built-in Direct Line, from Node, over real HTTP and WebSocket on loopback: what Web Chat
// does (start, welcome, post, stream, poll with a watermark, reconnect, refresh), and what it
// must refuse (another conversation's token, an expired or forged token, big activities).
import { createRequire } from 'node:module';
import express from 'express';
import { ConnectionStatus, DirectLine, type Activity as MicrosoftActivity } from 'botframework-directlinejs';
import WebSocket from 'ws';
import type { TurnContext } from '@microsoft/agents-hosting';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalDirectLine, TYPING_DELAY_MS } from '../../src/directline/localDirectLine.js';
import { TokenSigner } from '../../src/directline/tokens.js';
import { silentLogger } from '../../src/logger.js';
import { InMemoryStorage } from '../../src/storage/index.js';
import { testBackline } from '../helpers/backline.js';
import { botTexts, DirectLineClient, lastActions, startServer, TEST_TOKEN_SECRET, upgradeStatus, type RunningServer } from '../helpers/directline.js';
import { close, listen } from '../helpers/http.js';

let running: RunningServer;
beforeAll(async () => {
  running = await startServer();
}, 120_000); // trains the models when the test cache is cold
afterAll(async () => {
  await running.stop();
});

const client = () => new DirectLineClient(running.url);
const HEADLINE = 'why does my back hurt when I lift my leg';

describe('token endpoint', () => {
  it('gives a token for one new conversation, a user id and the Direct Line domain; never a secret', async () => {
    const c = client();
    const res = await c.fetchToken();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['conversationId', 'domain', 'expires_in', 'token', 'userId']);
    expect(body.domain).toBe(`${running.url}/v3/directline`);
    expect(body.userId).toMatch(/^dl_/);
    expect(body.expires_in).toBe(3600);
    expect(JSON.stringify(body)).not.toContain(TEST_TOKEN_SECRET);
    const claims = await new TokenSigner(TEST_TOKEN_SECRET).verify(c.token);
    expect(claims).toMatchObject({ ok: true, claims: { conv: c.conversationId, user: c.userId } });
  });

  it('two requests get two different conversations', async () => {
    const a = client();
    const b = client();
    await a.fetchToken();
    await b.fetchToken();
    expect(a.conversationId).not.toBe(b.conversationId);
    expect(a.userId).not.toBe(b.userId);
  });

  it('only answers POST', async () => {
    const res = await fetch(`${running.url}/api/directline/token`);
    expect(res.status).toBe(404);
  });
});

describe('a conversation over the stream', () => {
  it('start sends the welcome; a question gets its answer; a tap and a red flag get urgent advice', async () => {
    const c = client();
    const started = await c.start();
    expect(started.conversationId).toBe(c.conversationId);
    expect(started.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${c.conversationId}/stream\\?`));

    const stream = await c.openStream(started.streamUrl);
    await stream.until((all) => /I'm Backline/.test(botTexts(all)) && lastActions(all).length > 0);
    const welcome = stream.activities;
    expect(welcome.every((a) => a.channelId === 'webchat' && a.conversation.id === c.conversationId && a.from.role === 'bot')).toBe(true);
    expect(welcome.map((a) => a.id)).toEqual(welcome.map((_, i) => `${c.conversationId}|${String(i + 1).padStart(8, '0')}`));
    expect(lastActions(welcome).map((a) => a.title)).toContain("Check if it's serious");
    for (const a of welcome) {
      expect(a).not.toHaveProperty('serviceUrl');
      expect(a).not.toHaveProperty('_channelId');
    }

    const res = await c.post({
      type: 'message',
      text: HEADLINE,
      textFormat: 'markdown',
      from: { id: 'someone-else', name: 'Pat' },
      channelData: { clientActivityID: 'client-1' },
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const all = await stream.until((list) => /straight leg/i.test(botTexts(list)));
    // The echo: Web Chat marks its message sent when it comes back with its clientActivityID.
    const echo = all.find((a) => a.id === id)!;
    expect(echo.from).toEqual({ id: c.userId, name: 'Pat', role: 'user' });
    expect(echo.channelData?.clientActivityID).toBe('client-1');
    expect(echo.textFormat).toBe('plain');
    const answer = all.find((a) => /straight leg/i.test(a.text ?? ''))!;
    expect(answer.replyToId).toBe(id);
    expect(answer.textFormat).toBe('markdown');
    expect(lastActions(all).map((a) => a.title)[0]).toBe('Tell me more');

    const before = stream.activities.length;
    await c.tap(lastActions(all).find((a) => a.title === "Check if it's serious")!);
    const asked = await stream.until((list) => list.slice(before).some((a) => a.channelData?.backline?.ask?.evidence === 'saddle_anaesthesia'));
    const yes = lastActions(asked).find((a) => a.title === 'Yes')!;
    const beforeYes = stream.activities.length;
    await c.tap(yes);
    const urgent = await stream.until((list) => list.slice(beforeYes).some((a) => a.channelData?.backline?.triage?.level === 'emergency'));
    expect(botTexts(urgent.slice(beforeYes))).toMatch(/Go to the emergency room \(ER\) now/);
    stream.close();
  });

  it('a message posted again with the same clientActivityID (a proxy retry after a lost answer) is stored and answered once', async () => {
    const c = client();
    await c.start();
    const body = { type: 'message', text: HEADLINE, from: { id: c.userId }, channelData: { clientActivityID: 'retry-1' } };
    const first = await c.post(body);
    const again = await c.post(body);
    expect([first.status, again.status]).toEqual([200, 200]);
    const ids = [((await first.json()) as { id: string }).id, ((await again.json()) as { id: string }).id];
    expect(ids[1]).toBe(ids[0]);
    const { activities } = (await (await c.poll()).json()) as { activities: { id: string; replyToId?: string; from: { role?: string } }[] };
    expect(activities.filter((a) => a.from.role === 'user')).toHaveLength(1);
    const answers = activities.filter((a) => a.replyToId === ids[0]);
    expect(answers.length).toBeGreaterThan(0);
    // The same text with a new client id is a new message, answered again.
    const next = await c.post({ ...body, channelData: { clientActivityID: 'retry-2' } });
    const nextId = ((await next.json()) as { id: string }).id;
    expect(nextId).not.toBe(ids[0]);
    const after = (await (await c.poll()).json()) as { activities: { replyToId?: string }[] };
    expect(after.activities.filter((a) => a.replyToId === nextId).length).toBeGreaterThan(0);
    expect(after.activities.filter((a) => a.replyToId === ids[0])).toHaveLength(answers.length);
  });

  it('starting twice is harmless: the same conversation, one welcome', async () => {
    const c = client();
    await c.start();
    const again = await fetch(`${c.domain}/conversations`, { method: 'POST', headers: c.headers(), body: '{}' });
    expect(again.status).toBe(200);
    const body = (await (await c.poll()).json()) as { activities: unknown[] };
    expect(botTexts(body.activities as never).match(/I'm Backline/g)).toHaveLength(1);
  });

  it("the user's typing is accepted but neither stored nor given to the bot", async () => {
    const c = client();
    await c.start();
    const before = ((await (await c.poll()).json()) as { watermark: string }).watermark;
    const res = await c.post({ type: 'typing', from: { id: c.userId } });
    expect(res.status).toBe(200);
    const after = ((await (await c.poll()).json()) as { watermark: string }).watermark;
    expect(after).toBe(before);
  });
});

describe('watermarks and reconnecting', () => {
  it('poll returns only what is after the watermark; a stream opened with a watermark starts after it', async () => {
    const c = client();
    await c.start();
    const first = (await (await c.poll()).json()) as { activities: { id: string }[]; watermark: string };
    expect(first.activities.length).toBeGreaterThanOrEqual(2);
    expect(first.watermark).toBe(String(first.activities.length));

    await c.say('what is sciatica');
    const next = (await (await c.poll(first.watermark)).json()) as { activities: { id: string; text?: string; from: { role: string } }[]; watermark: string };
    expect(next.activities[0]!.text).toBe('what is sciatica');
    expect(next.activities.some((a) => a.from.role === 'bot' && /sciatica/i.test(a.text ?? ''))).toBe(true);
    expect(next.activities.map((a) => a.id)).not.toContain(first.activities[0]!.id);
    expect(Number(next.watermark)).toBe(Number(first.watermark) + next.activities.length);

    const empty = (await (await c.poll(next.watermark)).json()) as { activities: unknown[]; watermark: string };
    expect(empty).toEqual({ activities: [], watermark: next.watermark });

    // Reconnect as Web Chat does after a page reload: GET the conversation, then open its stream.
    const reconnect = await fetch(`${c.domain}/conversations/${c.conversationId}?watermark=${first.watermark}`, { headers: c.headers() });
    expect(reconnect.status).toBe(200);
    const { streamUrl } = (await reconnect.json()) as { streamUrl: string };
    expect(new URL(streamUrl).searchParams.get('watermark')).toBe(first.watermark);
    const resumed = await c.openStream(streamUrl);
    await resumed.until((list) => list.length >= next.activities.length);
    expect(resumed.activities.map((a) => a.id)).toEqual(next.activities.map((a) => a.id));

    // Without a watermark the whole transcript is replayed (how a reload shows the history).
    const full = await c.openStream(c.streamUrl(''));
    await full.until((list) => list.length >= first.activities.length + next.activities.length);
    expect(full.activities[0]!.id).toBe(first.activities[0]!.id);
    resumed.close();
    full.close();
  });

  it('a refreshed token keeps the conversation', async () => {
    const c = client();
    await c.start();
    const res = await fetch(`${c.domain}/tokens/refresh`, { method: 'POST', headers: c.headers() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; conversationId: string; expires_in: number };
    expect(body.conversationId).toBe(c.conversationId);
    expect(body.expires_in).toBe(3600);
    expect((await c.poll('', { token: body.token })).status).toBe(200);
  });
});

describe('isolation', () => {
  it("one user's token cannot read, post to, reconnect to or stream another user's conversation (403)", async () => {
    const alice = client();
    const bob = client();
    await alice.start();
    await bob.start();
    await bob.say('what is a slipped disc');
    const bobBefore = (await (await bob.poll()).json()) as { activities: unknown[] };

    const asAliceOnBob = { token: alice.token, conversationId: bob.conversationId };
    expect((await alice.poll('', asAliceOnBob)).status).toBe(403);
    expect((await alice.post({ type: 'message', text: 'hello from alice' }, asAliceOnBob)).status).toBe(403);
    expect((await fetch(`${alice.domain}/conversations/${bob.conversationId}`, { headers: alice.headers() })).status).toBe(403);
    expect(await upgradeStatus(alice.streamUrl('', alice.token, bob.conversationId))).toBe(403);

    const bobAfter = (await (await bob.poll()).json()) as { activities: unknown[] };
    expect(bobAfter.activities).toHaveLength(bobBefore.activities.length);
    expect(JSON.stringify(bobAfter)).not.toContain('hello from alice');
  });

  it('posting as someone else is not possible: the token decides who the user is', async () => {
    const alice = client();
    const bob = client();
    await alice.start();
    await bob.start();
    const res = await alice.post({ type: 'message', text: 'hi', from: { id: bob.userId } });
    const { id } = (await res.json()) as { id: string };
    const list = (await (await alice.poll()).json()) as { activities: { id: string; from: { id: string } }[] };
    expect(list.activities.find((a) => a.id === id)!.from.id).toBe(alice.userId);
  });

  it('expired, forged and missing tokens are refused', async () => {
    const c = client();
    await c.start();
    const past = Date.now() - 2 * 3600 * 1000;
    const expired = (await new TokenSigner(TEST_TOKEN_SECRET, () => past).sign({ conv: c.conversationId, user: c.userId })).token;
    const forged = (await new TokenSigner('some-other-key-that-is-long-enough-000000').sign({ conv: c.conversationId, user: c.userId })).token;

    const expiredPoll = await c.poll('', { token: expired });
    expect(expiredPoll.status).toBe(403);
    expect(((await expiredPoll.json()) as { error: { code: string } }).error.code).toBe('TokenExpired');
    expect((await c.post({ type: 'message', text: 'x' }, { token: expired })).status).toBe(403);
    expect((await fetch(`${c.domain}/tokens/refresh`, { method: 'POST', headers: c.headers(expired) })).status).toBe(403);
    expect(await upgradeStatus(c.streamUrl('', expired))).toBe(403);

    expect((await c.poll('', { token: forged })).status).toBe(403);
    expect(await upgradeStatus(c.streamUrl('', forged))).toBe(403);
    const [h, p] = c.token.split('.');
    expect((await c.poll('', { token: `${h}.${p}.` })).status).toBe(403);

    const missing = await fetch(`${c.domain}/conversations/${c.conversationId}/activities`);
    expect(missing.status).toBe(401);
  });

  it('a token for a conversation that was never started opens nothing', async () => {
    const c = client();
    await c.fetchToken();
    expect((await c.poll()).status).toBe(404);
    expect((await c.say('hello')).status).toBe(404);
    expect(await upgradeStatus(c.streamUrl())).toBe(404);
  });
});

describe('limits and bad input', () => {
  it('caps the size of an activity (413) and refuses other activity types (400) and uploads (400)', async () => {
    const c = client();
    await c.start();
    const big = await c.post({ type: 'message', text: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
    expect((await c.post({ type: 'conversationUpdate', membersAdded: [{ id: 'x' }] })).status).toBe(400);
    expect((await c.post([] as never)).status).toBe(400);
    const malformed = await fetch(`${c.domain}/conversations/${c.conversationId}/activities`, { method: 'POST', headers: c.headers(), body: '{"type":' });
    expect(malformed.status).toBe(400);
    const upload = await fetch(`${c.domain}/conversations/${c.conversationId}/upload?userId=${c.userId}`, { method: 'POST', headers: c.headers(), body: 'x' });
    expect(upload.status).toBe(400);
  });

  it('the token endpoint is rate-limited per client', async () => {
    const limited = await startServer({ DIRECT_LINE_TOKEN_RATE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/api/directline/token`, { method: 'POST' })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.stop();
    }
  });

  it('posts are rate-limited per conversation, whatever address they come from', async () => {
    const c = client();
    await c.start();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await c.post({ type: 'typing' })).status);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    // Another conversation is not affected.
    const other = client();
    await other.start();
    expect((await other.post({ type: 'typing' })).status).toBe(200);
  });

  it('many messages at once all get stored, in one unbroken sequence, and streamed in order', async () => {
    const c = client();
    await c.start();
    const stream = await c.openStream();
    const texts = Array.from({ length: 8 }, (_, i) => `message ${i} about sciatica`);
    const results = await Promise.all(texts.map((t) => c.say(t)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const list = (await (await c.poll()).json()) as { activities: { id: string; text?: string }[]; watermark: string };
    const sequence = list.activities.map((a) => Number(a.id.split('|')[1]));
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));
    for (const t of texts) expect(list.activities.some((a) => a.text === t)).toBe(true);
    await stream.until((all) => all.length === list.activities.length);
    expect(stream.activities.map((a) => a.id)).toEqual(list.activities.map((a) => a.id));
    stream.close();
  });
});

describe('CORS and origins', () => {
  it('an allowed embedding origin gets CORS headers; any other origin is refused', async () => {
    const server = await startServer({ WIDGET_ALLOWED_ORIGINS: 'https://clinic.example' });
    try {
      const preflight = await fetch(`${server.url}/v3/directline/conversations`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://clinic.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://clinic.example');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

      const allowed = await fetch(`${server.url}/api/directline/token`, { method: 'POST', headers: { Origin: 'https://clinic.example' } });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://clinic.example');

      const evil = await fetch(`${server.url}/api/directline/token`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const evilPreflight = await fetch(`${server.url}/v3/directline/conversations`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      expect(evilPreflight.status).toBe(403);

      // Same origin (our own pages) needs no listing.
      const self = await fetch(`${server.url}/api/directline/token`, { method: 'POST', headers: { Origin: server.url } });
      expect(self.status).toBe(200);

      const c = new DirectLineClient(server.url);
      await c.start();
      expect(await upgradeStatus(c.streamUrl(), { Origin: 'https://evil.example' })).toBe(403);
      expect(await upgradeStatus(c.streamUrl(), { Origin: 'https://clinic.example' })).toBe(101);
    } finally {
      await server.stop();
    }
  });
});

describe('with Azure Bot credentials but no Direct Line secret', () => {
  it('the built-in Direct Line still works, and nothing is sent anywhere (no serviceUrl, replies in the response)', async () => {
    const azureMode = await startServer({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'not-a-real-password' });
    try {
      expect(azureMode.backline.config.localMode).toBe(false);
      const c = new DirectLineClient(azureMode.url);
      await c.start();
      await c.say('what is sciatica');
      const list = (await (await c.poll()).json()) as { activities: { text?: string; from: { role: string } }[] };
      expect(botTexts(list.activities as never)).toMatch(/I.m Backline[\s\S]*sciatic/);
    } finally {
      await azureMode.stop();
    }
  });
});

describe('storage, not memory', () => {
  it('keeps conversations under dl/<conversationId>/ and continues on another instance sharing the store', async () => {
    const storage = new InMemoryStorage();
    const first = await startServer({}, storage);
    const second = await startServer({}, storage);
    try {
      const c = new DirectLineClient(first.url);
      await c.start();
      await c.say('what is sciatica');
      const keys = await storage.listKeys('dl/');
      expect(keys.length).toBeGreaterThan(3);
      expect(keys.every((k) => k.startsWith(`dl/${c.conversationId}/`))).toBe(true);

      // The same token on the other instance: same transcript, and the conversation goes on.
      const moved = new DirectLineClient(second.url);
      Object.assign(moved, { token: c.token, conversationId: c.conversationId, userId: c.userId, domain: `${second.url}/v3/directline` });
      const transcript = (await (await moved.poll()).json()) as { activities: { text?: string }[] };
      expect(transcript.activities.some((a) => a.text === 'what is sciatica')).toBe(true);
      const stream = await moved.openStream();
      const { id } = (await (await moved.say('how can I ease the pain at home')).json()) as { id: string };
      await stream.until((all) => all.some((a) => a.from.role === 'bot' && a.replyToId === id));
      stream.close();
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('"forget me" erases the Direct Line transcript too, keeping only the confirmation', async () => {
    const c = client();
    await c.start();
    await c.say('I have pain in both legs');
    await c.say('delete everything you know about me');
    await c.say('yes');
    const list = (await (await c.poll()).json()) as { activities: { text?: string; from: { role: string } }[] };
    const text = list.activities.map((a) => a.text ?? '').join('\n');
    expect(text).toMatch(/deleted/i);
    expect(text).not.toMatch(/both legs/);
    expect(list.activities.every((a) => a.from.role === 'bot')).toBe(true);
  });
});

describe('deliverToConversation (messages outside a user turn)', () => {
  it('stores the activity and pushes it to the open stream, as the named sender', async () => {
    const c = client();
    await c.start();
    const stream = await c.openStream();
    await stream.until((all) => all.length >= 2);
    const directLine = running.backline.webChat.directLine!;
    const { id } = await directLine.deliverToConversation(c.conversationId, {
      type: 'message',
      text: 'Hi, I am Sam from the clinic team.',
      from: { id: 'agent:sam', name: 'Sam (nurse)' },
    });
    const all = await stream.until((list) => list.some((a) => a.id === id));
    const pushed = all.find((a) => a.id === id)!;
    expect(pushed).toMatchObject({
      type: 'message',
      text: 'Hi, I am Sam from the clinic team.',
      from: { id: 'agent:sam', name: 'Sam (nurse)', role: 'bot' },
      recipient: { id: c.userId },
    });
    const list = (await (await c.poll()).json()) as { activities: { id: string }[] };
    expect(list.activities.at(-1)!.id).toBe(id);
    stream.close();
  });

  it('refuses a conversation it does not know', async () => {
    await expect(running.backline.webChat.directLine!.deliverToConversation('no-such-conversation', { text: 'x' })).rejects.toThrow(/not found/);
  });
});

describe('a failed start', () => {
  it('leaves nothing behind, so the retry starts the conversation and welcomes once', async () => {
    const storage = new InMemoryStorage();
    const server = await startServer({}, storage);
    try {
      const c = new DirectLineClient(server.url);
      await c.fetchToken();
      const read = storage.read.bind(storage);
      let failNext = true;
      storage.read = async (keys) => {
        // Storage fails once while the welcome turn runs.
        if (failNext && keys.some((k) => k.startsWith('c/'))) {
          failNext = false;
          throw new Error('storage unavailable');
        }
        return read(keys);
      };
      const first = await fetch(`${c.domain}/conversations`, { method: 'POST', headers: c.headers(), body: '{}' });
      expect(first.status).toBe(502);
      expect(await storage.listKeys(`dl/${c.conversationId}/`)).toEqual([]);

      const retry = await fetch(`${c.domain}/conversations`, { method: 'POST', headers: c.headers(), body: '{}' });
      expect(retry.status).toBe(201);
      const list = (await (await c.poll()).json()) as { activities: { text?: string }[] };
      expect(botTexts(list.activities as never).match(/I.m Backline/g)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});

describe('typing indicator', () => {
  it('a slow turn shows the bot typing first; the typing is streamed, not stored', async () => {
    const backline = testBackline();
    const slowBot = async (context: TurnContext) => {
      if (context.activity.type !== 'message') return;
      await new Promise((resolve) => setTimeout(resolve, TYPING_DELAY_MS + 300));
      await context.sendActivity('done thinking');
    };
    const directLine = new LocalDirectLine({
      storage: new InMemoryStorage(),
      adapter: backline.adapter,
      logic: slowBot,
      signer: new TokenSigner(TEST_TOKEN_SECRET),
      logger: silentLogger,
      botName: 'Backline',
      publicBase: (req) => `http://${req.headers.host}`,
      originAllowed: () => true,
    });
    const app = express();
    app.use('/v3/directline', directLine.router());
    const { server, url } = await listen(app);
    server.on('upgrade', (req, socket, head) => directLine.handleUpgrade(req, socket, head));
    try {
      const c = new DirectLineClient(url);
      Object.assign(c, { ...(await directLine.issueToken()), domain: `${url}/v3/directline` });
      await c.start();
      const stream = await c.openStream();
      await c.say('hello');
      const all = await stream.until((list) => list.some((a) => a.text === 'done thinking'));
      const typing = all.findIndex((a) => a.type === 'typing' && a.from.role === 'bot');
      expect(typing).toBeGreaterThan(-1);
      expect(typing).toBeLessThan(all.findIndex((a) => a.text === 'done thinking'));
      const stored = (await (await c.poll()).json()) as { activities: { type: string }[] };
      expect(stored.activities.map((a) => a.type)).toEqual(['message', 'message']);
      stream.close();
    } finally {
      directLine.close();
      await close(server);
      await backline.close();
    }
  });
});

// Microsoft's own Direct Line client (botframework-directlinejs, what Web Chat runs) against our
// server: token from /api/directline/token, start, post, and the bot's answer over the WebSocket
// stream and by polling. In Node it needs XMLHttpRequest (xhr2) for its rxjs ajax calls, and a
// global WebSocket: without one it silently polls even when asked for a stream (Node 20 has none;
// the ws package stands in, and is also passed as the class it opens sockets with).
describe("Microsoft's Direct Line client (botframework-directlinejs)", () => {
  beforeAll(() => {
    vi.stubGlobal('XMLHttpRequest', createRequire(import.meta.url)('xhr2'));
    if (typeof globalThis.WebSocket === 'undefined') vi.stubGlobal('WebSocket', WebSocket);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  async function talk(webSocket: boolean): Promise<{ welcome: MicrosoftActivity[]; answer: MicrosoftActivity[]; userId: string; conversationId: string }> {
    const c = client();
    expect((await c.fetchToken()).status).toBe(200);
    const directLine = new DirectLine({ token: c.token, domain: c.domain, webSocket, pollingInterval: 200, WebSocket: WebSocket as never });
    const seen: MicrosoftActivity[] = [];
    const subscription = directLine.activity$.subscribe((activity) => seen.push(activity));
    const botMessages = () => seen.filter((a) => a.type === 'message' && a.from.id !== c.userId);
    try {
      await until(() => botMessages().length > 0);
      const welcome = botMessages();
      const id = await firstValueOf(directLine.postActivity({ type: 'message', from: { id: c.userId }, text: HEADLINE }));
      expect(typeof id).toBe('string');
      await until(() => seen.some((a) => a.id === id) && botMessages().length > welcome.length);
      // Give the rest of the turn a moment, then take everything after the person's message.
      await new Promise((r) => setTimeout(r, 300));
      const answer = seen.slice(seen.findIndex((a) => a.id === id) + 1).filter((a) => a.type === 'message');
      expect(directLine.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
      // The stream really is a WebSocket on our server, not a fallback to polling.
      if (webSocket) expect(running.backline.webChat.directLine!.openStreams()).toBeGreaterThan(0);
      return { welcome, answer, userId: c.userId, conversationId: c.conversationId };
    } finally {
      subscription.unsubscribe();
      directLine.end();
    }
  }

  it.each([
    ['the WebSocket stream', true],
    ['polling', false],
  ])('starts a conversation, gets the welcome, posts a question and receives the answer over %s', async (_how, webSocket) => {
    const { welcome, answer, userId, conversationId } = await talk(webSocket);
    expect(botTexts(welcome as never).length).toBeGreaterThan(0);
    expect(botTexts(answer as never)).toMatch(/nerve|sciatic|disc/i);
    for (const activity of answer) expect(activity.conversation?.id).toBe(conversationId);
    expect(answer.every((a) => a.from.id !== userId)).toBe(true);
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the Direct Line client');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function firstValueOf<T>(observable: { subscribe(next: (value: T) => void, error: (error: unknown) => void): { unsubscribe(): void } }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subscription = observable.subscribe((value) => {
      resolve(value);
      queueMicrotask(() => subscription.unsubscribe());
    }, reject);
  });
}
