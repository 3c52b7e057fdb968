// `backline serve`: the HTTP server, with a clear start-up line and a graceful shutdown.
import type { Server } from 'node:http';
import { createBackline, type Backline } from '../app.js';
import { createCluster } from '../cluster/index.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { createStorage } from '../storage/index.js';
import { errorName } from '../util/errors.js';

/** SIGTERM/SIGINT: the process is gone within this long, whatever is still open. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/** Requests still running this long after the signal have their connections cut. */
const DRAIN_MS = 7_000;

/** Runs the server until SIGTERM or SIGINT; resolves to the exit code. */
export async function serve(config: Config): Promise<number> {
  const started = performance.now();
  const logger = createLogger(config.LOG_LEVEL);
  const storage = createStorage({ kind: config.STORAGE, sqlitePath: config.SQLITE_PATH, databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  // PostgreSQL: refuses an out-of-date schema (SchemaOutOfDateError says to run `backline migrate`).
  const cluster = await createCluster(config, storage, logger).catch(async (error: unknown) => {
    await storage.close().catch(() => {});
    throw error;
  });
  const backline = createBackline(config, { logger, storage, cluster });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      // The server emits the error when listening fails (port taken, address not here).
      const listening = backline.createServer();
      listening.once('error', reject);
      listening.listen(config.PORT, config.HOST, () => {
        listening.off('error', reject);
        resolve(listening);
      });
    });
  } catch (error) {
    await backline.close();
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'EADDRINUSE'
        ? `port ${config.PORT} on ${config.HOST} is already in use (another Backline or another program); stop it or set PORT`
        : code === 'EADDRNOTAVAIL'
          ? `HOST ${config.HOST} is not an address of this machine`
          : code === 'EACCES'
            ? `no permission to listen on port ${config.PORT}`
            : `cannot listen on ${config.HOST}:${config.PORT} (${code ?? errorName(error)})`;
    backline.logger.error('listen_failed', { code: code ?? 'unknown', port: config.PORT });
    process.stderr.write(`backline: ${problem}.\n`);
    return 1;
  }
  // The metrics port and the trace exporters, when configured (closed by backline.close()).
  await backline.observability.startServing(backline.logger);
  // Listen first, then build the answer recognizers while already answering (about 1.3 s of work).
  backline.warmUpInBackground().catch((error: unknown) => backline.logger.warn('warm_up_failed', { error: errorName(error) }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  backline.logger.info('listening', {
    port,
    host: config.HOST,
    mode: config.localMode ? 'local' : 'azure',
    storage: config.STORAGE,
    startup_ms: Math.round(performance.now() - started),
  });
  if (config.SHOW_STARTUP_BANNER) {
    const mode = config.localMode
      ? 'local mode: no Microsoft app credentials, so only local clients can talk to the bot'
      : 'Azure mode: requests must carry a valid Bot Framework token';
    const shown = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' || config.HOST === '::' ? 'localhost' : config.HOST;
    process.stdout.write(`Backline is listening on http://${shown}:${port} (${mode}).\n  Bot endpoint: POST /api/messages   Health: GET /healthz\n`);
  }
  return new Promise<number>((resolve) => {
    const onSignal = (signal: string) => {
      backline.logger.info('shutting_down', { signal });
      // Whatever is still open then, the process goes.
      setTimeout(() => {
        backline.logger.warn('shutdown_forced', {});
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS - 500).unref();
      shutDown(server, backline).then(
        () => {
          backline.logger.info('shut_down', {});
          resolve(0);
        },
        () => resolve(1),
      );
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}

/**
 * The graceful part of a shutdown: no new connections; streams end (WebSockets 1001, console
 * event streams); requests in flight, bot turns included, run to their end (cut after `drainMs`);
 * idle keep-alive connections close; then storage closes.
 */
export function shutDown(server: Server, backline: Pick<Backline, 'stopStreams' | 'close'>, drainMs = DRAIN_MS): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  backline.stopStreams();
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), drainMs);
  cut.unref();
  return closed.then(async () => {
    clearTimeout(cut);
    await backline.close();
  });
}
