// Nothing about support lives in process memory: a restart while someone waits, or while they
// are chatting with a team member, loses nothing; and two instances on one store stay in step.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import type { QueueItem } from '../../src/handoff/console.js';
import type { CaseView } from '../../src/handoff/service.js';
import { SqliteStorage } from '../../src/storage/index.js';
import { testBackline } from '../helpers/backline.js';
import { activity, CaptureServer, close, listen, post } from '../helpers/http.js';
import { AGENT_PASSWORD, AgentClient, EventReader, supportEnv } from '../helpers/support.js';

let dir: string;
let capture: CaptureServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backline-support-'));
  capture = await new CaptureServer().start();
});
afterAll(async () => {
  await capture.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Instance {
  backline: Backline;
  server: Server;
  url: string;
}

async function start(file: string): Promise<Instance> {
  const backline = testBackline(supportEnv(), new SqliteStorage(join(dir, file)));
  const { server, url } = await listen(backline);
  return { backline, server, url };
}

async function stop(instance: Instance): Promise<void> {
  await close(instance.server);
  await instance.backline.close();
}

const textsFor = (conversationId: string) => capture.for(conversationId).map((r) => r.body.text ?? '');

describe('a restart', () => {
  it('while waiting and while live: the person stays queued, then stays with the team member', async () => {
    const conversationId = 'restart-support-1';
    const say = (instance: Instance, text: string) => post(instance.url, activity(capture, conversationId, { text }));

    // 1. Sam signs in; the person asks for a human and waits.
    let instance = await start('restart.db');
    const sam = new AgentClient(instance.url);
    expect((await sam.login('sam', AGENT_PASSWORD)).status).toBe(200);
    await say(instance, 'i fell off a ladder last week');
    await say(instance, 'talk to a person');
    expect(textsFor(conversationId).join('\n')).toMatch(/number 1 in the queue/);
    await stop(instance);

    // 2. After a restart: still queued, and Sam's session still works.
    instance = await start('restart.db');
    const samAgain = Object.assign(new AgentClient(instance.url), { cookie: sam.cookie, csrf: sam.csrf });
    const queue = await samAgain.json<{ cases: QueueItem[] }>(samAgain.get('/queue'));
    expect(queue.cases).toHaveLength(1);
    const caseId = queue.cases[0]!.id;
    expect(queue.cases[0]).toMatchObject({ status: 'waiting', level: 'emergency', redFlags: [expect.objectContaining({ id: 'significant_trauma' })] });
    await say(instance, 'are you still there?');
    expect(textsFor(conversationId).at(-1)).toMatch(/added that to your request. You're number 1/);
    await samAgain.json(samAgain.post(`/cases/${caseId}/claim`));
    expect(textsFor(conversationId).at(-1)).toMatch(/Sam Lee from the support team has joined/);
    await stop(instance);

    // 3. After another restart: live. Messages still go to Sam and back.
    instance = await start('restart.db');
    const samThird = Object.assign(new AgentClient(instance.url), { cookie: sam.cookie, csrf: sam.csrf });
    const before = capture.for(conversationId).length;
    await say(instance, 'now both my legs have gone numb');
    // A warning sign still gets urgent advice at once, in the live chat, after a restart.
    expect(capture.for(conversationId)[before]!.body.channelData?.backline?.triage?.level).toMatch(/^emergency/);
    await say(instance, 'I am at home now');
    expect(capture.for(conversationId).length).toBe(before + 2); // advice + "I've let Sam Lee know"; the second message is for Sam
    const view = await samThird.json<CaseView>(samThird.get(`/cases/${caseId}`));
    expect(view.case.status).toBe('live');
    expect(view.transcript.items.flatMap((i) => i.entries).map((e) => e.text)).toEqual(expect.arrayContaining(['are you still there?', 'I am at home now']));
    await samThird.json(samThird.post(`/cases/${caseId}/messages`, { text: 'Please go to the emergency department now.' }));
    expect(textsFor(conversationId).at(-1)).toBe('**Sam Lee:** Please go to the emergency department now.');
    await samThird.json(samThird.post(`/cases/${caseId}/close`, { note: 'Sent to ED' }));
    expect(textsFor(conversationId).at(-1)).toMatch(/Did talking to the team help/);
    await stop(instance);
  });
});

describe('two instances on one store', () => {
  it('a message handled by one instance reaches the console open on the other', async () => {
    const a = await start('shared.db');
    const b = await start('shared.db');
    try {
      const sam = new AgentClient(a.url);
      await sam.login('sam', AGENT_PASSWORD);
      const { reader } = await EventReader.open(`${a.url}/agent/api/events`, sam.cookie);
      try {
        await reader.waitFor((e) => e.event === 'queue');
        const conversationId = 'two-instances-1';
        // The person talks to instance B; Sam's console is on instance A.
        await post(b.url, activity(capture, conversationId, { text: 'talk to a person' }));
        const queued = await reader.waitFor((e) => e.event === 'queue' && (e.data as { cases: QueueItem[] }).cases.length === 1, 5000);
        const caseId = (queued.data as { cases: QueueItem[] }).cases[0]!.id;
        // Sam claims on A; the person writes to B; Sam's console on A hears about it.
        await sam.json(sam.post(`/cases/${caseId}/claim`));
        const seen = reader.events.length;
        await post(b.url, activity(capture, conversationId, { text: 'thanks for picking this up' }));
        await reader.waitFor((e) => e.event === 'changed' && reader.events.indexOf(e) >= seen, 5000);
        const view = await sam.json<CaseView>(sam.get(`/cases/${caseId}`));
        expect(view.transcript.items.flatMap((i) => i.entries).map((e) => e.text)).toContain('thanks for picking this up');
      } finally {
        reader.close();
      }
    } finally {
      await stop(a);
      await stop(b);
    }
  });
});
