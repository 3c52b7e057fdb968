// The agent console at /agent: the page (web/agent/, strict CSP, no inline script) and its API.
//
//   POST /agent/api/login                {username, password}  -> session cookie, {agent, csrf}
//   GET  /agent/api/me                   the session's agent and CSRF token (page reload)
//   POST /agent/api/logout
//   GET  /agent/api/queue                open cases, most urgent first
//   GET  /agent/api/events               server-sent events: "queue" snapshots, "changed" pings
//   GET  /agent/api/cases/:id[?after=C]  the case, summary and transcript (audited, except the
//                                        page's automatic refresh: header X-Console-Refresh: 1)
//   POST /agent/api/cases/:id/claim
//   POST /agent/api/cases/:id/messages   {text}
//   POST /agent/api/cases/:id/close      {note}
//   GET  /agent/api/export/leads.csv     consenting trial leads (audited; cross-site: 403)
//
// No session (or an unknown, expired or revoked one): 401. A POST without the session's CSRF
// token in X-CSRF-Token, or from another origin: 403. Message text never reaches the logs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCookie, stringifySetCookie } from 'cookie';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response, type Router } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { UNKNOWN_AGENT, writeAudit } from './audit.js';
import { TOKEN_PATTERN, sameSecret, type AgentAuth, type AgentSession } from './auth.js';
import type { CannedReply } from './cannedReplies.js';
import { mountConsoleAssets, mountConsoleRoutes } from './consoleRoutes.js';
import { CASE_ID_PATTERN } from '../util/caseIds.js';
import { markAbsent, markPresent } from './presence.js';
import { SupportActionError, type PublicCase, type SupportService } from './service.js';
import { CURSOR_PATTERN } from './transcript.js';
import { leadsExportHandler } from './trialLeadsExport.js';
import { errorName } from '../util/errors.js';

export const AGENT_WEB_DIR = fileURLToPath(new URL('../../web/agent/', import.meta.url));
export const SESSION_COOKIE = 'backline_agent';
/** The console page sends this header (value 1) on its automatic refreshes of an open case. */
export const REFRESH_HEADER = 'X-Console-Refresh';
const COOKIE_PATH = '/agent';
const HEARTBEAT_MS = 20_000;
const REFRESH_DEBOUNCE_MS = 75;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export interface AgentConsoleOptions {
  support: SupportService;
  auth: AgentAuth;
  storage: BacklineStorage;
  logger: Logger;
  /** Local mode (no app credentials): the cookie may go over plain http on localhost. */
  localMode: boolean;
  loginLimits: LoginLimits;
  /** Shared counters for the per-address limit (several instances); default: this process's memory. */
  loginRateLimitStore?: Store | undefined;
  /** Shared counters for the per-account lockout (several instances); default: this process's memory. */
  accountLockoutStore?: Store | undefined;
  webDir?: string;
  /** Canned replies for the console (knowledge/canned-replies.<lang>.yaml). */
  cannedReplies?: CannedReply[];
  /** This server's public origin behind a proxy (WIDGET_PUBLIC_URL), accepted as the console's origin. */
  publicOrigin?: string;
  /** Open event streams, so a shutdown can end them (else the server waits for them for ever). */
  streams?: EventStreams;
}

/** The console's open server-sent-event streams. */
export class EventStreams {
  private readonly open = new Set<() => void>();

  /** Registers a stream's way to end; returns its removal. */
  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    for (const end of [...this.open]) end();
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}

/**
 * Failed sign-ins allowed: per account (then that account alone is locked for a few minutes, so
 * someone guessing one colleague's password does not lock out the others at the same address),
 * and per client address over 15 minutes (high: a clinic's whole team may share one address).
 * Only failures count; a successful sign-in clears its account's count.
 */
export interface LoginLimits {
  perAddress: number;
  perAccount: number;
  lockoutMinutes: number;
}

/** What the queue shows for a case: enough to choose, nothing more (no contact details, no notes). */
export interface QueueItem {
  id: string;
  type: PublicCase['type'];
  status: PublicCase['status'];
  reason: PublicCase['reason'];
  level: PublicCase['level'];
  redFlags: { id: string; label: string }[];
  /** The person is in crisis: first in the queue, a louder alert. */
  crisis: boolean;
  askedAbout: string[];
  channelId: string;
  createdAt: string;
  waitingSeconds: number;
  agent: { id: string; name: string } | null;
}

export function queueItemOf(c: PublicCase): QueueItem {
  return {
    id: c.id,
    type: c.type,
    status: c.status,
    reason: c.reason,
    level: c.level,
    redFlags: c.summary.redFlags,
    crisis: c.crisis === true,
    askedAbout: c.summary.askedAbout.slice(0, 3),
    channelId: c.channelId,
    createdAt: c.createdAt,
    waitingSeconds: c.waitingSeconds,
    agent: c.agent ?? null,
  };
}

function accountLimitKey(auth: AgentAuth, username: unknown): string {
  const known = auth.accountIdFor(username);
  if (known) return `account:${known}`;
  // Hashed: what someone typed as a name (perhaps a password) is not kept in memory as it is.
  const name = typeof username === 'string' ? username.trim().toLowerCase().slice(0, 200) : '';
  return `name:${createHash('sha256').update(name).digest('base64url')}`;
}

function cookieToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parseCookie(header)[SESSION_COOKIE];
  return value !== undefined && TOKEN_PATTERN.test(value) ? value : undefined;
}

function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: token, path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', maxAge: maxAgeSeconds, secure });
}

/**
 * A browser request from another origin (scheme, host and port) is refused; requests with no
 * Origin (curl, tests) pass. The scheme is the request's (https behind a proxy only when Express
 * trusts it) or that of `publicOrigin`, the console's public address when it has one.
 */
function sameOrigin(req: Request, publicOrigin?: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const given = new URL(origin);
    if (publicOrigin && given.origin === publicOrigin) return true;
    return given.protocol === `${req.protocol}:` && given.host === req.headers.host;
  } catch {
    return false;
  }
}

export function createAgentConsole(options: AgentConsoleOptions): Router {
  const { support, auth, storage, logger } = options;
  const webDir = options.webDir ?? AGENT_WEB_DIR;
  const page = readFileSync(join(webDir, 'index.html'));
  const router = express.Router();
  const secureCookie = (req: Request) => req.secure || !options.localMode;

  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page);
  });
  mountConsoleAssets(router);
  router.use(express.static(webDir, { index: false, dotfiles: 'ignore', maxAge: '5m', fallthrough: true }));

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: '16kb', strict: true }));

  const tooManyAttempts = (_req: Request, res: Response) => {
    res.status(429).json({ error: 'too_many_attempts', message: 'Too many sign-in attempts. Please wait a few minutes.' });
  };
  // Only wrong credentials (401) count: successes and refusals do not.
  const failuresOnly = { skipSuccessfulRequests: true, requestWasSuccessful: (_req: Request, res: Response) => res.statusCode !== 401 };
  const addressLimiter = rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: options.loginLimits.perAddress,
    ...failuresOnly,
    ...(options.loginRateLimitStore ? { store: options.loginRateLimitStore } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooManyAttempts,
  });
  const accountLimiter = rateLimit({
    windowMs: options.loginLimits.lockoutMinutes * 60_000,
    limit: options.loginLimits.perAccount,
    ...failuresOnly,
    // The account a name stands for; a name that is no account is counted under itself, so it
    // locks exactly like a real one and a 429 tells nothing about which names exist.
    keyGenerator: (req) => accountLimitKey(auth, (req.body as { username?: unknown } | undefined)?.username),
    ...(options.accountLockoutStore ? { store: options.accountLockoutStore } : {}),
    standardHeaders: false,
    legacyHeaders: false,
    handler: tooManyAttempts,
  });

  const requireSession = async (req: Request, res: Response, next: NextFunction) => {
    const session = await auth.sessionFor(cookieToken(req));
    if (!session) {
      res.status(401).json({ error: 'not_signed_in', message: 'Please sign in.' });
      return;
    }
    res.locals.session = session;
    next();
  };

  const requireCsrf = (req: Request, res: Response, next: NextFunction) => {
    const session = res.locals.session as AgentSession;
    const sent = req.headers['x-csrf-token'];
    if (!sameOrigin(req, options.publicOrigin) || typeof sent !== 'string' || !sameSecret(sent, session.csrf)) {
      res.status(403).json({ error: 'forbidden', message: 'This request was refused (missing or wrong CSRF token).' });
      return;
    }
    next();
  };

  const caseId = (req: Request): string => {
    const id = String(req.params.id ?? '');
    if (!CASE_ID_PATTERN.test(id)) throw new SupportActionError(404, 'not_found', 'No such case.');
    return id;
  };

  const agentOf = (res: Response) => (res.locals.session as AgentSession).agent;

  api.post('/login', addressLimiter, accountLimiter, async (req, res) => {
    if (!sameOrigin(req, options.publicOrigin)) {
      res.status(403).json({ error: 'forbidden', message: 'Sign in from the console page.' });
      return;
    }
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const signedIn = auth.enabled ? await auth.signIn(body.username, body.password) : undefined;
    const address = req.ip ?? 'unknown';
    if (!signedIn) {
      await writeAudit(storage, { agent: auth.accountIdFor(body.username) ?? UNKNOWN_AGENT, action: 'sign_in_failed', address });
      logger.info('agent_sign_in_failed', {});
      res.status(401).json({
        error: 'bad_credentials',
        message: auth.enabled ? 'That name and password do not match.' : 'No team members are set up (SUPPORT_AGENTS or SUPPORT_ADMIN_TOKEN).',
      });
      return;
    }
    const { token, session } = signedIn;
    await accountLimiter.resetKey(accountLimitKey(auth, body.username));
    await writeAudit(storage, { agent: session.agent.id, action: 'sign_in', address });
    await markPresent(storage, session.agent);
    await support.notifier.changed();
    res.setHeader('Set-Cookie', sessionCookie(token, Math.floor((session.expiresAt - session.createdAt) / 1000), secureCookie(req)));
    logger.info('agent_signed_in', { agent: session.agent.id });
    res.json({ agent: session.agent, csrf: session.csrf, expiresAt: new Date(session.expiresAt).toISOString() });
  });

  api.get('/me', requireSession, (_req, res) => {
    const session = res.locals.session as AgentSession;
    res.json({ agent: session.agent, csrf: session.csrf, expiresAt: new Date(session.expiresAt).toISOString() });
  });

  api.post('/logout', requireSession, requireCsrf, async (req, res) => {
    const session = res.locals.session as AgentSession;
    await auth.signOut(cookieToken(req));
    await markAbsent(storage, session.agent.id);
    res.setHeader('Set-Cookie', sessionCookie('', 0, secureCookie(req)));
    res.json({ ok: true });
  });

  api.get('/queue', requireSession, async (_req, res) => {
    res.json({ cases: (await support.queue()).map(queueItemOf) });
  });

  api.get('/events', requireSession, async (req, res) => {
    const session = res.locals.session as AgentSession;
    const token = cookieToken(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    let closed = false;
    let pending: NodeJS.Timeout | undefined;
    const send = (event: string, data: unknown) => {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const refresh = async () => {
      try {
        send('queue', { cases: (await support.queue()).map(queueItemOf) });
        send('changed', { at: Date.now() });
      } catch (error) {
        logger.warn('agent_stream_refresh_failed', { error: errorName(error) });
      }
    };
    const unsubscribe = support.notifier.subscribe(() => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void refresh();
      }, REFRESH_DEBOUNCE_MS);
    });
    const heartbeat = setInterval(() => {
      void (async () => {
        // A session that expired or was revoked ends the stream; otherwise the agent is still here.
        if (!(await auth.sessionFor(token))) {
          send('signed_out', {});
          res.end();
          return;
        }
        await markPresent(storage, session.agent).catch(() => undefined);
        if (!closed) res.write(': ping\n\n');
      })().catch((error: unknown) => {
        // Storage unreachable for a moment: the stream stays, the next beat checks again. Not
        // caught, the rejection would end the process (no unhandledRejection handler).
        logger.warn('agent_stream_heartbeat_failed', { error: errorName(error) });
      });
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const untrack = options.streams?.add(() => {
      send('shutdown', {});
      res.end();
    });
    req.on('close', () => {
      untrack?.();
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
    });
    await markPresent(storage, session.agent).catch(() => undefined);
    await refresh();
  });

  api.get('/cases/:id', requireSession, async (req, res) => {
    const id = caseId(req);
    const after = typeof req.query.after === 'string' && CURSOR_PATTERN.test(req.query.after) ? req.query.after : undefined;
    const session = res.locals.session as AgentSession;
    // Audit what a person did: opening a case is a look at the transcript; the page's automatic
    // refresh of a case this session already opened is not. A refresh of any other case is audited.
    const refresh = req.get(REFRESH_HEADER) === '1' && (session.viewed ?? []).includes(id);
    const view = await support.view(id, agentOf(res), { ...(after ? { after } : {}), audit: !refresh });
    if (!refresh) await auth.recordView(cookieToken(req), id);
    res.json(view);
  });

  api.post('/cases/:id/claim', requireSession, requireCsrf, async (req, res) => {
    res.json(await support.claim(caseId(req), agentOf(res)));
  });

  api.post('/cases/:id/messages', requireSession, requireCsrf, async (req, res) => {
    res.json(await support.reply(caseId(req), agentOf(res), (req.body as { text?: unknown } | undefined)?.text));
  });

  api.post('/cases/:id/close', requireSession, requireCsrf, async (req, res) => {
    res.json(await support.closeCase(caseId(req), agentOf(res), (req.body as { note?: unknown } | undefined)?.note));
  });

  api.get('/export/leads.csv', requireSession, leadsExportHandler(storage));
  mountConsoleRoutes(api, { support, storage, cannedReplies: options.cannedReplies ?? [], requireSession, requireCsrf, caseId });

  api.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such endpoint.' });
  });

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    if (error instanceof SupportActionError) {
      res.status(error.status).json({ error: error.code, message: error.message });
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('agent_console_error', { error: errorName(error) });
    if (res.headersSent) return;
    res.status(status).json({ error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'Something went wrong.' : 'Bad request.' });
  };
  api.use(onError);
  router.use('/api', api);
  return router;
}
