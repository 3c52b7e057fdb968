// A small Direct Line 3.0 service for local use: what Web Chat (botframework-directlinejs) needs,
// and nothing that needs a cloud account.
//
//   POST /v3/directline/conversations                     start (runs conversationUpdate: the welcome)
//   GET  /v3/directline/conversations/:id?watermark=W     reconnect: a fresh stream URL
//   POST /v3/directline/conversations/:id/activities      post an activity; the bot's turn runs before 200
//   GET  /v3/directline/conversations/:id/activities?watermark=W   poll
//   GET  /v3/directline/conversations/:id/stream?t=TOKEN&watermark=W   WebSocket: activity sets as they happen
//   POST /v3/directline/tokens/refresh                    a new token for the same conversation
//
// Every call carries a token (Authorization: Bearer, or ?t= for the stream) from TokenSigner; the
// token names the one conversation and user it is for. Activities reach the bot through
// CloudAdapter.process (InProcessConversation, deliveryMode expectReplies): the server's code path.
// Conversations and activity logs live in storage (store.ts); this process keeps only its open
// WebSockets. Instances sharing a PostgreSQL store tell each other about appended activities on
// the change bus (LISTEN/NOTIFY, src/cluster), so a socket on any instance gets them (see notify()).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Activity } from '@microsoft/agents-activity';
import type { CloudAdapter, TurnContext } from '@microsoft/agents-hosting';
import { loadState } from '../conversation/store.js';
import type { ChangeBus } from '../cluster/changeBus.js';
import { InProcessConversation } from '../channels/inProcess.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { clientActivitySchema, firstProblem } from './activitySchema.js';
import { ConversationNotFoundError, DirectLineStore, parseWatermark, type ConversationMeta, type WireActivity } from './store.js';
import { newConversationId, newUserId, type DirectLineClaims, type TokenSigner } from './tokens.js';
import { errorName } from '../util/errors.js';

export const CHANNEL_ID = 'webchat';
export const BOT_ID = 'backline';
/** The largest activity a client may post (JSON bytes). Messages are short; cards come from the bot. */
export const MAX_ACTIVITY_BYTES = 16 * 1024;
/** Show the typing indicator if the bot has not answered within this time. */
export const TYPING_DELAY_MS = 250;
const MAX_SOCKETS_PER_CONVERSATION = 8;
const HEARTBEAT_MS = 30_000;
const POSTS_PER_MINUTE_PER_CONVERSATION = 60;
/** How long a closing stream may take over its closing handshake before it is cut. */
const CLOSE_GRACE_MS = 1000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2_147_483_647;

export interface LocalDirectLineOptions {
  storage: BacklineStorage;
  adapter: CloudAdapter;
  /** The bot's turn handler (BacklineBot.handle). */
  logic: (context: TurnContext) => Promise<void>;
  signer: TokenSigner;
  logger: Logger;
  /** The bot's display name in activities. */
  botName: string;
  /** The base URL clients reach this server at (for stream URLs), e.g. http://localhost:3978. */
  publicBase: (req: IncomingMessage) => string;
  /** Whether a browser Origin may open a stream (REST calls are checked by the CORS middleware). */
  originAllowed: (origin: string, req: IncomingMessage) => boolean;
  /** Shared across instances (PostgreSQL): appended activities reach streams on every instance. */
  changeBus?: ChangeBus;
  /** Shared counters for the per-conversation post limit; default: this process's memory. */
  rateLimitStore?: Store | undefined;
}

export interface IssuedConversationToken {
  conversationId: string;
  userId: string;
  token: string;
  expires_in: number;
}

interface Subscriber {
  ws: WebSocket;
  conversationId: string;
  /** Sequence number of the last activity this socket has been sent. */
  lastSent: number;
  /** Sends to one socket happen one after another, in order. */
  queue: Promise<void>;
  alive: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fields of a bot reply that go on the wire; everything else (serviceUrl, SDK internals) stays home. */
const BOT_WIRE_FIELDS = [
  'type',
  'text',
  'textFormat',
  'speak',
  'inputHint',
  'summary',
  'attachments',
  'attachmentLayout',
  'suggestedActions',
  'channelData',
  'entities',
  'value',
  'name',
  'locale',
  'importance',
] as const;

export class LocalDirectLine {
  readonly store: DirectLineStore;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly unsubscribeBus: (() => void) | undefined;

  constructor(private readonly options: LocalDirectLineOptions) {
    this.store = new DirectLineStore(options.storage);
    // Another instance appended to a conversation: pump this instance's sockets for it ('*': all).
    this.unsubscribeBus = options.changeBus?.subscribe('directline', (conversationId) => {
      if (conversationId === '*') for (const id of this.subscribers.keys()) this.notifyLocal(id);
      else this.notifyLocal(conversationId);
    });
    this.heartbeat = setInterval(() => this.checkSockets(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** A token for a new conversation (POST /api/directline/token). Nothing is stored until it is started. */
  async issueToken(): Promise<IssuedConversationToken> {
    const conversationId = newConversationId();
    const userId = newUserId();
    const { token, expiresIn } = await this.options.signer.sign({ conv: conversationId, user: userId });
    return { conversationId, userId, token, expires_in: expiresIn };
  }

  /**
   * Sends an activity from the bot side into a conversation outside a user turn (e.g. a support
   * agent's message): it is stored in the transcript and pushed to the user's open streams.
   * `from.name` may name the sender (a person); the sender's role is always "bot".
   * Throws ConversationNotFoundError for a conversation this Direct Line does not know.
   */
  async deliverToConversation(conversationId: string, activity: Partial<Activity> | Record<string, unknown>): Promise<{ id: string }> {
    const meta = await this.store.meta(conversationId);
    if (!meta) throw new ConversationNotFoundError('Direct Line conversation not found');
    const [stored] = await this.store.append(conversationId, [this.botWire(activity as Record<string, unknown>, meta)]);
    this.notify(conversationId);
    return { id: stored!.id };
  }

  router(): Router {
    const router = express.Router();
    const json = express.json({ limit: MAX_ACTIVITY_BYTES, strict: true, type: () => true });
    const postLimit = rateLimit({
      windowMs: 60_000,
      limit: POSTS_PER_MINUTE_PER_CONVERSATION,
      ...(this.options.rateLimitStore ? { store: this.options.rateLimitStore } : {}),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Runs after authentication: one budget per conversation, whoever's proxy it comes through.
      keyGenerator: (_req, res) => (res.locals.claims as DirectLineClaims).conv,
      handler: (_req, res) => sendError(res, new HttpError(429, 'TooManyRequests', 'Too many messages; please wait a moment.')),
    });

    router.post(
      '/conversations',
      this.authorized(),
      json,
      this.handle(async (req, res, claims) => {
        const locale = typeof req.body?.locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(req.body.locale) ? req.body.locale : undefined;
        const created = await this.store.create({ conversationId: claims.conv, userId: claims.user, ...(locale ? { locale } : {}) });
        if (created) {
          const meta = (await this.store.meta(claims.conv))!;
          this.options.logger.info('directline_conversation_started', {});
          try {
            await this.runTurn(meta, {
              type: 'conversationUpdate',
              id: `${claims.conv}|join`,
              membersAdded: [{ id: BOT_ID, name: this.options.botName }, { id: claims.user }],
              from: { id: claims.user, role: 'user' },
            });
          } catch (error) {
            // Not started after all: a retry starts it again, welcome included.
            await this.store.remove(claims.conv);
            throw error;
          }
        }
        res.status(created ? 201 : 200).json(this.conversationResponse(req, claims, bearerOf(req)!, 0));
      }),
    );

    router.get(
      '/conversations/:conversationId',
      this.authorized(),
      this.handle(async (req, res, claims) => {
        await this.requireConversation(req, claims);
        res.json(this.conversationResponse(req, claims, bearerOf(req)!, parseWatermark(req.query.watermark)));
      }),
    );

    router.post(
      '/conversations/:conversationId/activities',
      this.authorized(),
      postLimit,
      json,
      this.handle(async (req, res, claims) => {
        const meta = await this.requireConversation(req, claims);
        const incoming = userActivity(req.body, claims, meta, this.options.botName);
        if (incoming.type === 'typing') {
          // Not worth a transcript line; the bot only tells a team member in a live chat (the
          // console's "typing…"), so the turn runs without holding up the answer.
          res.json({ id: `${meta.conversationId}|typing` });
          void this.runTurn(meta, incoming).catch(() => undefined);
          return;
        }
        const { stored, repeat } = await this.store.appendMessage(meta.conversationId, incoming);
        if (!repeat) this.notify(meta.conversationId);
        const typing = setTimeout(() => this.pushEphemeral(meta.conversationId, this.botWire({ type: 'typing' }, meta)), TYPING_DELAY_MS);
        try {
          await this.runTurn(meta, stored);
        } finally {
          clearTimeout(typing);
        }
        res.json({ id: stored.id });
      }),
    );

    router.get(
      '/conversations/:conversationId/activities',
      this.authorized(),
      this.handle(async (req, res, claims) => {
        const meta = await this.requireConversation(req, claims);
        const set = await this.store.since(meta.conversationId, parseWatermark(req.query.watermark), meta.next);
        res.json({ activities: set.activities, watermark: String(set.watermark) });
      }),
    );

    router.post(
      '/conversations/:conversationId/upload',
      this.authorized(),
      this.handle(async (req, _res, claims) => {
        await this.requireConversation(req, claims);
        throw new HttpError(400, 'BadArgument', 'File uploads are not supported.');
      }),
    );

    router.post(
      '/tokens/refresh',
      this.authorized(),
      this.handle(async (_req, res, claims) => {
        const { token, expiresIn } = await this.options.signer.sign({ conv: claims.conv, user: claims.user });
        res.json({ conversationId: claims.conv, token, expires_in: expiresIn });
      }),
    );

    router.use((_req, res) => sendError(res, new HttpError(404, 'NotFound', 'Unknown Direct Line operation.')));
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      if (res.headersSent) return;
      const status = typeof error?.status === 'number' ? error.status : 500;
      if (status === 413) return sendError(res, new HttpError(413, 'MessageSizeTooBig', `Activities are limited to ${MAX_ACTIVITY_BYTES} bytes.`));
      if (status === 400) return sendError(res, new HttpError(400, 'BadArgument', 'Malformed JSON.'));
      // An unsupported charset or encoding (415) and other client mistakes the body parser finds.
      if (status > 400 && status < 500) return sendError(res, new HttpError(status, 'BadArgument', 'The request body could not be read.'));
      this.options.logger.error('directline_error', { error: errorName(error) });
      sendError(res, new HttpError(500, 'ServiceError', 'Internal error.'));
    };
    router.use(onError);
    return router;
  }

  /**
   * Handles an HTTP upgrade if it is a Direct Line stream; returns false for any other path
   * (the caller answers those). Whatever the request, it never throws: a malformed one gets 400
   * and its socket is closed.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    try {
      return this.upgradeStream(req, socket, head);
    } catch {
      refuseUpgrade(socket, 400, 'Bad Request');
      return true;
    }
  }

  private upgradeStream(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // Throws on a request line that is not a URL (`GET http://[`) or a bad %-escape: 400 above.
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/.exec(url.pathname);
    if (!match) return false;
    const conversationId = decodeURIComponent(match[1]!);
    const refuse = (status: number, reason: string) => refuseUpgrade(socket, status, reason);
    const origin = req.headers.origin;
    if (origin && !this.options.originAllowed(origin, req)) {
      refuse(403, 'Forbidden');
      return true;
    }
    const token = url.searchParams.get('t') ?? bearerOf(req as Request);
    // Anything that throws on the way (a bad watermark) is a bad request.
    this.acceptStream(req, socket, head, conversationId, token, url.searchParams.get('watermark') ?? undefined).catch(() => refuse(400, 'Bad Request'));
    return true;
  }

  /** The checks of a stream request after its path: token, capacity, conversation; then the WebSocket handshake. */
  private async acceptStream(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    conversationId: string,
    token: string | undefined,
    watermarkParam: string | undefined,
  ): Promise<void> {
    const refuse = (status: number, reason: string) => refuseUpgrade(socket, status, reason);
    const verified = await this.options.signer.verify(token);
    if (!verified.ok || verified.claims.conv !== conversationId) return refuse(403, 'Forbidden');
    if (this.closed) return refuse(503, 'Service Unavailable');
    if ((this.subscribers.get(conversationId)?.size ?? 0) >= MAX_SOCKETS_PER_CONVERSATION) return refuse(429, 'Too Many Requests');
    const watermark = parseWatermark(watermarkParam);
    const expiresAt = verified.claims.exp * 1000;
    let meta;
    try {
      meta = await this.store.meta(conversationId);
    } catch (error) {
      this.options.logger.error('directline_stream_error', { error: errorName(error) });
      return refuse(500, 'Internal Server Error');
    }
    if (!meta) return refuse(404, 'Not Found');
    if (this.closed) return refuse(503, 'Service Unavailable');
    // ws answers a bad handshake (version, key) with 400 itself.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.subscribe(ws, conversationId, watermark, expiresAt));
  }

  /**
   * Closes every stream (shutdown): 1001 "going away", so clients reconnect elsewhere or later;
   * a socket that has not finished its closing handshake within a second is cut. Closing twice is harmless.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribeBus?.();
    for (const set of this.subscribers.values()) {
      for (const subscriber of set) {
        subscriber.ws.close(1001, 'server shutting down');
        setTimeout(() => subscriber.ws.terminate(), CLOSE_GRACE_MS).unref();
      }
    }
    this.subscribers.clear();
    this.wss.close();
  }

  /** Open streams, for tests and health. */
  openStreams(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  // --- the bot's side --------------------------------------------------------------------------

  /** Runs one turn through the adapter and appends the bot's replies to the transcript. */
  private async runTurn(meta: ConversationMeta, activity: Record<string, unknown>): Promise<void> {
    const started = performance.now();
    const conversation = new InProcessConversation(this.options.adapter, this.options.logic, {
      channelId: CHANNEL_ID,
      conversationId: meta.conversationId,
      userId: meta.userId,
    });
    const botKey = { channelId: CHANNEL_ID, conversationId: meta.conversationId };
    const hadState = !(await loadState(this.options.storage, botKey)).isNew;
    // No serviceUrl: replies come back in the response (expectReplies), and nothing is ever sent out.
    const replies = await conversation.send({ ...activity, serviceUrl: undefined } as Partial<Activity>);
    if (hadState && (await loadState(this.options.storage, botKey)).isNew) {
      // The bot erased this conversation ("forget me"): the transcript goes too, before the confirmation.
      await this.store.purgeActivities(meta.conversationId);
      this.options.logger.info('directline_transcript_erased', {});
    }
    const replyToId = typeof activity.id === 'string' && activity.type === 'message' ? activity.id : undefined;
    await this.store.append(
      meta.conversationId,
      replies.map((reply) => this.botWire(reply as unknown as Record<string, unknown>, meta, replyToId)),
    );
    this.notify(meta.conversationId);
    this.options.logger.debug('directline_turn', { type: String(activity.type), replies: replies.length, ms: Math.round(performance.now() - started) });
  }

  private botWire(activity: Record<string, unknown>, meta: ConversationMeta, replyToId?: string): Record<string, unknown> {
    const wire: Record<string, unknown> = {};
    for (const field of BOT_WIRE_FIELDS) {
      if (activity[field] !== undefined) wire[field] = activity[field];
    }
    const from = activity.from as { id?: unknown; name?: unknown } | undefined;
    return JSON.parse(
      JSON.stringify({
        type: 'message',
        ...wire,
        channelId: CHANNEL_ID,
        conversation: { id: meta.conversationId },
        from: {
          id: typeof from?.id === 'string' && from.id ? from.id : BOT_ID,
          name: typeof from?.name === 'string' && from.name ? from.name : this.options.botName,
          role: 'bot',
        },
        recipient: { id: meta.userId, role: 'user' },
        timestamp: new Date().toISOString(),
        ...(replyToId ? { replyToId } : {}),
      }),
    ) as Record<string, unknown>;
  }

  // --- streams ---------------------------------------------------------------------------------

  private subscribe(ws: WebSocket, conversationId: string, watermark: number, expiresAt: number): void {
    const subscriber: Subscriber = { ws, conversationId, lastSent: watermark, queue: Promise.resolve(), alive: true };
    // The stream lives no longer than its token; the client reconnects with a refreshed one.
    const expiry = setTimeout(() => ws.close(1008, 'token expired'), Math.max(0, Math.min(expiresAt - Date.now(), MAX_TIMER_MS)));
    expiry.unref();
    let set = this.subscribers.get(conversationId);
    if (!set) this.subscribers.set(conversationId, (set = new Set()));
    set.add(subscriber);
    ws.on('pong', () => {
      subscriber.alive = true;
    });
    // Clients send empty keep-alive messages; nothing else is expected or read.
    ws.on('message', () => {
      subscriber.alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(expiry);
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(conversationId) === set) this.subscribers.delete(conversationId);
    });
    this.enqueue(subscriber, () => this.pump(subscriber));
  }

  /** Something was appended: every open stream of the conversation catches up from storage. */
  private notify(conversationId: string): void {
    if (this.options.changeBus) this.options.changeBus.publish('directline', conversationId);
    else this.notifyLocal(conversationId);
  }

  private notifyLocal(conversationId: string): void {
    for (const subscriber of this.subscribers.get(conversationId) ?? []) this.enqueue(subscriber, () => this.pump(subscriber));
  }

  /** An activity that is shown but not kept (typing). */
  private pushEphemeral(conversationId: string, activity: Record<string, unknown>): void {
    for (const subscriber of this.subscribers.get(conversationId) ?? []) {
      this.enqueue(subscriber, async () => {
        send(subscriber.ws, { activities: [{ ...activity, id: `${conversationId}|typing` }] });
      });
    }
  }

  private enqueue(subscriber: Subscriber, task: () => Promise<void>): void {
    subscriber.queue = subscriber.queue.then(task).catch((error: unknown) => {
      this.options.logger.warn('directline_stream_send_failed', { error: errorName(error) });
    });
  }

  /** Sends everything after the socket's last sequence number, in order, in batches. */
  private async pump(subscriber: Subscriber): Promise<void> {
    for (;;) {
      if (subscriber.ws.readyState !== subscriber.ws.OPEN) return;
      const set = await this.store.since(subscriber.conversationId, subscriber.lastSent);
      if (set.watermark <= subscriber.lastSent) return;
      subscriber.lastSent = set.watermark;
      if (set.activities.length > 0) send(subscriber.ws, { activities: set.activities, watermark: String(set.watermark) });
    }
  }

  private checkSockets(): void {
    for (const set of this.subscribers.values()) {
      for (const subscriber of set) {
        if (!subscriber.alive) {
          subscriber.ws.terminate();
          continue;
        }
        subscriber.alive = false;
        subscriber.ws.ping();
      }
    }
  }

  // --- HTTP helpers ----------------------------------------------------------------------------

  private authorized() {
    return async (req: Request, res: Response, next: () => void) => {
      const token = bearerOf(req);
      if (!token) return sendError(res, new HttpError(401, 'Unauthorized', 'A Direct Line token is required.'));
      const verified = await this.options.signer.verify(token);
      if (!verified.ok) {
        return sendError(
          res,
          new HttpError(
            403,
            verified.reason === 'expired' ? 'TokenExpired' : 'Forbidden',
            verified.reason === 'expired' ? 'The token has expired.' : 'The token is not valid.',
          ),
        );
      }
      res.locals.claims = verified.claims;
      next();
    };
  }

  private handle(fn: (req: Request, res: Response, claims: DirectLineClaims) => Promise<void>) {
    return async (req: Request, res: Response) => {
      try {
        await fn(req, res, res.locals.claims as DirectLineClaims);
      } catch (error) {
        if (error instanceof HttpError) return sendError(res, error);
        if (error instanceof ConversationNotFoundError) return sendError(res, new HttpError(404, 'NotFound', 'Conversation not found.'));
        this.options.logger.error('directline_error', { error: errorName(error) });
        if (!res.headersSent) sendError(res, new HttpError(502, 'BotError', 'The bot could not handle the activity.'));
      }
    };
  }

  /** The token's conversation, if it is the one in the URL and it has been started. */
  private async requireConversation(req: Request, claims: DirectLineClaims): Promise<ConversationMeta> {
    if (req.params.conversationId !== claims.conv) throw new HttpError(403, 'Forbidden', 'The token is not for this conversation.');
    const meta = await this.store.meta(claims.conv);
    if (!meta) throw new HttpError(404, 'NotFound', 'Conversation not found.');
    return meta;
  }

  private conversationResponse(req: Request, claims: DirectLineClaims, token: string, watermark: number) {
    const base = new URL(this.options.publicBase(req));
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const stream = new URL(`${base.origin}/v3/directline/conversations/${encodeURIComponent(claims.conv)}/stream`);
    stream.searchParams.set('watermark', watermark > 0 ? String(watermark) : '');
    stream.searchParams.set('t', token);
    return {
      conversationId: claims.conv,
      token,
      expires_in: Math.max(0, claims.exp - Math.floor(Date.now() / 1000)),
      streamUrl: stream.toString(),
    };
  }
}

function bearerOf(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function sendError(res: Response, error: HttpError): void {
  res.status(error.status).json({ error: { code: error.code, message: error.message } });
}

/** Answers an upgrade with a bare HTTP status and closes the socket once the answer is out. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function send(ws: WebSocket, payload: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
}

/**
 * What a client may say, checked against the schema and rebuilt: ids, sender, conversation,
 * channel and time are the server's; the user is the token's whatever `from.id` claims.
 */
function userActivity(body: unknown, claims: DirectLineClaims, meta: ConversationMeta, botName: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'BadArgument', 'The body must be an activity.');
  const parsed = clientActivitySchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'BadArgument', `Invalid activity: ${firstProblem(parsed.error)}`);
  const input = parsed.data;
  const activity: Record<string, unknown> = {
    type: input.type,
    channelId: CHANNEL_ID,
    conversation: { id: meta.conversationId },
    from: { id: claims.user, ...(input.from?.name ? { name: input.from.name.slice(0, 64) } : {}), role: 'user' },
    recipient: { id: BOT_ID, name: botName, role: 'bot' },
    timestamp: new Date().toISOString(),
  };
  if (input.text !== undefined) {
    activity.text = input.text;
    // What a person typed is shown as typed, never rendered as markdown or HTML.
    activity.textFormat = 'plain';
  }
  if (input.locale !== undefined) activity.locale = input.locale;
  else if (meta.locale) activity.locale = meta.locale;
  if (input.value !== undefined) activity.value = input.value;
  if (input.name !== undefined) activity.name = input.name;
  if (input.channelData !== undefined) activity.channelData = input.channelData;
  if (input.entities !== undefined) activity.entities = input.entities;
  if (input.localTimestamp !== undefined) activity.localTimestamp = input.localTimestamp;
  if (input.localTimezone !== undefined) activity.localTimezone = input.localTimezone;
  if (input.replyToId !== undefined) activity.replyToId = input.replyToId;
  if (input.attachments !== undefined) {
    // Uploads are not supported: keep only what an attachment is, never a URL or content to fetch.
    activity.attachments = input.attachments.map((a) => ({
      contentType: a.contentType ?? 'application/octet-stream',
      ...(a.name !== undefined ? { name: a.name } : {}),
    }));
  }
  return activity;
}

export type { WireActivity };
