// HTTP routes: the Bot Framework endpoint and health. Bad requests get a 4xx with a short
// JSON reason; nothing a client sends can take the process down.
import express, { type ErrorRequestHandler, type Express } from 'express';
import { authorizeJWT, type AuthConfiguration, type CloudAdapter, type Request as AgentRequest } from '@microsoft/agents-hosting';
import type { BacklineBot } from '../bot/backlineBot.js';
import type { Logger } from '../logger.js';
import { errorName } from '../util/errors.js';

export interface HttpDependencies {
  adapter: CloudAdapter;
  bot: Pick<BacklineBot, 'handle'>;
  authConfig: AuthConfiguration;
  logger: Logger;
  localMode: boolean;
  /** Express `trust proxy` (TRUST_PROXY): which X-Forwarded-For hops give the client address (req.ip). */
  trustProxy?: false | number | string[];
  /**
   * Whether a conversation belongs to the built-in Direct Line (which checks its own tokens):
   * /api/messages must not drive it, or anyone knowing its id could talk in it.
   */
  ownedElsewhere?: (channelId: string, conversationId: string) => Promise<boolean>;
  /** Checked by /healthz: storage reachable, content loaded. */
  health: () => Promise<{ ok: boolean; details: Record<string, string> }>;
}

/** Activities are small; anything bigger is refused before it is parsed. */
export const MAX_BODY_BYTES = '256kb';

function isActivityShaped(body: unknown): body is { type: string; conversation: { id: string } } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const candidate = body as { type?: unknown; conversation?: { id?: unknown } };
  return (
    typeof candidate.type === 'string' &&
    candidate.type.length > 0 &&
    typeof candidate.conversation === 'object' &&
    candidate.conversation !== null &&
    typeof candidate.conversation.id === 'string' &&
    candidate.conversation.id.length > 0 &&
    candidate.conversation.id.length <= 512
  );
}

export function createHttpApp(deps: HttpDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Off unless configured: a client could otherwise pick its own address for the per-address limits.
  app.set('trust proxy', deps.trustProxy ?? false);

  app.get('/healthz', async (_req, res) => {
    const health = await deps.health().catch(() => ({ ok: false, details: { storage: 'error' } }));
    res.status(health.ok ? 200 : 503).json({ status: health.ok ? 'ok' : 'unavailable', mode: deps.localMode ? 'local' : 'azure', ...health.details });
  });

  const jwt = authorizeJWT(deps.authConfig);
  // The Bot Framework endpoint in a sub-application without ETags: Express would otherwise hash
  // every reply body for a header no POST ever uses (1.5 % of the server's CPU under load, #13).
  // Errors it does not handle reach this app's handler below; the other settings are inherited.
  const api = express();
  api.disable('etag');
  api.disable('x-powered-by');
  app.use(api);
  api.post(
    '/api/messages',
    express.json({ limit: MAX_BODY_BYTES, strict: true }),
    (req, res, next) => jwt(req as unknown as AgentRequest, res as never, next),
    async (req, res) => {
      if (!isActivityShaped(req.body)) {
        res.status(400).json({ error: 'The body must be an Activity with a type and conversation.id.' });
        return;
      }
      const channelId = (req.body as { channelId?: unknown }).channelId;
      if (deps.ownedElsewhere && typeof channelId === 'string' && (await deps.ownedElsewhere(channelId, req.body.conversation.id))) {
        res.status(403).json({ error: 'This conversation belongs to the web chat; post to it through Direct Line.' });
        return;
      }
      try {
        await deps.adapter.process(req as unknown as AgentRequest, res as never, (context) => deps.bot.handle(context));
      } catch (error) {
        deps.logger.error('process_failed', { error: errorName(error) });
        if (!res.headersSent) res.status(400).json({ error: 'The activity could not be processed.' });
      }
    },
  );

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) deps.logger.error('http_error', { error: errorName(error) });
    if (res.headersSent) return;
    const message = status === 413 ? 'Request body too large.' : status === 400 ? 'Malformed JSON.' : status === 500 ? 'Internal error.' : 'Bad request.';
    res.status(status).json({ error: message });
  };
  app.use(onError);
  return app;
}
