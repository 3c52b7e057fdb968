// The agent console over real HTTP, with the person chatting through POST /api/messages and the
// bot's replies (and the team member's proactive messages) arriving at a serviceUrl capture server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backline } from '../../src/app.js';
import { readAudit } from '../../src/handoff/audit.js';
import type { QueueItem } from '../../src/handoff/console.js';
import type { CaseView } from '../../src/handoff/service.js';
import { testBackline } from '../helpers/backline.js';
import { activity, close, listen, post, startHttpHarness, type CaptureServer, type HttpHarness } from '../helpers/http.js';
import { ADMIN_TOKEN, AGENT_PASSWORD, AgentClient, EventReader, supportEnv } from '../helpers/support.js';

let harness: HttpHarness;
let backline: Backline;
let capture: CaptureServer;
let url: string;

beforeAll(async () => {
  harness = await startHttpHarness(testBackline(supportEnv()));
  ({ backline, capture, url } = harness);
});
afterAll(() => harness.stop());

let counter = 0;
const newConversation = () => `console-conv-${++counter}`;
const say = (conversationId: string, text: string, extra: Record<string, unknown> = {}) => post(url, activity(capture, conversationId, { text, ...extra }));
const textsFor = (conversationId: string) => capture.for(conversationId).map((r) => r.body.text ?? '');

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a person asks for a human; a team member answers in the console', () => {
  it('signs in, sees the case with its summary, claims it, messages flow both ways, closes it, and the bot resumes', async () => {
    const sam = new AgentClient(url);
    expect((await sam.login('sam', AGENT_PASSWORD)).status).toBe(200);
    const { reader } = await EventReader.open(`${url}/agent/api/events`, sam.cookie);
    try {
      await reader.waitFor((e) => e.event === 'queue');

      // The person: a question, a symptom check answer, then "a real person".
      const id = newConversation();
      await say(id, 'why does my back hurt when I lift my leg');
      await say(id, "check if it's serious");
      await say(id, 'no');
      await say(id, 'let me talk to a real person');
      expect(textsFor(id).join('\n')).toMatch(/number 1 in the queue/);

      // The live queue shows the new case without asking.
      const queued = await reader.waitFor((e) => e.event === 'queue' && (e.data as { cases: QueueItem[] }).cases.length === 1);
      const item = (queued.data as { cases: QueueItem[] }).cases[0]!;
      expect(item).toMatchObject({ type: 'chat', status: 'waiting', reason: 'asked', channelId: 'webchat', agent: null });
      expect(item.askedAbout).toEqual(expect.arrayContaining(['Why lifting my leg hurts', "Check if it's serious"]));
      expect(JSON.stringify(item)).not.toMatch(/serviceUrl|conversationId/);

      const view = await sam.json<CaseView>(sam.get(`/cases/${item.id}`));
      expect(view.case.summary.answers).toContainEqual(expect.objectContaining({ id: 'saddle_anaesthesia', value: 'no' }));
      const said = view.transcript.items
        .flatMap((i) => i.entries)
        .filter((e) => e.role === 'user')
        .map((e) => e.text);
      expect(said).toEqual(['why does my back hurt when I lift my leg', "check if it's serious", 'no', 'let me talk to a real person']);

      expect(await sam.json(sam.post(`/cases/${item.id}/claim`))).toEqual({ delivered: true });
      expect(textsFor(id).at(-1)).toMatch(/Sam Lee from the support team has joined the chat/);

      const before = capture.for(id).length;
      expect((await say(id, 'it started after I moved house')).status).toBe(200);
      expect(capture.for(id).length).toBe(before); // the bot stays quiet: this is for Sam
      await reader.waitFor((e) => e.event === 'changed');
      const update = await sam.json<CaseView>(sam.get(`/cases/${item.id}?after=${view.transcript.cursor}`));
      expect(update.case.status).toBe('live');
      expect(update.transcript.items.flatMap((i) => i.entries).map((e) => e.text)).toContain('it started after I moved house');

      await sam.json(sam.post(`/cases/${item.id}/messages`, { text: 'Lifting boxes can strain the back. Any numbness?' }));
      expect(textsFor(id).at(-1)).toBe('**Sam Lee:** Lifting boxes can strain the back. Any numbness?');
      await say(id, 'no numbness');

      await sam.json(sam.post(`/cases/${item.id}/close`, { note: 'Self-care advice; GP if no better in 2 weeks' }));
      expect(textsFor(id).slice(-2).join('\n')).toMatch(/The chat with Sam Lee has ended[\s\S]*Did talking to the team help/);
      await reader.waitFor((e) => e.event === 'queue' && (e.data as { cases: QueueItem[] }).cases.length === 0);

      await say(id, 'no');
      await say(id, 'no');
      expect(textsFor(id).at(-2)).toMatch(/thank you for your feedback/i);
      const closed = await sam.json<CaseView>(sam.get(`/cases/${item.id}`));
      expect(closed.case).toMatchObject({
        status: 'closed',
        closedBy: 'agent',
        note: 'Self-care advice; GP if no better in 2 weeks',
        feedback: { helpful: 'no' },
      });

      // Every look at the transcript and every action was audited: who, which case, when; no message text.
      const audit = (await readAudit(backline.storage)).filter((a) => a.case === item.id).reverse();
      expect(audit.map((a) => a.action)).toEqual(['view_transcript', 'claim', 'view_transcript', 'reply', 'close', 'view_transcript']);
      expect(audit.every((a) => a.agent === 'sam' && !Number.isNaN(Date.parse(a.at)))).toBe(true);
      expect(JSON.stringify(audit)).not.toMatch(/numbness|moved house|Lifting boxes|Self-care/);
    } finally {
      reader.close();
    }
  });

  it("the audit log holds what a person did, once per action: not the page's automatic refreshes", async () => {
    const id = newConversation();
    await say(id, 'talk to a person');
    const alex = new AgentClient(url);
    // Failed sign-ins: the account's id and the address; a name that is no account is not kept.
    expect((await alex.login('alex', 'not the password')).status).toBe(401);
    expect((await alex.login('my secret password', 'x')).status).toBe(401);
    expect((await alex.login('alex', AGENT_PASSWORD)).status).toBe(200);
    const signIns = (await readAudit(backline.storage, 3)).reverse();
    expect(signIns.map((a) => [a.action, a.agent])).toEqual([
      ['sign_in_failed', 'alex'],
      ['sign_in_failed', '(unknown)'],
      ['sign_in', 'alex'],
    ]);
    expect(signIns.every((a) => /127\.0\.0\.1/.test(a.address ?? ''))).toBe(true);
    expect(JSON.stringify(signIns)).not.toMatch(/secret|password/);

    const item = (await alex.json<{ cases: QueueItem[] }>(alex.get('/queue'))).cases.find((c) => c.status === 'waiting' && c.type === 'chat')!;
    const refresh = { 'X-Console-Refresh': '1' };
    const auditOf = async () =>
      (await readAudit(backline.storage, 1000))
        .filter((a) => a.case === item.id)
        .reverse()
        .map((a) => `${a.agent}:${a.action}`);

    // A refresh of a case this session never opened is a look like any other.
    await alex.json(alex.get(`/cases/${item.id}`, refresh));
    expect(await auditOf()).toEqual(['alex:view_transcript']);
    // The page's automatic refreshes after that are not.
    const opened = await alex.json<CaseView>(alex.get(`/cases/${item.id}`, refresh));
    await alex.json(alex.get(`/cases/${item.id}?after=${opened.transcript.cursor}`, refresh));
    expect(await auditOf()).toEqual(['alex:view_transcript']);
    await alex.json(alex.post(`/cases/${item.id}/claim`));
    await alex.json(alex.get(`/cases/${item.id}`, refresh));
    await alex.json(alex.post(`/cases/${item.id}/messages`, { text: 'Hello, Alex here' }));
    await alex.json(alex.get(`/cases/${item.id}`, refresh));
    // Opening it again on purpose is another look.
    await alex.json(alex.get(`/cases/${item.id}`));
    await alex.json(alex.post(`/cases/${item.id}/close`, { note: 'done' }));
    expect(await auditOf()).toEqual(['alex:view_transcript', 'alex:claim', 'alex:reply', 'alex:view_transcript', 'alex:close']);
    // Another team member's session has not opened it: their refresh is audited.
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    await sam.json(sam.get(`/cases/${item.id}`, refresh));
    expect((await auditOf()).at(-1)).toBe('sam:view_transcript');
  });

  it('reaches a Teams chat through the adapter, with the End chat button as an Adaptive Card', async () => {
    const admin = new AgentClient(url);
    expect((await admin.login('', ADMIN_TOKEN)).status).toBe(200);
    const id = newConversation();
    const teams = {
      channelId: 'msteams',
      conversation: { id, conversationType: 'personal', tenantId: 't-1' },
      channelData: { tenant: { id: 't-1' } },
      from: { id: '29:user', aadObjectId: 'aad-1' },
    };
    await say(id, 'talk to a person', teams);
    const queue = await admin.json<{ cases: QueueItem[] }>(admin.get('/queue'));
    const item = queue.cases.find((c) => c.channelId === 'msteams' && c.status === 'waiting')!;
    await admin.json(admin.post(`/cases/${item.id}/claim`));
    const joined = capture.for(id).at(-1)!.body as {
      attachments?: { contentType: string; content: { body: { text?: string; actions?: { title: string }[] }[] } }[];
    };
    const card = joined.attachments?.[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(card)).toMatch(/Someone from the support team has joined the chat/);
    expect(card!.content.body.flatMap((b) => b.actions ?? []).map((a) => a.title)).toEqual(['End chat']);
    await admin.json(admin.post(`/cases/${item.id}/messages`, { text: 'Hello from the team' }));
    expect(capture.for(id).at(-1)!.body.text).toBe('**Support team:** Hello from the team');
    // The person taps End chat in Teams (a card submit carries the value).
    await say(id, '', { ...teams, text: undefined, value: { choice: 'cmd:end_chat', label: 'End chat' } });
    expect(JSON.stringify(capture.for(id).slice(-2))).toMatch(/left the chat/);
    const after = await admin.json<CaseView>(admin.get(`/cases/${item.id}`));
    expect(after.case).toMatchObject({ status: 'closed', closedBy: 'user' });
  });
});

describe('every agent endpoint needs a session (401) and, to act, its CSRF token (403)', () => {
  const CASE = 'abcdefgh12345678';
  const gets = ['/me', '/queue', '/events', `/cases/${CASE}`];
  const posts = ['/logout', `/cases/${CASE}/claim`, `/cases/${CASE}/messages`, `/cases/${CASE}/close`];

  it.each([...gets.map((p) => ['GET', p]), ...posts.map((p) => ['POST', p])])('%s %s without a session: 401', async (method, path) => {
    const anonymous = new AgentClient(url);
    const res = method === 'GET' ? await anonymous.get(path) : await anonymous.post(path, { text: 'x' });
    expect(res.status).toBe(401);
  });

  it.each([...gets.map((p) => ['GET', p]), ...posts.map((p) => ['POST', p])])('%s %s with a forged session cookie: 401', async (method, path) => {
    const forged = new AgentClient(url);
    forged.cookie = `backline_agent=${'A'.repeat(43)}`;
    forged.csrf = 'made-up';
    const res = method === 'GET' ? await forged.get(path) : await forged.post(path, { text: 'x' });
    expect(res.status).toBe(401);
  });

  it.each(posts)("POST %s with a real session but no, or another session's, CSRF token, or from another origin: 403", async (path) => {
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    const alex = new AgentClient(url);
    await alex.login('alex', AGENT_PASSWORD);
    const withoutToken = await fetch(`${url}/agent/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: sam.cookie },
      body: '{}',
    });
    expect(withoutToken.status).toBe(403);
    expect((await sam.post(path, {}, { 'x-csrf-token': alex.csrf })).status).toBe(403);
    expect((await sam.post(path, {}, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('a wrong password, an unknown name, or a wrong admin token is refused', async () => {
    const client = new AgentClient(url);
    expect((await client.login('sam', 'wrong')).status).toBe(401);
    expect((await client.login('nobody', AGENT_PASSWORD)).status).toBe(401);
    expect((await client.login('', `${ADMIN_TOKEN}x`)).status).toBe(401);
    expect(client.cookie).toBe('');
  });

  it('an expired session is refused, and signing out ends a session', async () => {
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    expect((await sam.get('/me')).status).toBe(200);
    for (const key of await backline.storage.listKeys('h/session/')) {
      const item = (await backline.storage.read([key]))[key] as { expiresAt: number; agent: { id: string } };
      if (item.agent.id === 'sam') await backline.storage.write({ [key]: { ...item, eTag: undefined, expiresAt: Date.now() - 1 } });
    }
    expect((await sam.get('/me')).status).toBe(401);

    const alex = new AgentClient(url);
    await alex.login('alex', AGENT_PASSWORD);
    expect((await alex.post('/logout')).status).toBe(200);
    expect((await alex.get('/queue')).status).toBe(401);
  });

  it('the session cookie is HttpOnly and SameSite=Strict, scoped to /agent', async () => {
    const res = await fetch(`${url}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sam', password: AGENT_PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/agent/);
    expect(JSON.stringify(await res.json())).not.toMatch(/passwordHash|\$2b\$/);
  });

  it('the console page has a strict CSP and no inline script', async () => {
    const res = await fetch(`${url}/agent/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/style=/i);
  });

  it('sign-in attempts are rate limited', async () => {
    const limited = testBackline(supportEnv({ SUPPORT_LOGIN_RATE_LIMIT: '3' }));
    const { server: limitedServer, url: limitedUrl } = await listen(limited);
    try {
      const client = new AgentClient(limitedUrl);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await client.login(`someone-${i}`, 'wrong')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await close(limitedServer);
      await limited.close();
    }
  });
});

describe('the event stream when storage fails for a moment', () => {
  it('a heartbeat whose session check fails (storage down) keeps the stream (no unhandled rejection) and the next beat still checks', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    // Only intervals are faked: the stream's heartbeat (20 s) runs on demand; HTTP keeps real timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const sessionFor = vi.spyOn(backline.support.auth, 'sessionFor');
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    const { reader } = await EventReader.open(`${url}/agent/api/events`, sam.cookie);
    try {
      await reader.waitFor((e) => e.event === 'queue');
      sessionFor.mockRejectedValueOnce(new Error('connection lost'));
      vi.advanceTimersByTime(20_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(sessionFor).toHaveBeenCalled();
      expect(rejections).toEqual([]);

      // The stream is still there and its heartbeat still works: the session ends, the stream says so.
      for (const key of await backline.storage.listKeys('h/session/')) {
        const item = (await backline.storage.read([key]))[key] as { expiresAt: number; agent: { id: string } };
        if (item.agent.id === 'sam') await backline.storage.write({ [key]: { ...item, eTag: undefined, expiresAt: Date.now() - 1 } });
      }
      vi.advanceTimersByTime(20_000);
      await reader.waitFor((e) => e.event === 'signed_out');
    } finally {
      reader.close();
      sessionFor.mockRestore();
      vi.useRealTimers();
      process.off('unhandledRejection', onRejection);
    }
  });
});

describe('sign-in limits: per account and per address', () => {
  async function withServer(env: Record<string, string>, run: (url: string, backline: Backline) => Promise<void>): Promise<void> {
    const limited = testBackline(supportEnv(env));
    const { server: limitedServer, url: limitedUrl } = await listen(limited);
    try {
      await run(limitedUrl, limited);
    } finally {
      await close(limitedServer);
      await limited.close();
    }
  }
  const login = (base: string, username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    }).then((r) => r.status);

  it('20 failed sign-ins from one address (people mistyping) do not lock out the right password (defaults)', async () => {
    // '' = unset: the default limits, as in production.
    await withServer({ SUPPORT_LOGIN_RATE_LIMIT: '' }, async (base) => {
      const failures = [];
      for (let i = 0; i < 4; i++) failures.push(await login(base, 'sam', `wrong-${i}`), await login(base, 'alex', `wrong-${i}`));
      for (let i = 0; i < 12; i++) failures.push(await login(base, `temp-${i}`, 'wrong'));
      expect(failures).toEqual(Array(20).fill(401));
      expect(await login(base, 'sam', AGENT_PASSWORD)).toBe(200);
      expect(await login(base, 'alex', AGENT_PASSWORD)).toBe(200);
      expect(await login(base, '', ADMIN_TOKEN)).toBe(200);
    });
  });

  it('too many failures lock that account only; colleagues at the same address still sign in', async () => {
    await withServer({ SUPPORT_LOGIN_ACCOUNT_LIMIT: '3', SUPPORT_LOGIN_RATE_LIMIT: '100' }, async (base) => {
      expect([await login(base, 'sam', 'a'), await login(base, 'SAM ', 'b'), await login(base, 'sam', 'c')]).toEqual([401, 401, 401]);
      // Locked, even with the right password, for a few minutes.
      expect(await login(base, 'sam', AGENT_PASSWORD)).toBe(429);
      expect(await login(base, 'alex', AGENT_PASSWORD)).toBe(200);
      // A name that is no account locks the same way (a 429 says nothing about which names exist).
      expect([await login(base, 'nobody', 'a'), await login(base, 'nobody', 'b'), await login(base, 'nobody', 'c'), await login(base, 'nobody', 'd')]).toEqual([
        401, 401, 401, 429,
      ]);
    });
  });

  it("a successful sign-in clears the account's failures", async () => {
    await withServer({ SUPPORT_LOGIN_ACCOUNT_LIMIT: '3', SUPPORT_LOGIN_RATE_LIMIT: '100' }, async (base) => {
      const statuses = [];
      for (const password of ['a', 'b', AGENT_PASSWORD, 'c', 'd', AGENT_PASSWORD]) statuses.push(await login(base, 'sam', password));
      expect(statuses).toEqual([401, 401, 200, 401, 401, 200]);
    });
  });

  it('successful sign-ins never count against the address; failures do', async () => {
    await withServer({ SUPPORT_LOGIN_RATE_LIMIT: '2' }, async (base) => {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await login(base, i % 2 ? 'sam' : 'alex', AGENT_PASSWORD));
      statuses.push(await login(base, 'x', 'wrong'), await login(base, 'y', 'wrong'), await login(base, 'sam', AGENT_PASSWORD));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 401, 401, 429]);
    });
  });

  it("TRUST_PROXY: behind a load balancer each client address has its own limit, and the audit log has the client's address", async () => {
    const forwarded = (ip: string) => ({ 'x-forwarded-for': ip });
    await withServer({ SUPPORT_LOGIN_RATE_LIMIT: '2', TRUST_PROXY: '1' }, async (base, limited) => {
      expect([await login(base, 'a', 'x', forwarded('203.0.113.5')), await login(base, 'b', 'x', forwarded('203.0.113.5'))]).toEqual([401, 401]);
      expect(await login(base, 'c', 'x', forwarded('203.0.113.5'))).toBe(429);
      expect(await login(base, 'sam', AGENT_PASSWORD, forwarded('203.0.113.6'))).toBe(200);
      expect((await readAudit(limited.storage, 1))[0]).toMatchObject({ action: 'sign_in', agent: 'sam', address: '203.0.113.6' });
    });
    // Without it, a made-up X-Forwarded-For changes nothing: the limit is on the real peer address.
    await withServer({ SUPPORT_LOGIN_RATE_LIMIT: '2' }, async (base) => {
      expect([await login(base, 'a', 'x', forwarded('203.0.113.5')), await login(base, 'b', 'x', forwarded('203.0.113.7'))]).toEqual([401, 401]);
      expect(await login(base, 'c', 'x', forwarded('203.0.113.8'))).toBe(429);
    });
  });
});

describe('the queue with several people', () => {
  it('call-backs and trial leads arrive too; a claimed case cannot be claimed again (409)', async () => {
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    const alex = new AgentClient(url);
    await alex.login('alex', AGENT_PASSWORD);
    const id = newConversation();
    await say(id, 'talk to a person');
    await waitUntil(async () => (await sam.json<{ cases: QueueItem[] }>(sam.get('/queue'))).cases.some((c) => c.status === 'waiting' && c.type === 'chat'));
    const item = (await sam.json<{ cases: QueueItem[] }>(sam.get('/queue'))).cases.find((c) => c.status === 'waiting' && c.type === 'chat')!;
    expect((await sam.post(`/cases/${item.id}/claim`)).status).toBe(200);
    const second = await alex.post(`/cases/${item.id}/claim`);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { message: string }).message).toMatch(/already claimed by Sam Lee/);
    expect((await alex.post(`/cases/${item.id}/messages`, { text: 'hi' })).status).toBe(403);
    expect((await alex.post(`/cases/${item.id}/close`, {})).status).toBe(403);
    expect((await sam.post(`/cases/${item.id}/messages`, { text: '' })).status).toBe(400);
    expect((await sam.get('/cases/not-a-case!')).status).toBe(404);
    await sam.json(sam.post(`/cases/${item.id}/close`, {}));
  });
});
