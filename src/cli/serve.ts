// `backline serve`: the HTTP server, with a clear start-up line and a graceful shutdown.
import type { Server } from 'node:http';
import { createBackline } from '../app.js';
import { createCluster } from '../cluster/index.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { createStorage } from '../storage/index.js';

export async function serve(config: Config): Promise<void> {
  const started = performance.now();
  const logger = createLogger(config.LOG_LEVEL);
  const storage = createStorage({ kind: config.STORAGE, sqlitePath: config.SQLITE_PATH, databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  // PostgreSQL: refuses an out-of-date schema (SchemaOutOfDateError says to run `backline migrate`).
  const cluster = await createCluster(config, storage, logger).catch(async (error: unknown) => {
    await storage.close().catch(() => {});
    throw error;
  });
  const backline = createBackline(config, { logger, storage, cluster });
  const server: Server = await new Promise((resolve) => {
    const listening = backline.http.listen(config.PORT, config.HOST, () => resolve(listening));
  });
  // Listen first, then build the answer recognizers while already answering (about 1.3 s of work).
  backline.warmUpInBackground().catch((error: unknown) => backline.logger.warn('warm_up_failed', { error: error instanceof Error ? error.name : 'unknown' }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  backline.logger.info('listening', {
    port,
    mode: config.localMode ? 'local' : 'azure',
    storage: config.STORAGE,
    startup_ms: Math.round(performance.now() - started),
  });
  if (config.SHOW_STARTUP_BANNER) {
    const mode = config.localMode
      ? 'local mode: no Microsoft app credentials, so only local clients can talk to the bot'
      : 'Azure mode: requests must carry a valid Bot Framework token';
    process.stdout.write(`Backline is listening on http://localhost:${port} (${mode}).\n  Bot endpoint: POST /api/messages   Health: GET /healthz\n`);
  }
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      backline.logger.info('shutting_down', {});
      server.close(() => {
        void backline.close().then(resolve);
      });
      // Do not wait forever for keep-alive connections.
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
