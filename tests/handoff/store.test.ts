// The storage side of support, on SQLite: the queue index heals itself, "forget me" reaches the
// indexes, transcripts keep their order, presence expires, and the wait estimate is honest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRecordKey } from '../../src/handoff/keys.js';
import { compareByUrgency, createCase, findCase, forgetCases, listOpenCases, queuePosition, updateCase } from '../../src/handoff/cases.js';
import { newCaseId } from '../../src/util/caseIds.js';
import { estimatedWaitMinutes, markAbsent, markPresent, onlineAgentCount, recordWait } from '../../src/handoff/presence.js';
import { appendTranscript, readTranscript } from '../../src/handoff/transcript.js';
import type { SupportCase } from '../../src/handoff/types.js';
import { SqliteStorage } from '../../src/storage/index.js';

let dir: string;
let storage: SqliteStorage;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backline-support-store-'));
  storage = new SqliteStorage(join(dir, 'store.db'));
});
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function aCase(fields: Partial<SupportCase> = {}): SupportCase {
  return {
    kind: 'case',
    id: newCaseId(),
    type: 'chat',
    status: 'waiting',
    mode: 'console',
    channelId: 'webchat',
    conversationId: `conv-${Math.random().toString(36).slice(2)}`,
    createdAt: new Date().toISOString(),
    reason: 'asked',
    level: null,
    redFlags: [],
    summary: { askedAbout: [], answers: [], triage: null, redFlags: [] },
    ...fields,
  };
}

describe('cases and the queue', () => {
  it('orders most urgent first, then chats before call-backs and leads, then longest waiting', () => {
    const old = new Date(Date.now() - 60_000).toISOString();
    const cases = [
      aCase({ id: 'c1aaaaaaaa', type: 'callback', level: 'emergency' }),
      aCase({ id: 'c2aaaaaaaa', level: null, createdAt: old }),
      aCase({ id: 'c3aaaaaaaa', level: 'emergency' }),
      aCase({ id: 'c4aaaaaaaa', level: null }),
      aCase({ id: 'c5aaaaaaaa', level: 'consultation', type: 'trial_lead', kind: 'lead' }),
    ];
    expect([...cases].sort(compareByUrgency).map((c) => c.id)).toEqual(['c3aaaaaaaa', 'c1aaaaaaaa', 'c5aaaaaaaa', 'c2aaaaaaaa', 'c4aaaaaaaa']);
    // Places in the queue count waiting chats only.
    expect(queuePosition(cases, 'c2aaaaaaaa')).toBe(2);
    expect(queuePosition(cases, 'c1aaaaaaaa')).toBe(0);
  });

  it('index entries whose case closed or vanished leave the queue by themselves', async () => {
    const open = aCase();
    const closing = aCase();
    const vanishing = aCase();
    for (const c of [open, closing, vanishing]) await createCase(storage, c);
    await updateCase(storage, closing.id, (c) => ({ ...c, status: 'closed' }));
    await storage.delete([caseRecordKey({ channelId: 'webchat', conversationId: vanishing.conversationId }, 'chat', vanishing.id)]);
    await storage.write({
      [`h/open/${vanishing.id}`]: { key: caseRecordKey({ channelId: 'webchat', conversationId: vanishing.conversationId }, 'chat', vanishing.id) },
    });
    expect((await listOpenCases(storage)).map((s) => s.supportCase.id)).toEqual([open.id]);
    expect(await storage.listKeys('h/open/')).toEqual([`h/open/${open.id}`]);
    await updateCase(storage, open.id, (c) => ({ ...c, status: 'closed' }));
  });

  it('"forget me" removes the index entries that point into the conversation', async () => {
    const key = { channelId: 'msteams', conversationId: 'a:1/with slash' };
    const chat = aCase({ channelId: key.channelId, conversationId: key.conversationId });
    const lead = aCase({ channelId: key.channelId, conversationId: key.conversationId, type: 'trial_lead', kind: 'lead' });
    await createCase(storage, chat);
    await createCase(storage, lead);
    expect((await forgetCases(storage, key)).sort()).toEqual([chat.id, lead.id].sort());
    expect(await findCase(storage, chat.id)).toBeUndefined();
    expect(await storage.listKeys(`h/open/${lead.id}`)).toEqual([]);
  });
});

describe('transcripts, presence and waits', () => {
  it('keeps items in the order they were written, even within one millisecond', async () => {
    const key = { channelId: 'webchat', conversationId: 'ordering' };
    const now = Date.now();
    for (let i = 0; i < 20; i++) await appendTranscript(storage, key, [{ role: 'user', text: `m${i}` }], now);
    const page = await readTranscript(storage, key);
    expect(page.items.map((i) => i.entries[0]!.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const after = await readTranscript(storage, key, { after: page.items[16]!.cursor });
    expect(after.items.map((i) => i.entries[0]!.text)).toEqual(['m17', 'm18', 'm19']);
    expect(after.cursor).toBe(page.cursor);
  });

  it('a team member is online for a minute after their console was last seen', async () => {
    const now = Date.now();
    await markPresent(storage, { id: 'sam', name: 'Sam' }, now);
    expect(await onlineAgentCount(storage, now + 30_000)).toBe(1);
    expect(await onlineAgentCount(storage, now + 61_000)).toBe(0);
    await markAbsent(storage, 'sam');
    expect(await onlineAgentCount(storage, now)).toBe(0);
  });

  it('the wait estimate is the median of recent waits, and only once there are a few', async () => {
    expect(await estimatedWaitMinutes(storage)).toBeUndefined();
    await recordWait(storage, 30);
    await recordWait(storage, 400);
    expect(await estimatedWaitMinutes(storage)).toBeUndefined();
    await recordWait(storage, 170);
    expect(await estimatedWaitMinutes(storage)).toBe(3);
  });
});
