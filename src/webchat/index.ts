// The web chat widget: pages, the embed script, Web Chat's bundle from node_modules, the token
// endpoint and (without DIRECT_LINE_SECRET) the built-in Direct Line.
//
//   GET  /                      demo clinic page with the one-line embed
//   GET  /chat                  full-page chat (?embed=1: the panel the launcher opens, in an iframe)
//   GET  /widget.js             the embed: a launcher button and a chat panel for any site
//   GET  /static/...            web/static, Web Chat's bundle (/static/webchat.js) and the theme
//   POST /api/directline/token  a token for one new conversation (never a secret)
//   /v3/directline/...          the built-in Direct Line (src/directline/localDirectLine.ts)
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';
import express, { type Express, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { CloudAdapter, TurnContext } from '@microsoft/agents-hosting';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { DirectLineExchangeError, generateAzureToken } from '../directline/azureToken.js';
import { LocalDirectLine, refuseUpgrade } from '../directline/localDirectLine.js';
import { TokenSigner } from '../directline/tokens.js';
import type { Cluster } from '../cluster/index.js';
import { chatPageCsp, connectSources, demoPageCsp, newNonce, OriginPolicy, parseOrigins } from './security.js';
import { fill } from '../text/template.js';
import { browserConfig, loadWidgetConfig, type BrowserWidgetConfig, type WidgetConfig } from './widgetConfig.js';

export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

export interface WebChatDependencies {
  config: Config;
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  storage: BacklineStorage;
  logger: Logger;
  /** Clock for tokens (tests). */
  now?: () => number;
  /** fetch for the Azure token exchange (tests point it at a local fake). */
  fetchImpl?: typeof fetch;
  /** Shared across instances (PostgreSQL): the change bus and rate-limit counters. */
  cluster?: Pick<Cluster, 'bus' | 'rateLimitStore'>;
}

export interface WebChat {
  widget: WidgetConfig;
  /** The built-in Direct Line; undefined when DIRECT_LINE_SECRET sends the widget to Azure. */
  directLine: LocalDirectLine | undefined;
  /** Adds the routes to the app. */
  mount(app: Express): void;
  /** Handles Direct Line stream upgrades (WebSockets) on a server serving the app (http or https). */
  attach(server: Server): void;
  close(): void;
}

function webchatBundlePath(): string {
  // The package exports only its entry; its dist/ sits beside lib/.
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  return join(dirname(dirname(entry)), 'dist', 'webchat.js');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> file or an HTML attribute after escaping. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A static file kept in memory, served with an ETag, and gzipped once that is ready. */
class StaticAsset {
  private readonly etag: string;
  private gzipped: Buffer | undefined;
  constructor(
    private readonly body: Buffer,
    private readonly type: string,
    private readonly cacheControl: string,
  ) {
    this.etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    // In the thread pool: compressing Web Chat's 4 MB bundle would otherwise stall every chat.
    gzip(body, { level: 6 }, (error, zipped) => {
      if (!error) this.gzipped = zipped;
    });
  }
  send(req: Request, res: Response): void {
    const zipped = this.gzipped && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? this.gzipped : undefined;
    // Each encoding is its own representation, with its own ETag.
    const etag = zipped ? `${this.etag.slice(0, -1)}-gz"` : this.etag;
    res.setHeader('Content-Type', this.type);
    res.setHeader('Cache-Control', this.cacheControl);
    res.setHeader('ETag', etag);
    res.vary('Accept-Encoding');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    if (zipped) res.setHeader('Content-Encoding', 'gzip');
    res.end(zipped ?? this.body);
  }
}

export function createWebChat(deps: WebChatDependencies): WebChat {
  const { config, logger } = deps;
  const widget = loadWidgetConfig(config.CONTENT_DIR, config.WIDGET_CONVERSATION_TTL_MINUTES);
  const forBrowser: BrowserWidgetConfig = browserConfig(widget, config.EMERGENCY_NUMBER);
  const origins = new OriginPolicy({
    allowedOrigins: parseOrigins(config.WIDGET_ALLOWED_ORIGINS),
    ...(config.WIDGET_PUBLIC_URL ? { publicUrl: config.WIDGET_PUBLIC_URL } : {}),
  });
  const azure = config.DIRECT_LINE_SECRET ? { secret: config.DIRECT_LINE_SECRET, endpoint: config.DIRECT_LINE_ENDPOINT.replace(/\/+$/, '') } : undefined;

  let directLine: LocalDirectLine | undefined;
  if (!azure) {
    if (!config.DIRECT_LINE_TOKEN_SECRET) {
      // Fine on one machine; a restart ends open chats, and instances cannot share tokens.
      const level = config.NODE_ENV === 'production' ? 'warn' : 'info';
      logger[level]('directline_random_token_key', { note: 'DIRECT_LINE_TOKEN_SECRET is not set: widget tokens use a random key and end with this process' });
    }
    directLine = new LocalDirectLine({
      storage: deps.storage,
      adapter: deps.adapter,
      logic: deps.logic,
      signer: new TokenSigner(config.DIRECT_LINE_TOKEN_SECRET, deps.now),
      logger,
      botName: widget.title,
      publicBase: (req) => origins.publicBase(req),
      originAllowed: (origin, req) => origins.isAllowed(origin, req),
      ...(deps.cluster ? { changeBus: deps.cluster.bus, rateLimitStore: deps.cluster.rateLimitStore('dl-post:') } : {}),
    });
  }

  // Pages and scripts are read once; only the nonce changes per request.
  const chatTemplate = readFileSync(join(WEB_DIR, 'chat.html'), 'utf8');
  const demoPage = readFileSync(join(WEB_DIR, 'demo.html'), 'utf8');
  const launcherConfig = {
    title: widget.title,
    launcherLabel: widget.launcherLabel,
    accent: widget.colors.accent,
    accentText: widget.colors.headerText,
  };
  const widgetScript = new StaticAsset(
    Buffer.from(readFileSync(join(WEB_DIR, 'widget.js'), 'utf8').replace('/*@backline-config*/ null', scriptJson(launcherConfig))),
    'text/javascript; charset=utf-8',
    'public, max-age=300',
  );
  const themeCss = new StaticAsset(
    Buffer.from(
      `:root {\n  --bl-accent: ${widget.colors.accent};\n  --bl-header-bg: ${widget.colors.headerBackground};\n  --bl-header-text: ${widget.colors.headerText};\n}\n`,
    ),
    'text/css; charset=utf-8',
    'public, max-age=300',
  );
  const bundlePath = webchatBundlePath();
  let bundle: StaticAsset | undefined;
  const webchatBundle = () => (bundle ??= new StaticAsset(readFileSync(bundlePath), 'text/javascript; charset=utf-8', 'public, max-age=86400'));
  statSync(bundlePath); // fail at start-up, not on the first visitor, if the bundle is missing

  const directLineConnect = azure ? connectSources(azure.endpoint) : [];
  const frameAncestors = [...origins.allowed];
  const commonHeaders = helmet({
    contentSecurityPolicy: false, // set per page below (nonces)
    crossOriginEmbedderPolicy: false,
    // Only the chat page is framed, and frame-ancestors says by whom; everything else: not at all.
    xFrameOptions: { action: 'deny' },
  });

  const chatPage = (req: Request, res: Response) => {
    const nonce = newNonce();
    const embedded = req.query.embed === '1';
    const connect = azure ? directLineConnect : connectSources(origins.publicBase(req));
    res.setHeader('Content-Security-Policy', chatPageCsp({ nonce, connectSources: connect, frameAncestors }));
    res.removeHeader('X-Frame-Options');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      fill(
        chatTemplate,
        {
          nonce,
          lang: escapeHtml(widget.locale),
          title: escapeHtml(widget.title),
          subtitle: escapeHtml(widget.subtitle),
          emergency: escapeHtml(config.EMERGENCY_NUMBER),
          avatar: widget.avatar.image ? `/static/${escapeHtml(widget.avatar.image)}` : '',
          mode: embedded ? 'bl-embedded' : 'bl-full',
          config: escapeHtml(scriptJson(forBrowser)),
          privacy_notice: escapeHtml(widget.privacy.notice),
          privacy_link: escapeHtml(widget.privacy.linkText),
          privacy_url: escapeHtml(widget.privacy.url),
          start_over: escapeHtml(widget.tools.startOver),
          start_over_hint: escapeHtml(widget.tools.startOverHint),
          download: escapeHtml(widget.tools.download),
          download_hint: escapeHtml(widget.tools.downloadHint),
          dismiss_notice: escapeHtml(widget.tools.dismissNotice),
        },
        { syntax: 'double_braces' },
      ),
    );
  };

  const tokenLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.DIRECT_LINE_TOKEN_RATE_LIMIT,
    ...(deps.cluster?.rateLimitStore('dl-token:') ? { store: deps.cluster.rateLimitStore('dl-token:')! } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'TooManyRequests', message: 'Too many new chats from this address; please try again in a minute.' } });
    },
  });

  const issueToken = async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (azure) {
      try {
        const exchanged = await generateAzureToken({ ...azure, ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}) });
        res.json({ ...exchanged, domain: azure.endpoint });
      } catch (error) {
        logger.warn('directline_token_exchange_failed', { status: error instanceof DirectLineExchangeError ? error.upstreamStatus : 0 });
        res.status(502).json({ error: { code: 'DirectLineUnavailable', message: 'The chat service is unavailable; please try again shortly.' } });
      }
      return;
    }
    res.json({ ...(await directLine!.issueToken()), domain: `${origins.publicBase(req)}/v3/directline` });
  };

  const router = express.Router();
  // Helmet on our own paths only: other routes on the app (mounted after us) keep their headers.
  router.use(['/static', '/api/directline', '/v3/directline'], commonHeaders);
  router.get('/', commonHeaders, (_req, res) => {
    res.setHeader('Content-Security-Policy', demoPageCsp());
    res.type('html').send(demoPage);
  });
  router.get('/chat', commonHeaders, chatPage);
  router.get('/widget.js', commonHeaders, (req, res) => {
    // Loaded by other sites' pages: it must be readable cross-origin.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    widgetScript.send(req, res);
  });
  router.get('/static/webchat.js', (req, res) => webchatBundle().send(req, res));
  router.get('/static/theme.css', (req, res) => themeCss.send(req, res));
  router.use('/static', express.static(join(WEB_DIR, 'static'), { index: false, dotfiles: 'ignore', maxAge: '5m', fallthrough: true }));
  router.use(['/api/directline', '/v3/directline'], origins.cors());
  router.post('/api/directline/token', tokenLimiter, issueToken);
  if (directLine) router.use('/v3/directline', directLine.router());

  const attached = new WeakSet<Server>();
  const attach = (server: Server) => {
    if (attached.has(server)) return;
    attached.add(server);
    // This server has no other WebSocket endpoint: an upgrade that is not a Direct Line stream
    // gets 404 and its socket closed (left alone, it would hold a descriptor for good).
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node stops watching an upgraded socket for errors: a reset before we answer must not throw.
      socket.on('error', () => socket.destroy());
      if (!directLine?.handleUpgrade(req, socket, head)) refuseUpgrade(socket, 404, 'Not Found');
    });
  };

  return {
    widget,
    directLine,
    mount(app: Express) {
      app.use(router);
    },
    attach,
    close() {
      directLine?.close();
    },
  };
}
