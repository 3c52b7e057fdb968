// Many messages at once on one conversation: on one process (turns queue per conversation) and on
// two processes sharing one SQLite file (the eTag check orders them, create-if-absent for the very
// first). Every message is answered, none with the error note, and each is in the transcript once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenCases } from '../../src/handoff/cases.js';
import { readTranscript } from '../../src/handoff/transcript.js';
import type { ConversationState } from '../../src/engine/state.js';
import { SqliteStorage, type StoreItem } from '../../src/storage/index.js';
import { testBackline } from '../helpers/backline.js';
import { activity, CaptureServer, close, listen, post } from '../helpers/http.js';
import { startInstance, type Instance } from '../helpers/cluster.js';
import { agentOnline, supportEnv } from '../helpers/support.js';

const MESSAGES = 16;
const ERROR_NOTE = /something went wrong on my side/i;

let dir: string;
let capture: CaptureServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backline-concurrency-'));
  capture = await new CaptureServer().start();
});
afterAll(async () => {
  await capture.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * SQLite with a millisecond of latency on every read and write, as a networked store (Redis, a
 * database server) has: turns then really overlap between reading the state and saving it.
 */
class SlowSqliteStorage extends SqliteStorage {
  override async read(keys: string[]): Promise<StoreItem> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return super.read(keys);
  }

  override async write(changes: StoreItem): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return super.write(changes);
  }
}

/** Sends MESSAGES different messages at once, spread over `urls` in turn; returns their activity ids and texts. */
async function sendAtOnce(urls: string[], conversationId: string, tag = 'first'): Promise<{ id: string; text: string }[]> {
  const sent = Array.from({ length: MESSAGES }, (_, i) => ({
    id: `msg-${conversationId}-${tag}-${i}`,
    text: `tell me about sciatica, ${tag} message ${String.fromCharCode(97 + i)}`,
  }));
  const statuses = await Promise.all(
    sent.map((m, i) => post(urls[i % urls.length]!, activity(capture, conversationId, { id: m.id, text: m.text })).then((r) => r.status)),
  );
  expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
  return sent;
}

async function expectEveryMessageOnce(storageFile: string, conversationId: string, sent: { id: string; text: string }[], before: string[] = []): Promise<void> {
  const replies = capture.for(conversationId);
  expect(replies.filter((r) => ERROR_NOTE.test(r.body.text ?? '')).map((r) => r.body.text)).toEqual([]);
  // Every message was answered.
  for (const m of sent) expect(replies.some((r) => r.replyToId === m.id)).toBe(true);
  // Every message is in the transcript exactly once.
  const storage = new SqliteStorage(storageFile);
  try {
    const transcript = await readTranscript(storage, { channelId: 'webchat', conversationId });
    const userTexts = transcript.items
      .flatMap((item) => item.entries)
      .filter((e) => e.role === 'user')
      .map((e) => e.text);
    expect([...userTexts].sort()).toEqual([...before, ...sent.map((m) => m.text)].sort());
  } finally {
    await storage.close();
  }
}

describe(`${MESSAGES} simultaneous messages on one conversation`, () => {
  it('one process: no error reply, every message answered and in the transcript exactly once', async () => {
    const file = join(dir, 'one.db');
    const backline = testBackline({}, new SlowSqliteStorage(file));
    const { server, url } = await listen(backline);
    try {
      // A new conversation (the first messages race to create it), then one under way.
      const fresh = await sendAtOnce([url], 'race-one-process-new');
      await expectEveryMessageOnce(file, 'race-one-process-new', fresh);
      await post(url, activity(capture, 'race-one-process-old', { text: 'hello' }));
      const later = await sendAtOnce([url], 'race-one-process-old');
      await expectEveryMessageOnce(file, 'race-one-process-old', later, ['hello']);
    } finally {
      await close(server);
      await backline.close();
    }
  });

  it('two processes on one SQLite file: no error reply, every message answered and in the transcript exactly once', async () => {
    const file = join(dir, 'two.db');
    const backline = testBackline({}, new SlowSqliteStorage(file));
    const { server, url } = await listen(backline);
    let other: Instance | undefined;
    try {
      other = await startInstance({ STORAGE: 'sqlite', SQLITE_PATH: file, NLU_CACHE_DIR: 'data/test-nlu-cache', LOG_LEVEL: 'error' });
      // Warm both up on another conversation, so the race is between turns, not start-up work.
      await post(url, activity(capture, 'warm-up-a', { text: 'hello' }));
      await post(other.url, activity(capture, 'warm-up-b', { text: 'hello' }));
      for (const round of [1, 2]) {
        // A new conversation (the first messages race to create it, on both processes)...
        const conversationId = `race-two-processes-${round}`;
        const first = await sendAtOnce([url, other.url], conversationId);
        await expectEveryMessageOnce(file, conversationId, first);
        // ...and then the same conversation again, under way.
        const second = await sendAtOnce([other.url, url], conversationId, 'again');
        await expectEveryMessageOnce(
          file,
          conversationId,
          second,
          first.map((m) => m.text),
        );
      }
    } finally {
      await other?.stop();
      await close(server);
      await backline.close();
    }
  }, 120_000);
});

describe('racing first messages on two instances', () => {
  it('"talk to a person" sent twice at once opens one case, the one the conversation points at', async () => {
    const file = join(dir, 'cases.db');
    // Two instances on one file, each with its own turn queue, as two processes have.
    const a = testBackline(supportEnv(), new SlowSqliteStorage(file));
    const b = testBackline(supportEnv(), new SlowSqliteStorage(file));
    const servers = await Promise.all([listen(a), listen(b)]);
    try {
      await agentOnline(a);
      for (const round of [1, 2, 3]) {
        const conversationId = `race-cases-${round}`;
        const statuses = await Promise.all(
          servers.map(({ url }) => post(url, activity(capture, conversationId, { text: 'talk to a person' })).then((r) => r.status)),
        );
        expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
        const open = (await listOpenCases(a.storage)).filter((c) => c.supportCase.conversationId === conversationId);
        expect(open).toHaveLength(1);
        const key = `c/webchat/${conversationId}/state`;
        const state = ((await a.storage.read([key]))[key] as { state: ConversationState }).state;
        expect(state.support?.caseId).toBe(open[0]!.supportCase.id);
        expect(capture.for(conversationId).filter((r) => ERROR_NOTE.test(r.body.text ?? ''))).toEqual([]);
      }
    } finally {
      await Promise.all(servers.map(({ server }) => close(server)));
      await a.close();
      await b.close();
    }
  });
});
