// Issue #10 "Hardening": each test below failed on the code before its fix.
// In-process server (tests/helpers/directline.ts) for the HTTP and WebSocket checks; a child
// `backline serve` (dist/, built by npm test) for start-up and shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackline } from '../../src/app.js';
import { shutDown } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config.js';
import { TokenSigner } from '../../src/directline/tokens.js';
import { createLogger } from '../../src/logger.js';
import { createOutboundPolicy } from '../../src/server/outboundPolicy.js';
import { InMemoryStorage } from '../../src/storage/index.js';
import { Chat, testBackline } from '../helpers/backline.js';
import { DirectLineClient, startServer, TEST_TOKEN_SECRET, type RunningServer, type WireActivity } from '../helpers/directline.js';
import { activity, CaptureServer, close, listen, openDescriptors, post, rawExchange, upgradeRequest } from '../helpers/http.js';
import { ADMIN_TOKEN, agentOnline, supportEnv } from '../helpers/support.js';

let running: RunningServer;
let capture: CaptureServer;

beforeAll(async () => {
  running = await startServer(supportEnv());
  capture = await new CaptureServer().start();
});
afterAll(async () => {
  await capture.stop();
  await running.stop();
});

async function healthy(): Promise<boolean> {
  const res = await fetch(`${running.url}/healthz`);
  return res.status === 200;
}

describe('1. a malformed WebSocket upgrade', () => {
  it.each([
    ['a bad %-escape in the conversation id', upgradeRequest('/v3/directline/conversations/%/stream')],
    ['a request line that is no URL', upgradeRequest('http://[')],
  ])('%s gets 400, its socket is closed, and the server stays up', async (_name, request) => {
    const { response, closedByServer } = await rawExchange(running.url, request);
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(closedByServer).toBe(true);
    expect(await healthy()).toBe(true);
  });
});

describe('2. upgrades to paths that are not streams', () => {
  it('are answered 404 and closed: 120 of them leave no descriptor open', async () => {
    const before = openDescriptors();
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => rawExchange(running.url, upgradeRequest(`/not-a-stream/${i}`), 2000)));
    expect(results.every((r) => r.response.startsWith('HTTP/1.1 404 ') && r.closedByServer)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openDescriptors()).toBeLessThanOrEqual(before + 3);
  });
});

describe('3. the reply-host check in local mode', () => {
  it('allows literal loopback only, never a name that starts like it', () => {
    const policy = createOutboundPolicy(true, []);
    for (const allowed of ['http://127.0.0.1:3978/', 'http://localhost/', 'http://[::1]:80/', 'http://127.8.9.10/'])
      expect(policy.isAllowed(allowed)).toBe(true);
    for (const refused of [
      'http://127.0.0.1.attacker.example/',
      'http://127.attacker.example/',
      'http://localhost.attacker.example/',
      'http://10.0.0.1/',
      'http://[::2]/',
    ]) {
      expect(policy.isAllowed(refused)).toBe(false);
    }
  });

  it('refuses a look-alike serviceUrl with 400', async () => {
    const res = await post(running.url, { ...activity(capture, 'lookalike-conv', { text: 'hi' }), serviceUrl: 'http://127.0.0.1.attacker.example/' });
    expect(res.status).toBe(400);
  });
});

describe('5. /api/messages and the built-in Direct Line', () => {
  it('cannot drive a built-in Direct Line conversation without its token', async () => {
    const c = new DirectLineClient(running.url);
    await c.start();
    const before = ((await (await c.poll()).json()) as { activities: WireActivity[] }).activities.length;
    const res = await post(running.url, activity(capture, c.conversationId, { channelId: 'webchat', text: 'check if it is serious' }));
    expect(res.status).toBe(403);
    const after = ((await (await c.poll()).json()) as { activities: WireActivity[] }).activities.length;
    expect(after).toBe(before);
    expect(capture.for(c.conversationId)).toHaveLength(0);
  });

  it('local mode binds to 127.0.0.1 unless HOST says otherwise; Azure mode keeps 0.0.0.0', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'secret' }).HOST).toBe('0.0.0.0');
  });
});

describe('7. client mistakes on the built-in Direct Line are 4xx and are not stored', () => {
  let c: DirectLineClient;
  const transcriptLength = async () => ((await (await c.poll()).json()) as { activities: WireActivity[] }).activities.length;

  beforeAll(async () => {
    c = new DirectLineClient(running.url);
    await c.start();
  });

  it('an unsupported charset gets 415, not 500', async () => {
    const res = await fetch(`${c.domain}/conversations`, {
      method: 'POST',
      headers: { ...c.headers(), 'Content-Type': 'application/json; charset=latin1' },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });

  let deep: unknown = 'x';
  for (let i = 0; i < 2000; i++) deep = { d: deep };
  it.each([
    ['entities: [1]', { entities: [1] }],
    ['replyToId: ""', { replyToId: '' }],
    ['a deeply nested value', { value: deep }],
    ['text: 42', { text: 42 }],
    ['channelData: "x"', { channelData: 'x' }],
    ['attachments: [null]', { attachments: [null] }],
  ])('%s gets 400 and leaves the transcript as it was', async (_name, fields) => {
    const before = await transcriptLength();
    const res = await c.post({ type: 'message', text: 'hello', from: { id: c.userId }, ...fields });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BadArgument');
    expect(await transcriptLength()).toBe(before);
  });

  it('a normal message afterwards is answered', async () => {
    const res = await c.say('why does it hurt when I lift my leg');
    expect(res.status).toBe(200);
  });
});

describe('8. logs', () => {
  it('a client cannot overwrite the line level, and long or odd ids are capped and made printable', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line));
    logger.info('support_case_opened', { level: 'emergency', channel: `${'x'.repeat(10_000)}\n{"level":"emergency"}\u0000\u202e` });
    const parsed = JSON.parse(lines[0]!) as Record<string, string>;
    expect(parsed.level).toBe('info');
    expect(parsed.field_level).toBe('emergency');
    expect(parsed.channel!.length).toBeLessThanOrEqual(200);
    expect(parsed.channel).toMatch(/^[\x20-\x7e]*$/);
  });

  it('a channelId of any length or text sent to /api/messages reaches the log capped and printable', async () => {
    const lines: string[] = [];
    const backline = createBackline(loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', NLU_CACHE_DIR: 'data/test-nlu-cache' }), {
      logger: createLogger('debug', (line) => lines.push(line)),
      retentionSweep: false,
    });
    const { server, url } = await listen(backline);
    try {
      const channelId = `web\u0007chat\n${'y'.repeat(50_000)}`;
      await post(
        url,
        activity(capture, `odd\nconv\u0000${'z'.repeat(5000)}`.slice(0, 500), { channelId, type: 'conversationUpdate', membersAdded: [{ id: 'u' }] }),
      );
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.length).toBeLessThan(1000);
        expect(['debug', 'info', 'warn', 'error']).toContain((JSON.parse(line) as { level: string }).level);
      }
      expect(lines.join('\n')).not.toContain('y'.repeat(200));
    } finally {
      await close(server);
      await backline.close();
    }
  });

  it('an opened support case logs its triage level as triage_level, leaving the line level alone', async () => {
    const lines: string[] = [];
    const backline = createBackline(loadConfig({ NODE_ENV: 'test', STORAGE: 'memory', NLU_CACHE_DIR: 'data/test-nlu-cache', ...supportEnv() }), {
      logger: createLogger('info', (line) => lines.push(line)),
      retentionSweep: false,
    });
    try {
      await agentOnline(backline);
      const chat = await new Chat(backline).open();
      await chat.say('I want to talk to a person');
      const opened = lines.map((l) => JSON.parse(l) as Record<string, string>).find((l) => l.event === 'support_case_opened');
      expect(opened).toBeDefined();
      expect(opened!.level).toBe('info');
      expect(opened!.triage_level).toBeDefined();
    } finally {
      await backline.close();
    }
  });
});

describe('11. smaller ones', () => {
  it("the console's origin check compares the scheme too", async () => {
    const host = new URL(running.url).host;
    const login = (origin: string) =>
      fetch(`${running.url}/agent/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username: 'admin', password: ADMIN_TOKEN }),
      });
    expect((await login(`https://${host}`)).status).toBe(403);
    expect((await login(`http://${host}`)).status).toBe(200);
  });

  it('an open Direct Line stream is closed (1008) when its token expires', async () => {
    const c = new DirectLineClient(running.url);
    await c.start();
    // Issued an hour ago less 3 s: valid now, expired in 2 to 3 s.
    const shortLived = (await new TokenSigner(TEST_TOKEN_SECRET, () => Date.now() - 3600 * 1000 + 3000).sign({ conv: c.conversationId, user: c.userId })).token;
    const stream = await c.openStream(c.streamUrl('', shortLived));
    const code = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(-1), 8000);
      stream.ws.once('close', (closeCode) => {
        clearTimeout(timer);
        resolve(closeCode);
      });
    });
    expect(code).toBe(1008);
  });

  it('the red-flag cache follows NLU_CACHE_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-cache-'));
    // The trained intent, learned red-flag and assertion models come along (no training here: on a
    // loaded machine it alone outlasts the timeout); the red-flag pattern cache must be written anew.
    const trained = ['intent-model-', 'red-flag-model-', 'assertion-model-'];
    for (const file of readdirSync('data/test-nlu-cache').filter((f) => trained.some((prefix) => f.startsWith(prefix))))
      copyFileSync(join('data/test-nlu-cache', file), join(dir, file));
    try {
      const backline = testBackline({ NLU_CACHE_DIR: dir });
      void backline.close();
      expect(readdirSync(dir).some((f) => f.startsWith('red-flags-') && f.endsWith('.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Compiling the pattern cache is the work under test: seconds on a quiet machine, much longer
    // on a loaded one.
  }, 120_000);
});

/** Memory storage whose writes can be slowed, to hold a bot turn in flight. */
class SlowStorage extends InMemoryStorage {
  writeDelayMs = 0;
  writesInFlight = 0;
  shut = false;
  override async write(changes: Parameters<InMemoryStorage['write']>[0]): Promise<void> {
    this.writesInFlight++;
    try {
      if (this.writeDelayMs) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
      if (this.shut) throw new Error('storage closed before the turn finished');
      await super.write(changes);
    } finally {
      this.writesInFlight--;
    }
  }
  override async close(): Promise<void> {
    this.shut = true;
    await super.close();
  }
}

describe('4. shutdown lets a turn in flight finish', () => {
  it('a message whose turn is running when shutdown starts still gets its 200, and storage closes after it', async () => {
    const storage = new SlowStorage();
    const backline = testBackline({ DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET }, storage);
    const { server, url } = await listen(backline);
    const c = new DirectLineClient(url);
    await c.start();
    storage.writeDelayMs = 150;
    const reply = c.say('check if it is serious');
    while (storage.writesInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const done = shutDown(server, backline);
    const res = await reply;
    expect(res.status).toBe(200);
    expect(storage.shut).toBe(false);
    await done;
    expect(storage.shut).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The real `backline serve` in a child process.

const BIN = new URL('../../bin/backline.js', import.meta.url).pathname;

interface Child {
  process: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
}

function serveChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', STORAGE: 'memory', SHOW_STARTUP_BANNER: 'false', LOG_LEVEL: 'info', NLU_CACHE_DIR: 'data/test-nlu-cache', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const result: Child = { process: child, stderr: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  child.stderr!.on('data', (chunk) => (result.stderr += String(chunk)));
  return result;
}

async function listeningPort(child: Child, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = child.stderr.split('\n').find((l) => l.includes('"event":"listening"'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no listening line: ${child.stderr}`);
}

describe('backline serve', () => {
  it('11. a port in use: says so and exits 1', async () => {
    const blocker: NetServer = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = serveChild({ PORT: String(port) });
      expect(await child.exited).toBe(1);
      expect(child.stderr).toMatch(/already in use/);
      expect(child.stderr).not.toMatch(/"event":"listening"/);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('4. SIGTERM with a web chat WebSocket and a console event stream open: 1001, stream ended, exit 0 within 10 s', async () => {
    const child = serveChild({ PORT: '0', SUPPORT_ADMIN_TOKEN: ADMIN_TOKEN, DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET });
    try {
      const port = await listeningPort(child);
      const base = `http://127.0.0.1:${port}`;
      const c = new DirectLineClient(base);
      await c.start();
      const stream = await c.openStream();
      const wsClosed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));
      const login = await fetch(`${base}/agent/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_TOKEN }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const events = await fetch(`${base}/agent/api/events`, { headers: { cookie } });
      const eventsEnded = (async () => {
        const reader = events.body!.getReader();
        for (;;) if ((await reader.read()).done) return true;
      })().catch(() => true);

      const signalled = Date.now();
      child.process.kill('SIGTERM');
      expect(await wsClosed).toBe(1001);
      expect(await eventsEnded).toBe(true);
      expect(await child.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 40_000);
});
