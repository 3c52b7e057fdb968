// `backline serve`: the HTTP server, with a clear start-up line and a graceful shutdown.
import type { Server } from 'node:http';
import { createBackline } from '../app.js';
import type { Config } from '../config.js';

export async function serve(config: Config): Promise<void> {
  const started = performance.now();
  const backline = createBackline(config);
  const server: Server = await new Promise((resolve) => {
    const listening = backline.http.listen(config.PORT, config.HOST, () => resolve(listening));
  });
  // The metrics port and the trace exporters, when configured (closed by backline.close()).
  await backline.observability.startServing(backline.logger);
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
