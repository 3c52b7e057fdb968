// The console's newer API over real HTTP: figures (GET /agent/api/stats), presence, transfer,
// closed-case history, canned replies and typing; with the person chatting through
// POST /api/messages and the bot's (and team's) messages arriving at a capture server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { readAudit } from '../../src/handoff/audit.js';
import { inspectCannedReplies } from '../../src/handoff/cannedReplies.js';
import type { QueueItem } from '../../src/handoff/console.js';
import type { StatsReport } from '../../src/handoff/stats.js';
import { testBackline } from '../helpers/backline.js';
import { activity, post, startHttpHarness, type CaptureServer, type HttpHarness } from '../helpers/http.js';
import { AGENT_PASSWORD, AgentClient, supportEnv } from '../helpers/support.js';

let harness: HttpHarness;
let backline: Backline;
let capture: CaptureServer;
let url: string;
let sam: AgentClient;
let alex: AgentClient;

beforeAll(async () => {
  harness = await startHttpHarness(testBackline(supportEnv()));
  ({ backline, capture, url } = harness);
  sam = new AgentClient(url);
  alex = new AgentClient(url);
  expect((await sam.login('sam', AGENT_PASSWORD)).status).toBe(200);
  expect((await alex.login('alex', AGENT_PASSWORD)).status).toBe(200);
});
afterAll(() => harness.stop());

let counter = 0;
const newConversation = () => `routes-conv-${++counter}`;
const say = (conversationId: string, text: string) => post(url, activity(capture, conversationId, { text }));
const textsFor = (conversationId: string) => capture.for(conversationId).map((r) => r.body.text ?? '');
const auditActions = async (agent: string) => (await readAudit(backline.storage, 1000)).filter((a) => a.agent === agent).map((a) => a.action);

async function queue(client: AgentClient): Promise<QueueItem[]> {
  return (await client.json<{ cases: QueueItem[] }>(client.get('/queue'))).cases;
}

async function openChat(): Promise<{ conversation: string; caseId: string }> {
  const conversation = newConversation();
  const before = new Set((await queue(sam)).map((c) => c.id));
  await say(conversation, 'let me talk to a real person');
  const item = (await queue(sam)).find((c) => !before.has(c.id));
  expect(item, textsFor(conversation).join('\n')).toBeDefined();
  return { conversation, caseId: item!.id };
}

describe('GET /agent/api/stats', () => {
  it('is for signed-in team members only (401), and refuses bad dates (400)', async () => {
    expect((await fetch(`${url}/agent/api/stats`)).status).toBe(401);
    expect((await sam.get('/stats?from=yesterday')).status).toBe(400);
    expect((await sam.get('/stats?from=2026-02-01&to=2026-01-01')).status).toBe(400);
  });

  it('counts conversations, urgent replies, unplaced messages, drop-outs, hand-offs and waits; never text; audited', async () => {
    const before = await sam.json<StatsReport>(sam.get('/stats'));

    // Stops the warning-sign check after the first question.
    const quitter = newConversation();
    await say(quitter, "check if it's serious");
    await say(quitter, 'no');
    // A warning sign: urgent advice at once.
    const urgent = newConversation();
    await say(urgent, "I can't feel anything down there and I wet myself");
    // Something the bot cannot place.
    const lost = newConversation();
    await say(lost, 'what is the best pizza topping in Naples');
    // A hand-off, claimed: one wait.
    const { caseId } = await openChat();
    expect((await sam.post(`/cases/${caseId}/claim`)).status).toBe(200);

    const res = await sam.get('/stats');
    expect(res.status).toBe(200);
    const raw = await res.text();
    const after = JSON.parse(raw) as StatsReport;
    const t = after.totals;
    expect(t.conversations - before.totals.conversations).toBe(4);
    expect(t.redFlagReplies).toBeGreaterThan(before.totals.redFlagReplies);
    expect(t.handoffs - before.totals.handoffs).toBe(1);
    expect(t.unplaced).toBeGreaterThan(before.totals.unplaced);
    expect(t.fallbackRate).toBeGreaterThan(0);
    expect(t.fallbackRate).toBeLessThan(1);
    expect(t.waits.count - before.totals.waits.count).toBe(1);
    expect(t.waits.medianSeconds).not.toBeNull();
    // Answered the saddle question, then left at the next one.
    expect(t.dropOuts).toContainEqual({ node: 'red_flags.q_bladder', count: 1 });
    expect(t.dropOuts.find((d) => d.node === 'red_flags.q_saddle')).toBeUndefined();
    // Counts only: none of what people wrote, no conversation or case ids.
    expect(raw).not.toMatch(/pizza|down there|real person|routes-conv/);
    expect(raw).not.toContain(caseId);
    expect(after.days.at(-1)!.conversations).toBeGreaterThanOrEqual(4);
    expect(await auditActions('sam')).toContain('view_stats');
  });
});

describe('presence: available or away', () => {
  it('away team members do not count as online for routing; available again, they do; CSRF and audit kept', async () => {
    const away = async (client: AgentClient, status: string) => client.post('/presence', { status });
    expect((await sam.post('/presence', { status: 'away' }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await away(sam, 'asleep')).status).toBe(400);
    expect((await away(sam, 'away')).status).toBe(200);
    expect((await away(alex, 'away')).status).toBe(200);
    expect((await backline.support.service.facts()).support_available).toBe('no');
    const team = (await sam.json<{ team: { id: string; status: string }[] }>(sam.get('/team'))).team;
    expect(team).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'sam', status: 'away' }), expect.objectContaining({ id: 'alex', status: 'away' })]),
    );

    // Asking for a person now gets the call-back offer, not the queue.
    const conversation = newConversation();
    await say(conversation, 'let me talk to a real person');
    expect(textsFor(conversation).join('\n')).not.toMatch(/in the queue/);

    expect((await away(sam, 'available')).status).toBe(200);
    expect((await away(alex, 'available')).status).toBe(200);
    expect((await backline.support.service.facts()).support_available).toBe('yes');
    expect(await auditActions('sam')).toContain('set_presence');
  });
});

describe('transfer, history, canned replies, typing', () => {
  it('passes a live chat to a colleague, who then has it; the person is told; audited', async () => {
    const { conversation, caseId } = await openChat();
    expect((await alex.post(`/cases/${caseId}/transfer`, { to: 'sam' })).status).toBe(409); // not claimed yet
    expect((await sam.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await alex.post(`/cases/${caseId}/transfer`, { to: 'sam' })).status).toBe(403); // not alex's
    expect((await sam.post(`/cases/${caseId}/transfer`, { to: 'nobody' })).status).toBe(400);
    expect((await sam.post(`/cases/${caseId}/transfer`, { to: 'alex' }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await sam.post(`/cases/${caseId}/transfer`, { to: 'alex' })).status).toBe(200);
    expect(textsFor(conversation).join('\n')).toMatch(/passed to Alex Kim/);
    expect((await sam.post(`/cases/${caseId}/messages`, { text: 'still me?' })).status).toBe(403);
    expect((await alex.post(`/cases/${caseId}/messages`, { text: 'Hi, Alex here. ![x](https://tracker.example/p.png)' })).status).toBe(200);
    const last = textsFor(conversation).at(-1)!;
    expect(last).toMatch(/Alex Kim/);
    // The person's chat renders markdown: the image is escaped, so nothing is fetched.
    expect(last).not.toMatch(/(^|[^\\])!\[/);
    expect((await alex.post(`/cases/${caseId}/typing`)).status).toBe(200);
    expect(capture.for(conversation).some((r) => r.body.type === 'typing')).toBe(true);
    expect(await auditActions('sam')).toContain('transfer');

    expect((await alex.post(`/cases/${caseId}/close`, { note: 'done' })).status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const history = async (query: string) => (await sam.json<{ cases: { id: string; outcome: string }[] }>(sam.get(`/history?${query}`))).cases;
    expect((await history(`from=${today}&to=${today}&type=chat&outcome=closed_by_team`)).map((c) => c.id)).toContain(caseId);
    expect((await history('outcome=person_left')).map((c) => c.id)).not.toContain(caseId);
    expect((await history('type=callback')).map((c) => c.id)).not.toContain(caseId);
    expect((await sam.get('/history?outcome=lost')).status).toBe(400);
    expect((await fetch(`${url}/agent/api/history`)).status).toBe(401);
  });

  it('canned replies come from knowledge/ and are checked', async () => {
    const { replies } = await sam.json<{ replies: { id: string; label: string; text: string }[] }>(sam.get('/canned'));
    expect(replies.length).toBeGreaterThan(2);
    expect(replies[0]).toEqual(expect.objectContaining({ id: expect.any(String), label: expect.any(String), text: expect.any(String) }));

    const dir = mkdtempSync(join(tmpdir(), 'canned-'));
    const file = join(dir, 'canned.yaml');
    writeFileSync(file, 'replies:\n  - { id: hi, label: Hi, text: "Hello" }\n  - { id: hi, label: Again, text: "Hello again" }\n');
    expect(inspectCannedReplies(file).problems[0]!.message).toMatch(/used twice/);
    writeFileSync(file, 'replies:\n  - { id: Hi There, label: "", text: "Hello" }\n');
    expect(inspectCannedReplies(file).problems.length).toBeGreaterThan(0);
    expect(inspectCannedReplies(file).replies).toEqual([]);
  });
});
