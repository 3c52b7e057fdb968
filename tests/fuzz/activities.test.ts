// Property-based fuzzing of POST /api/messages in local mode (anonymous, like tests/http): generated
// Bot Framework activities with wrong types in every field, huge, deep, unicode and polluting
// values, and bodies with bad content types. Whatever arrives: no 5xx (except the SDK's 501 for
// an invoke it does not support), the server stays up, no descriptor is left open, nothing
// pollutes Object.prototype, and a conversation that was waiting at a question still is.
// With directline.test.ts: 10,000 generated requests in all (2,500 + 500 here, 7,000 there).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadState } from '../../src/conversation/store.js';
import { testBackline } from '../helpers/backline.js';
import { activity, openDescriptors, post, startHttpHarness, type HttpHarness } from '../helpers/http.js';
import { botFrameworkActivity, contentEncoding, contentType, rawBody, toJsonText } from './arbitraries.js';
import { descriptorsAfterSettling, prototypeSnapshot } from './checks.js';

const ACTIVITY_RUNS = 2500;
const RAW_RUNS = 500;
const TRACKED = 'fuzz-tracked';

let harness: HttpHarness;
let trackedAt: unknown;
let baselineFds: number;
let prototypeBefore: string;
let requests = 0;

const trackedState = async () => (await loadState(harness.backline.storage, { channelId: 'webchat', conversationId: TRACKED })).state;

beforeAll(async () => {
  harness = await startHttpHarness(testBackline());
  // A conversation waiting at a warning-sign question; the fuzz never posts to it.
  expect((await post(harness.url, activity(harness.capture, TRACKED, { type: 'conversationUpdate', membersAdded: [{ id: 'user-1' }] }))).status).toBe(200);
  expect((await post(harness.url, activity(harness.capture, TRACKED, { text: 'check if it is serious' }))).status).toBe(200);
  trackedAt = (await trackedState()).at;
  expect(trackedAt).toBeDefined();
  baselineFds = openDescriptors();
  prototypeBefore = prototypeSnapshot();
}, 60_000);

afterAll(() => harness.stop());

/** Conversation ids: a few reused (so fuzz lands on existing state), and anything at all. */
const conversationIds = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 25 }).map((n) => `fuzz-${n}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }) },
  )
  .filter((id) => id !== TRACKED);

describe('fuzzing POST /api/messages', () => {
  it(`${ACTIVITY_RUNS} generated activities: never a 5xx but the SDK's 501 for an unsupported invoke`, async () => {
    await fc.assert(
      fc.asyncProperty(botFrameworkActivity(harness.capture.url, conversationIds), async (generated) => {
        requests++;
        const body = toJsonText(generated);
        const res = await post(harness.url, body);
        await res.arrayBuffer();
        const unsupportedInvoke = res.status === 501 && generated.type === 'invoke';
        if (!unsupportedInvoke) expect(res.status, body.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: ACTIVITY_RUNS },
    );
  }, 180_000);

  it(`${RAW_RUNS} requests with bad content types, encodings and bodies: never a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(contentType, contentEncoding, rawBody, async (type, encoding, body) => {
        requests++;
        const headers: Record<string, string> = {};
        if (type) headers['Content-Type'] = type;
        if (encoding) headers['Content-Encoding'] = encoding;
        const res = await fetch(`${harness.url}/api/messages`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        expect(res.status, `${type} ${encoding} ${body.slice(0, 80)}`).toBeLessThan(500);
      }),
      { numRuns: RAW_RUNS },
    );
  }, 60_000);

  it('afterwards: the server is up, descriptors are back, no prototype polluted, and the waiting conversation carries on at its question', async () => {
    expect(requests).toBeGreaterThanOrEqual(ACTIVITY_RUNS + RAW_RUNS);
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    expect(prototypeSnapshot()).toBe(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await trackedState()).at).toEqual(trackedAt);
    const before = harness.capture.for(TRACKED).length;
    expect((await post(harness.url, activity(harness.capture, TRACKED, { text: 'no' }))).status).toBe(200);
    expect(harness.capture.for(TRACKED).length).toBeGreaterThan(before);
    expect((await trackedState()).at).not.toEqual(trackedAt);

    expect(await descriptorsAfterSettling(baselineFds + 2, 10_000)).toBeLessThanOrEqual(baselineFds + 2);
  }, 30_000);
});
