// A Backline server on a free loopback port, and a small Direct Line 3.0 client (fetch + ws) that
// speaks to it the way botframework-directlinejs does.
import type { Server } from 'node:http';
import WebSocket from 'ws';
import type { Backline } from '../../src/app.js';
import type { BacklineStorage } from '../../src/storage/index.js';
import { testBackline } from './backline.js';
import { close, listen } from './http.js';

export const TEST_TOKEN_SECRET = 'test-direct-line-token-secret-0123456789abcdef';

export interface RunningServer {
  backline: Backline;
  server: Server;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}, storage?: BacklineStorage): Promise<RunningServer> {
  const backline = testBackline({ DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET, DIRECT_LINE_TOKEN_RATE_LIMIT: '1000', ...env }, storage);
  const { server, url } = await listen(backline);
  return {
    backline,
    server,
    url,
    async stop() {
      backline.webChat.close();
      await close(server);
      await backline.close();
    },
  };
}

export interface WireActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; name?: string; role?: string };
  recipient?: { id: string };
  conversation: { id: string };
  channelId: string;
  replyToId?: string;
  suggestedActions?: { actions: { title: string; type: string; value: { choice: string }; text?: string; displayText?: string }[] };
  channelData?: { clientActivityID?: string; backline?: { triage?: { level: string }; ask?: { evidence?: string }; urgent?: boolean } };
  attachments?: unknown[];
  [field: string]: unknown;
}

export interface ActivitySet {
  activities: WireActivity[];
  watermark?: string;
}

/** A WebSocket stream that records every activity set it receives. */
export class Stream {
  readonly sets: ActivitySet[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      if (!text) return;
      this.sets.push(JSON.parse(text) as ActivitySet);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  get activities(): WireActivity[] {
    return this.sets.flatMap((s) => s.activities);
  }

  /** Waits until `predicate` holds for the activities received so far. */
  async until(predicate: (activities: WireActivity[]) => boolean, timeoutMs = 5000): Promise<WireActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.activities)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream: condition not met; got ${this.activities.map((a) => `${a.type}:${(a.text ?? '').slice(0, 30)}`).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.activities;
  }

  close(): void {
    this.ws.close();
  }
}

export class DirectLineClient {
  token = '';
  conversationId = '';
  userId = '';
  domain = '';

  constructor(readonly baseUrl: string) {}

  /** POST /api/directline/token, as the widget does. */
  async fetchToken(headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/api/directline/token`, { method: 'POST', headers });
    if (res.ok) {
      const body = (await res.clone().json()) as { token: string; conversationId: string; userId: string; domain: string };
      Object.assign(this, { token: body.token, conversationId: body.conversationId, userId: body.userId, domain: body.domain });
    }
    return res;
  }

  headers(token = this.token): Record<string, string> {
    return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  }

  /** Token, then POST /conversations (the welcome turn runs). */
  async start(): Promise<{ conversationId: string; streamUrl: string; token: string; expires_in: number }> {
    if (!this.token) {
      const res = await this.fetchToken();
      if (!res.ok) throw new Error(`token: ${res.status}`);
    }
    const res = await fetch(`${this.domain}/conversations`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ user: { id: this.userId }, locale: 'en-US' }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`start: ${res.status}`);
    return (await res.json()) as { conversationId: string; streamUrl: string; token: string; expires_in: number };
  }

  post(activity: Record<string, unknown>, options: { token?: string; conversationId?: string } = {}): Promise<Response> {
    return fetch(`${this.domain}/conversations/${options.conversationId ?? this.conversationId}/activities`, {
      method: 'POST',
      headers: this.headers(options.token),
      body: JSON.stringify(activity),
    });
  }

  say(text: string): Promise<Response> {
    return this.post({ type: 'message', text, from: { id: this.userId }, channelData: { clientActivityID: `c-${Math.random().toString(36).slice(2)}` } });
  }

  /** A suggested action tap, the way Web Chat posts a messageBack. */
  tap(action: { title: string; value: { choice: string } }): Promise<Response> {
    return this.post({
      type: 'message',
      text: action.title,
      value: action.value,
      from: { id: this.userId },
      channelData: { messageBack: { displayText: action.title } },
    });
  }

  async poll(watermark = '', options: { token?: string; conversationId?: string } = {}): Promise<Response> {
    return fetch(`${this.domain}/conversations/${options.conversationId ?? this.conversationId}/activities?watermark=${watermark}`, {
      headers: this.headers(options.token),
    });
  }

  streamUrl(watermark = '', token = this.token, conversationId = this.conversationId): string {
    const ws = this.domain.replace(/^http/, 'ws');
    return `${ws}/conversations/${conversationId}/stream?watermark=${watermark}&t=${encodeURIComponent(token)}`;
  }

  async openStream(url = this.streamUrl(), headers: Record<string, string> = {}): Promise<Stream> {
    const ws = new WebSocket(url, { headers });
    const stream = new Stream(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return stream;
  }
}

/** The HTTP status a WebSocket upgrade is refused with (or 101 if it opens). */
export async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, { headers });
  return new Promise<number>((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

export function botTexts(activities: WireActivity[]): string {
  return activities
    .filter((a) => a.from.role === 'bot' && a.type === 'message')
    .map((a) => a.text ?? '')
    .join('\n');
}

export function lastActions(activities: WireActivity[]): { title: string; value: { choice: string } }[] {
  const withActions = [...activities].reverse().find((a) => a.suggestedActions?.actions?.length);
  return (withActions?.suggestedActions?.actions ?? []) as { title: string; value: { choice: string } }[];
}
