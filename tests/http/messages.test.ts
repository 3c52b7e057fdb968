// Real Activity JSON posted to /api/messages; replies arrive at the serviceUrl capture server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { testBackline } from '../helpers/backline.js';
import { activity, post, startHttpHarness, type CaptureServer, type HttpHarness } from '../helpers/http.js';

let harness: HttpHarness;
let backline: Backline;
let capture: CaptureServer;
let url: string;

beforeAll(async () => {
  harness = await startHttpHarness(testBackline());
  ({ backline, capture, url } = harness);
});
afterAll(() => harness.stop());

let counter = 0;
const newConversation = () => `http-conv-${++counter}`;

describe('POST /api/messages', () => {
  it('a webchat conversation: welcome, question, answer with suggested actions', async () => {
    const id = newConversation();
    let res = await post(url, activity(capture, id, { type: 'conversationUpdate', membersAdded: [{ id: 'user-1' }] }));
    expect(res.status).toBe(200);
    expect(
      capture
        .for(id)
        .map((r) => r.body.text)
        .join('\n'),
    ).toMatch(/I'm Backline/);
    res = await post(url, activity(capture, id, { text: 'why does my back hurt when I lift my leg' }));
    expect(res.status).toBe(200);
    const last = capture.for(id).at(-1)!.body as { suggestedActions?: { actions: { title: string }[] } };
    expect(last.suggestedActions?.actions.map((a) => a.title)).toContain('Tell me more');
  });

  it('a Teams conversation gets Adaptive Cards, and a card submit is handled', async () => {
    const id = newConversation();
    const teams = {
      channelId: 'msteams',
      conversation: { id, conversationType: 'personal', tenantId: 't-1' },
      channelData: { tenant: { id: 't-1' } },
      from: { id: '29:user', aadObjectId: 'aad-1' },
    };
    await post(url, activity(capture, id, { ...teams, type: 'installationUpdate', action: 'add' }));
    const welcome = capture.for(id);
    const card = welcome
      .flatMap((r) => (r.body.attachments as { contentType: string }[] | undefined) ?? [])
      .find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card).toBeDefined();
    const before = capture.for(id).length;
    await post(url, activity(capture, id, { ...teams, text: undefined, value: { choice: 'main.menu#2', label: "Check if it's serious" } }));
    const replies = capture.for(id).slice(before);
    expect(JSON.stringify(replies)).toMatch(/saddle/);
  });

  it('the same activity posted again (a proxy retry after the first instance saved it and died) is answered 200 with nothing sent', async () => {
    const id = newConversation();
    const body = activity(capture, id, { text: 'why does my back hurt when I lift my leg' });
    expect((await post(url, body)).status).toBe(200);
    const answered = capture.for(id).length;
    expect(answered).toBeGreaterThan(0);
    expect((await post(url, body)).status).toBe(200);
    expect(capture.for(id)).toHaveLength(answered);
    // The same words in a new activity are a new message.
    expect((await post(url, { ...body, id: `${String(body.id)}-again` })).status).toBe(200);
    expect(capture.for(id).length).toBeGreaterThan(answered);
  });

  it('a red flag gets the urgent advice first, with the level in channelData', async () => {
    const id = newConversation();
    await post(url, activity(capture, id, { text: 'i wet myself without knowing and my back is killing me' }));
    const first = capture.for(id)[0]!;
    expect(first.body.channelData?.backline?.triage?.level).toBe('emergency');
    expect(first.body.text).toMatch(/emergency room \(ER\)/i);
  });
});

describe('bad input never crashes and never loses state', () => {
  const conversationId = 'bad-input-conv';

  async function currentQuestion(): Promise<string | undefined> {
    const stored = await backline.storage.read([`c/webchat/${conversationId}/state`]);
    return (stored[`c/webchat/${conversationId}/state`] as { state?: { at?: { node: string } } } | undefined)?.state?.at?.node;
  }

  beforeAll(async () => {
    await post(url, activity(capture, conversationId, { text: "check if it's serious" }));
    await post(url, activity(capture, conversationId, { text: 'no' }));
  });

  it('starts from a known question', async () => {
    expect(await currentQuestion()).toBe('q_bladder');
  });

  it.each([
    ['empty text', { text: '' }, /didn't get any text/i],
    ['20,000 characters', { text: 'a'.repeat(20_000) }, /long message/i],
    ['emoji only', { text: '😀😀😀' }, /didn't catch|more simply/i],
    [
      'an attachment with no text',
      { text: undefined, attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1/x.png' }] },
      /can't open pictures/i,
    ],
  ])('%s: a clear reply, state intact', async (_name, fields, expected) => {
    const before = capture.for(conversationId).length;
    const res = await post(url, activity(capture, conversationId, fields));
    expect(res.status).toBe(200);
    const replies = capture
      .for(conversationId)
      .slice(before)
      .map((r) => r.body.text)
      .join('\n');
    expect(replies).toMatch(expected);
    expect(await currentQuestion()).toBe('q_bladder');
  });

  it('unknown activity types are accepted and ignored', async () => {
    const before = capture.for(conversationId).length;
    const res = await post(url, activity(capture, conversationId, { type: 'somethingNew' }));
    expect(res.status).toBeLessThan(300);
    expect(capture.for(conversationId).length).toBe(before);
    expect(await currentQuestion()).toBe('q_bladder');
  });

  it.each([
    ['malformed JSON', '{"type": "message", ', 400],
    ['a missing conversation id', { type: 'message', text: 'hi', channelId: 'webchat', serviceUrl: 'http://127.0.0.1:1' }, 400],
    ['a missing type', { text: 'hi', conversation: { id: 'x' } }, 400],
    ['an array body', '[1,2,3]', 400],
    ['a body over 256 KB', JSON.stringify({ type: 'message', conversation: { id: 'x' }, text: 'a'.repeat(300_000) }), 413],
  ])('%s gets a 4xx', async (_name, body, status) => {
    const res = await post(url, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toHaveProperty('error');
    expect(await currentQuestion()).toBe('q_bladder');
  });

  it('a serviceUrl that is not loopback is refused in local mode', async () => {
    const res = await post(url, { ...activity(capture, 'ssrf-conv', { text: 'hi' }), serviceUrl: 'http://169.254.169.254/' });
    expect(res.status).toBe(400);
  });

  it('the process is still up and healthy', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'local' });
  });
});
