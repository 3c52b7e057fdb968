// GET /readyz, and GET /metrics either on the main port behind a bearer token (METRICS_TOKEN) or
// on a port of its own (METRICS_PORT, loopback unless METRICS_HOST says otherwise).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { BacklineMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export function readinessRoute(readiness: Readiness): RequestHandler {
  return async (_req, res) => {
    const report = await readiness.check();
    res
      .status(report.ready ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: report.ready ? 'ready' : 'not_ready', ...report.checks, ...(report.ready ? {} : { reasons: report.reasons }) });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares the request's bearer token with `token` in constant time. */
export function hasBearerToken(req: Request, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export function metricsRoute(metrics: BacklineMetrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token !== undefined && !hasBearerToken(req, token)) {
      res.status(401).set('www-authenticate', 'Bearer realm="metrics"').json({ error: 'A bearer token is needed for /metrics.' });
      return;
    }
    try {
      const body = await metrics.exposition();
      res.status(200).set('content-type', metrics.contentType()).set('cache-control', 'no-store').send(body);
    } catch {
      res.status(500).json({ error: 'Metrics could not be collected.' });
    }
  };
}

/** Routes for the main app: /readyz always; /metrics only when it is not served on its own port. */
export function observabilityRouter(options: { readiness: Readiness; metrics?: BacklineMetrics; metricsToken?: string; metricsOnOwnPort: boolean }): Router {
  const router = express.Router();
  router.get('/readyz', readinessRoute(options.readiness));
  if (options.metrics && options.metricsToken && !options.metricsOnOwnPort) router.get('/metrics', metricsRoute(options.metrics, options.metricsToken));
  return router;
}

/** The metrics port: /metrics only (with the token too, when one is set). */
export async function listenForMetrics(metrics: BacklineMetrics, options: { port: number; host: string; token?: string }): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsRoute(metrics, options.token));
  app.use((_req, res) => {
    res.status(404).json({ error: 'Only /metrics is served here.' });
  });
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
