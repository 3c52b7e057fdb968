// Helpers for human-support tests: team members from configuration (cheap bcrypt hashes), a
// team member marked online, and a stand-in for proactive delivery to in-process conversations.
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import bcrypt from 'bcryptjs';
import type { Backline } from '../../src/app.js';
import { markPresent } from '../../src/handoff/presence.js';
import type { ProactiveSender } from '../../src/handoff/proactive.js';

export const AGENT_PASSWORD = 'correct horse battery staple';
export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghij';
// Cost 4: fast tests; production hashes use 12.
const HASH = bcrypt.hashSync(AGENT_PASSWORD, 4);

/** Configuration with two team members (sam, alex) and an admin token. */
export function supportEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SUPPORT_AGENTS: `sam:Sam Lee:${HASH};alex:Alex Kim:${HASH}`,
    SUPPORT_ADMIN_TOKEN: ADMIN_TOKEN,
    SUPPORT_LOGIN_RATE_LIMIT: '1000',
    SUPPORT_SYNC_INTERVAL_MS: '200',
    ...extra,
  };
}

export const SAM = { id: 'sam', name: 'Sam Lee' };
export const ALEX = { id: 'alex', name: 'Alex Kim' };

/** Marks a team member online, as their open console would. */
export async function agentOnline(backline: Backline, agent = SAM): Promise<void> {
  await markPresent(backline.storage, agent);
}

/** Records proactive messages to in-process test conversations (which have no real serviceUrl). */
export class FakeSender implements ProactiveSender {
  readonly sent: { conversationId: string; activity: Partial<Activity> }[] = [];
  failing = false;

  async send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void> {
    if (this.failing) throw new Error('channel unreachable');
    for (const activity of activities) this.sent.push({ conversationId: reference.conversation!.id, activity });
  }

  textsFor(conversationId: string): string[] {
    return this.sent.filter((s) => s.conversationId === conversationId).map((s) => s.activity.text ?? '');
  }
}

export function captureProactive(backline: Backline): FakeSender {
  const fake = new FakeSender();
  backline.support.sender.route((reference) => reference.serviceUrl === 'http://localhost/in-process', fake);
  return fake;
}

/** A team member's browser, as far as the console API sees it: a cookie and a CSRF token. */
export class AgentClient {
  cookie = '';
  csrf = '';

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (res.ok && setCookie) {
      this.cookie = setCookie.split(';')[0]!;
      this.csrf = ((await res.clone().json()) as { csrf: string }).csrf;
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}/agent/api${path}`, { headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } });
  }

  post(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}/agent/api${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
  }

  async json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
    const r = await res;
    if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }
}

/** Reads server-sent events from a fetch response body. */
export class EventReader {
  readonly events: { event: string; data: unknown }[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  private readonly controller = new AbortController();

  static async open(url: string, cookie: string): Promise<{ reader: EventReader; status: number }> {
    const reader = new EventReader();
    const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: reader.controller.signal });
    if (res.ok && res.body) void reader.pump(res.body);
    return { reader, status: res.status };
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) this.events.push({ event, data: JSON.parse(data) });
          this.waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted
    }
  }

  async waitFor(predicate: (e: { event: string; data: unknown }) => boolean, timeoutMs = 5000): Promise<{ event: string; data: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event in ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
