// Operator-facing parts of one Backline instance: readiness, Prometheus metrics and the turn
// observer that feeds them and the traces. Wired in src/app.ts; the metrics port is opened by
// `backline serve` (src/cli/serve.ts). See README "Operating Backline".
import type { Server } from 'node:http';
import type { Middleware } from '@microsoft/agents-hosting';
import type { Understander } from '../nlu/types.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { listenForMetrics, observabilityRouter } from './http.js';
import { BacklineMetrics, type MetricSources } from './metrics.js';
import { Readiness } from './readiness.js';
import { countingConflicts } from './storage.js';
import { startTracing, tracingActive, tracingConfigured, type Tracing } from './tracing.js';
import { tracedUnderstander, turnObserver } from './turns.js';

export { turnSteps, type TurnSteps } from './turns.js';
export type { SchemaAwareStorage, SchemaStatus } from './readiness.js';

export type ObservabilitySettings = Pick<
  Config,
  'METRICS_TOKEN' | 'METRICS_PORT' | 'METRICS_HOST' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'APPLICATIONINSIGHTS_CONNECTION_STRING' | 'OTEL_SERVICE_NAME'
>;

export interface Observability {
  /** Prometheus metrics; undefined when neither METRICS_TOKEN nor METRICS_PORT is set. */
  metrics: BacklineMetrics | undefined;
  /** Per-turn observation for the adapter; undefined when neither metrics nor traces are wanted. */
  middleware: Middleware | undefined;
  /** The storage to use: counts eTag conflicts when metrics are on, otherwise the same object. */
  storage: BacklineStorage;
  readiness: Readiness;
  router: ReturnType<typeof observabilityRouter>;
  /** The NLU for the bot: with understand spans when traces are wanted, otherwise the same object. */
  understander(nlu: Understander): Understander;
  readFrom(sources: MetricSources): void;
  /** `backline serve`: the metrics port (if any) and the trace exporters (if any); both end with close(). */
  startServing(logger: Logger): Promise<{ metricsPort?: number; traceExporters: string[] }>;
  close(): Promise<void>;
}

export function metricsEnabled(settings: ObservabilitySettings): boolean {
  return Boolean(settings.METRICS_TOKEN) || settings.METRICS_PORT !== undefined;
}

export function createObservability(settings: ObservabilitySettings, storage: BacklineStorage, options: { nluWarm?: boolean } = {}): Observability {
  const metrics = metricsEnabled(settings) ? new BacklineMetrics() : undefined;
  const traces = tracingConfigured(settings) || tracingActive();
  const observedStorage = metrics ? countingConflicts(storage, metrics) : storage;
  const readiness = new Readiness(observedStorage, options);
  let metricsServer: Server | undefined;
  let tracing: Tracing | undefined;
  return {
    metrics,
    middleware: metrics || traces ? turnObserver(metrics) : undefined,
    storage: observedStorage,
    readiness,
    router: observabilityRouter({
      readiness,
      metrics,
      ...(settings.METRICS_TOKEN ? { metricsToken: settings.METRICS_TOKEN } : {}),
      metricsOnOwnPort: settings.METRICS_PORT !== undefined,
    }),
    understander: (nlu) => (traces ? tracedUnderstander(nlu) : nlu),
    readFrom: (sources) => metrics?.readFrom(sources),
    async startServing(logger) {
      tracing = await startTracing(settings, { logger });
      const traceExporters = tracing?.exporters ?? [];
      if (!metrics || settings.METRICS_PORT === undefined) return { traceExporters };
      metricsServer = await listenForMetrics(metrics, {
        port: settings.METRICS_PORT,
        host: settings.METRICS_HOST,
        ...(settings.METRICS_TOKEN ? { token: settings.METRICS_TOKEN } : {}),
      });
      const address = metricsServer.address();
      const metricsPort = typeof address === 'object' && address ? address.port : settings.METRICS_PORT;
      logger.info('metrics_listening', { host: settings.METRICS_HOST, port: metricsPort });
      return { metricsPort, traceExporters };
    },
    async close() {
      if (metricsServer) {
        const server = metricsServer;
        metricsServer = undefined;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await tracing?.shutdown();
      tracing = undefined;
    },
  };
}
