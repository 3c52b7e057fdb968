// A real Backline HTTP server on a free port, and a capture server standing in for the
// channel's serviceUrl (the Bot Connector API the bot posts replies to).
import { readdirSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Backline } from '../../src/app.js';

/** A Backline (its server, with Direct Line streams) or any express app, on a free loopback port. */
export async function listen(target: express.Express | Pick<Backline, 'createServer'>): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = 'createServer' in target ? target.createServer() : createServer(target);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface CapturedActivity {
  conversationId: string;
  replyToId?: string;
  body: Record<string, unknown> & {
    text?: string;
    type?: string;
    channelData?: { backline?: { triage?: { level: string }; urgent?: boolean; crisis?: boolean } };
  };
}

export class CaptureServer {
  readonly received: CapturedActivity[] = [];
  server!: Server;
  url!: string;
  private waiters: (() => void)[] = [];

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    const record = (req: express.Request, res: express.Response) => {
      this.received.push({ conversationId: String(req.params.conversationId), replyToId: req.params.activityId as string | undefined, body: req.body });
      this.waiters.splice(0).forEach((w) => w());
      res.status(200).json({ id: `r${this.received.length}` });
    };
    app.post('/v3/conversations/:conversationId/activities', record);
    app.post('/v3/conversations/:conversationId/activities/:activityId', record);
    ({ server: this.server, url: this.url } = await listen(app));
    return this;
  }

  for(conversationId: string): CapturedActivity[] {
    return this.received.filter((r) => r.conversationId === conversationId);
  }

  async stop(): Promise<void> {
    await close(this.server);
  }
}

export function activity(capture: CaptureServer, conversationId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'message',
    id: `in-${Math.random().toString(36).slice(2)}`,
    channelId: 'webchat',
    serviceUrl: capture.url,
    conversation: { id: conversationId },
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'backline', name: 'Backline' },
    ...fields,
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export type { Backline };

/** A Backline listening on a free port, with a capture server as the channel's serviceUrl. */
export interface HttpHarness {
  backline: Backline;
  capture: CaptureServer;
  url: string;
  stop(): Promise<void>;
}

export async function startHttpHarness(backline: Backline): Promise<HttpHarness> {
  const capture = await new CaptureServer().start();
  const { server, url } = await listen(backline);
  return {
    backline,
    capture,
    url,
    stop: async () => {
      await close(server);
      await capture.stop();
      await backline.close();
    },
  };
}

/** Sends raw bytes; resolves with what the server answered and whether it closed the connection (else `timeoutMs`). */
export function rawExchange(url: string, request: string | Buffer, timeoutMs = 3000): Promise<{ response: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closedByServer: false });
    }, timeoutMs);
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closedByServer: true });
    });
    socket.write(request);
  });
}

/** A WebSocket upgrade request for `target` (a path, or anything a request line may hold). */
export function upgradeRequest(target: string, extraHeaders = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`;
}

/** File descriptors this process has open (Linux). */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}
