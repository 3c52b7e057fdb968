// Property-based fuzzing of the built-in Direct Line (in-process server, like tests/directline):
// generated activities, bodies with bad content types and encodings, and malformed WebSocket
// upgrades. Whatever arrives: no 5xx, the server stays up, no descriptor is left open, nothing
// pollutes Object.prototype, and a conversation that was waiting at a question still is.
// With activities.test.ts: 10,000 generated requests in all (7,000 here, 3,000 there).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadState } from '../../src/conversation/store.js';
import { DirectLineClient, lastActions, startServer, type RunningServer, type WireActivity } from '../helpers/directline.js';
import { openDescriptors, rawExchange, upgradeRequest } from '../helpers/http.js';
import { contentEncoding, contentType, directLineActivity, rawBody, toJsonText, upgradeExtraHeaders, upgradeTarget } from './arbitraries.js';
import { descriptorsAfterSettling, prototypeSnapshot } from './checks.js';

const ACTIVITY_RUNS = 2500;
const RAW_RUNS = 1000;
const UPGRADE_RUNS = 3500;
/** Posts per conversation before the next one (the per-conversation limit is 60 a minute). */
const POSTS_PER_CONVERSATION = 40;

let running: RunningServer;
let tracked: DirectLineClient;
let trackedAt: unknown;
let baselineFds: number;
let prototypeBefore: string;
let requests = 0;

const stateOf = async (client: DirectLineClient) =>
  (await loadState(running.backline.storage, { channelId: 'webchat', conversationId: client.conversationId })).state;

beforeAll(async () => {
  running = await startServer({ DIRECT_LINE_TOKEN_RATE_LIMIT: '100000' });
  // A conversation waiting at a warning-sign question; the fuzz must not move or break it.
  tracked = new DirectLineClient(running.url);
  await tracked.start();
  expect((await tracked.say('check if it is serious')).status).toBe(200);
  trackedAt = (await stateOf(tracked)).at;
  expect(trackedAt).toBeDefined();
  // Warm: one of each kind of request, then the descriptor count to come back to.
  await rawExchange(running.url, upgradeRequest('/warm-up'));
  baselineFds = openDescriptors();
  prototypeBefore = prototypeSnapshot();
}, 60_000);

afterAll(() => running.stop());

describe('fuzzing the built-in Direct Line', () => {
  it(`${ACTIVITY_RUNS} generated activities: never a 5xx`, async () => {
    let client: DirectLineClient | undefined;
    let posted = 0;
    await fc.assert(
      fc.asyncProperty(directLineActivity, async (activity) => {
        if (!client || posted >= POSTS_PER_CONVERSATION) {
          client = new DirectLineClient(running.url);
          await client.start();
          posted = 0;
        }
        posted++;
        requests++;
        const res = await fetch(`${client.domain}/conversations/${client.conversationId}/activities`, {
          method: 'POST',
          headers: client.headers(),
          body: toJsonText(activity),
        });
        await res.arrayBuffer();
        expect(res.status, toJsonText(activity).slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: ACTIVITY_RUNS },
    );
  }, 120_000);

  it(`${RAW_RUNS} requests with bad content types, encodings and bodies: never a 5xx`, async () => {
    const client = new DirectLineClient(running.url);
    await client.start();
    const paths = ['/conversations', '/conversations/:id/activities', '/tokens/refresh', '/conversations/:id/upload', '/conversations/:id'];
    let sinceNew = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        contentType,
        contentEncoding,
        rawBody,
        fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
        async (path, type, encoding, body, method) => {
          // Keep well inside the per-conversation post limit.
          if (++sinceNew >= POSTS_PER_CONVERSATION) {
            client.token = '';
            await client.start();
            sinceNew = 0;
          }
          requests++;
          const headers: Record<string, string> = { Authorization: `Bearer ${client.token}` };
          if (type) headers['Content-Type'] = type;
          if (encoding) headers['Content-Encoding'] = encoding;
          const res = await fetch(`${client.domain}${path.replace(':id', client.conversationId)}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
          await res.arrayBuffer();
          expect(res.status, `${method} ${path} ${type} ${encoding}`).toBeLessThan(500);
        },
      ),
      { numRuns: RAW_RUNS },
    );
  }, 120_000);

  it(`${UPGRADE_RUNS} malformed WebSocket upgrades: each answered below 500 and closed by the server`, async () => {
    await fc.assert(
      fc.asyncProperty(upgradeTarget, upgradeExtraHeaders, async (target, extra) => {
        requests++;
        const { response, closedByServer } = await rawExchange(running.url, upgradeRequest(target, extra), 3000);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
        expect(status, `${JSON.stringify(target)} -> ${response.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(closedByServer).toBe(true);
      }),
      { numRuns: UPGRADE_RUNS },
    );
  }, 120_000);

  it('afterwards: the server is up, descriptors are back, no prototype polluted, and the waiting conversation carries on at its question', async () => {
    expect(requests).toBeGreaterThanOrEqual(ACTIVITY_RUNS + RAW_RUNS + UPGRADE_RUNS);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(prototypeSnapshot()).toBe(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await stateOf(tracked)).at).toEqual(trackedAt);
    const before = ((await (await tracked.poll()).json()) as { activities: WireActivity[]; watermark: string }).watermark;
    const res = await tracked.tap(
      lastActions(((await (await tracked.poll()).json()) as { activities: WireActivity[] }).activities).find((a) => /^no$/i.test(a.title))!,
    );
    expect(res.status).toBe(200);
    const replies = ((await (await tracked.poll(before)).json()) as { activities: WireActivity[] }).activities.filter((a) => a.from.role === 'bot');
    expect(replies.length).toBeGreaterThan(0);
    expect((await stateOf(tracked)).at).not.toEqual(trackedAt);

    expect(await descriptorsAfterSettling(baselineFds + 2, 10_000)).toBeLessThanOrEqual(baselineFds + 2);
  }, 30_000);
});
