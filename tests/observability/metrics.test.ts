// /readyz, /metrics (auth, what moves after a scripted conversation, nothing personal in any
// label) and the separate metrics port.
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessConversation } from '../../src/channels/inProcess.js';
import { silentLogger } from '../../src/logger.js';
import { InMemoryStorage, StorageConflictError } from '../../src/storage/index.js';
import { Chat, testBackline } from '../helpers/backline.js';
import { botTexts, DirectLineClient, startServer, type RunningServer } from '../helpers/directline.js';
import { close, listen } from '../helpers/http.js';

const TOKEN = 'metrics-token-0123456789';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function served(env: Record<string, string> = {}, storage?: InMemoryStorage) {
  const backline = testBackline(env, storage);
  const { server, url } = await listen(backline);
  cleanups.push(async () => {
    await close(server);
    await backline.close();
  });
  return { backline, url };
}

/** Samples of one metric family, as { labels, value }. */
function samples(exposition: string, name: string): { labels: Record<string, string>; value: number }[] {
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

function total(exposition: string, name: string, where: Record<string, string> = {}): number {
  return samples(exposition, name)
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string, token = TOKEN): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

describe('/readyz', () => {
  it('is 503 with a reason until the NLU is warm, then 200; /healthz is 200 throughout', async () => {
    const { backline, url } = await served();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const cold = await fetch(`${url}/readyz`);
    expect(cold.status).toBe(503);
    const coldBody = (await cold.json()) as { status: string; nlu: string; storage: string; schema: string; reasons: string[] };
    expect(coldBody).toMatchObject({ status: 'not_ready', nlu: 'warming', storage: 'ok', schema: 'current' });
    expect(coldBody.reasons.join(' ')).toMatch(/NLU/);
    await backline.warmUpInBackground();
    const warm = await fetch(`${url}/readyz`);
    expect(warm.status).toBe(200);
    expect(await warm.json()).toEqual({ status: 'ready', storage: 'ok', schema: 'current', nlu: 'warm' });
  });

  it('is 503 when the storage does not answer', async () => {
    const storage = new InMemoryStorage();
    const { backline, url } = await served({}, storage);
    await backline.warmUpInBackground();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await storage.close();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', storage: 'unreachable', reasons: ['storage is unreachable'] });
  });

  it('is 503 when a storage with a schema reports it is not current (the hook the PostgreSQL storage fills)', async () => {
    const inner = new InMemoryStorage();
    let current = false;
    const schemaAware = Object.assign(inner, {
      schemaStatus: async () => (current ? { current: true } : { current: false, reason: 'migration 2 of 3 not applied' }),
    });
    const { backline, url } = await served({}, schemaAware);
    await backline.warmUpInBackground();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ schema: 'outdated', reasons: ['storage schema is not current: migration 2 of 3 not applied'] });
    current = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});

describe('/metrics on the main port (METRICS_TOKEN)', () => {
  it('needs the bearer token: 401 without it or with a wrong one, 200 with it', async () => {
    const { url } = await served({ METRICS_TOKEN: TOKEN });
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
    const body = await scrape(url);
    expect(body).toContain('# TYPE backline_turns_total counter');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('is not there at all when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const { backline, url } = await served();
    expect(backline.observability.metrics).toBeUndefined();
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });
});

describe('what the metrics count', () => {
  let running: RunningServer;
  afterEach(async () => running?.stop());

  it('move after a scripted web chat with a red flag, an unplaced message, a wrong answer and a hand-off; no text or ids in any label', async () => {
    running = await startServer({ METRICS_TOKEN: TOKEN, HANDOFF_MODE: 'event' });
    await running.backline.warmUpInBackground();
    const before = await scrape(running.url);
    expect(total(before, 'backline_turns_total')).toBe(0);

    const client = new DirectLineClient(running.url);
    await client.start();
    const stream = await client.openStream();
    expect(total(await scrape(running.url), 'backline_directline_connections')).toBe(1);

    const sent: string[] = [];
    const say = async (text: string, until: (texts: string) => boolean) => {
      sent.push(text);
      const seen = stream.sets.length;
      expect((await client.say(text)).status).toBe(200);
      await stream.until(() => until(botTexts(stream.sets.slice(seen).flatMap((s) => s.activities))));
    };
    await say("Check if it's serious", (t) => /\?/.test(t));
    await say('zebra crossing marmalade', (t) => t.length > 0);
    await say('what is the capital of portugal', (t) => t.length > 0);
    await say("I can't feel my bum when I wipe", (t) => /emergency/i.test(t));
    await say('talk to a person', (t) => t.length > 0);

    const after = await scrape(running.url);
    expect(total(after, 'backline_turns_total', { channel: 'webchat', type: 'message' })).toBe(5);
    expect(total(after, 'backline_turns_total', { channel: 'webchat', type: 'conversationUpdate' })).toBe(1);
    expect(total(after, 'backline_turn_duration_seconds_count', { channel: 'webchat', type: 'message' })).toBe(5);
    expect(total(after, 'backline_urgent_advice_total', { channel: 'webchat', level: 'emergency' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'backline_fallbacks_total', { channel: 'webchat' })).toBeGreaterThanOrEqual(2);
    expect(total(after, 'backline_fallbacks_total', { channel: 'webchat', kind: 'out_of_scope' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'backline_handoffs_total', { channel: 'webchat', kind: 'chat', mode: 'event' })).toBe(1);
    expect(total(after, 'backline_crisis_replies_total')).toBe(0);
    expect(total(after, 'backline_turn_errors_total')).toBe(0);

    // Nothing the person wrote, and no conversation or user id, appears in any sample (the
    // '# HELP' lines are fixed text written here, so they are left out).
    const words = new Set(sent.flatMap((text) => text.toLowerCase().match(/[a-z']{4,}/g) ?? []));
    const exposed = after
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n')
      .toLowerCase();
    for (const word of words) expect(exposed, `"${word}" in /metrics`).not.toContain(word);
    expect(after).not.toContain(client.conversationId);
    expect(after).not.toContain(client.userId);
    // Every label value comes from a fixed list.
    const allowed = new Set([
      'msteams',
      'webchat',
      'directline',
      'emulator',
      'cli',
      'test',
      'other',
      'message',
      'conversationUpdate',
      'installationUpdate',
      'event',
      'invoke',
      'proactive',
      'reprompt',
      'out_of_scope',
      'chat',
      'callback',
      'trial_lead',
      'console',
      'waiting',
      'live',
      'emergency_ambulance',
      'emergency',
      'consultation_24',
      'consultation',
      'self_care',
    ]);
    for (const line of after.split('\n').filter((l) => l.startsWith('backline_'))) {
      for (const [, name, value] of line.matchAll(/(\w+)="([^"]*)"/g)) if (name !== 'le') expect(allowed, `${name}="${value}"`).toContain(value);
    }

    stream.ws.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(total(await scrape(running.url), 'backline_directline_connections')).toBe(0);
  });

  it('count crisis replies and triage levels from channelData.backline, and channels outside the list as "other"', async () => {
    const { backline, url } = await served({ METRICS_TOKEN: TOKEN });
    const crisisReply = {
      type: 'message',
      text: 'crisis help',
      channelData: { backline: { crisis: true, urgent: true, triage: { level: 'emergency_ambulance', reasons: [], final: false } } },
    };
    const conversation = new InProcessConversation(
      backline.adapter,
      async (context) => {
        await context.sendActivity(crisisReply as never);
      },
      { channelId: 'some-new-channel-with-user-42' },
    );
    await conversation.say('I want to end it all');
    const body = await scrape(url);
    expect(total(body, 'backline_crisis_replies_total', { channel: 'other' })).toBe(1);
    expect(total(body, 'backline_urgent_advice_total', { channel: 'other', level: 'emergency_ambulance' })).toBe(1);
    expect(total(body, 'backline_turns_total', { channel: 'other', type: 'message' })).toBe(1);
    expect(body).not.toContain('some-new-channel');
    expect(body).not.toContain('end it all');
  });

  it('count final triage outcomes by level and turn errors', async () => {
    const { backline, url } = await served({ METRICS_TOKEN: TOKEN });
    const outcome = { type: 'message', text: 'self care', channelData: { backline: { triage: { level: 'self_care', reasons: [], final: true } } } };
    await new InProcessConversation(backline.adapter, async (context) => {
      await context.sendActivity(outcome as never);
    }).say('done');
    await new InProcessConversation(backline.adapter, async () => {
      throw new Error('boom');
    }).say('anything');
    const body = await scrape(url);
    expect(total(body, 'backline_triage_outcomes_total', { channel: 'test', level: 'self_care' })).toBe(1);
    expect(total(body, 'backline_urgent_advice_total')).toBe(0);
    expect(total(body, 'backline_turn_errors_total', { channel: 'test' })).toBe(1);
  });

  it('count an answer the bot did not understand as a reprompt, and a placed message as no fallback', async () => {
    const { backline, url } = await served({ METRICS_TOKEN: TOKEN });
    const chat = new Chat(backline);
    await chat.open();
    await chat.say("Check if it's serious");
    expect(total(await scrape(url), 'backline_fallbacks_total')).toBe(0);
    // A button value that belongs to no question shown: the bot asks its question again.
    await chat.conversation.tap('nowhere.nothing#7', 'Nothing');
    const body = await scrape(url);
    expect(total(body, 'backline_fallbacks_total', { channel: 'webchat', kind: 'reprompt' })).toBe(1);
    expect(total(body, 'backline_fallbacks_total', { kind: 'out_of_scope' })).toBe(0);
  });

  it('count storage writes refused by an eTag conflict', async () => {
    const { backline, url } = await served({ METRICS_TOKEN: TOKEN });
    await backline.storage.write({ 'x/item': { n: 1 } });
    const { eTag } = (await backline.storage.read(['x/item']))['x/item'] as { eTag: string };
    await backline.storage.write({ 'x/item': { n: 2, eTag } });
    await expect(backline.storage.write({ 'x/item': { n: 3, eTag } })).rejects.toBeInstanceOf(StorageConflictError);
    expect(total(await scrape(url), 'backline_storage_retries_total')).toBe(1);
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own loopback port, without a token when none is set, and not on the main port', async () => {
    const { backline, url } = await served({ METRICS_PORT: '0' });
    const { metricsPort } = await backline.observability.startServing(silentLogger);
    expect(metricsPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('backline_turns_total');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('asks for the token there too when METRICS_TOKEN is also set', async () => {
    const { backline } = await served({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    const { metricsPort } = await backline.observability.startServing(silentLogger);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(401);
    await scrape(`http://127.0.0.1:${metricsPort}`);
  });
});
