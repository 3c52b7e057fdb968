// OpenTelemetry traces. Off unless OTEL_EXPORTER_OTLP_ENDPOINT or
// APPLICATIONINSIGHTS_CONNECTION_STRING is set: then, and only then, the Node SDK is loaded (a
// dynamic import), so a server without them starts and answers exactly as before.
//
// The Microsoft 365 Agents SDK (through @microsoft/agents-telemetry) traces with the global
// @opentelemetry/api too: its `agents.adapter.process` span is the parent of our `backline.turn`,
// and its send spans are children of our `backline.send`. With DEBUG=agents:* the Agents SDK also
// writes its debug log to the OpenTelemetry logs API, activities (message text) included; so no log pipeline is ever
// registered here: a no-op logger provider is installed first (the first one registered wins),
// and neither SDK gets a log processor or exporter.
import { trace, type Tracer } from '@opentelemetry/api';
import type { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import type { Logger } from '../logger.js';
import { errorName } from '../util/errors.js';

export const TRACER_NAME = 'backline';

type SpanProcessor = sdkTracing.SpanProcessor;

export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  APPLICATIONINSIGHTS_CONNECTION_STRING?: string | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
}

export interface TracingOptions {
  /** Span processors to use instead of the exporters the settings name (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  logger?: Logger;
}

export interface Tracing {
  /** Which exporters are on, for the start-up log. */
  exporters: string[];
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Flushes what is buffered and stops; idempotent. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** True once tracing has been started in this process; the turn spans are made only then. */
export function tracingActive(): boolean {
  return active !== undefined;
}

export function tracingConfigured(settings: TracingSettings): boolean {
  return Boolean(settings.OTEL_EXPORTER_OTLP_ENDPOINT || settings.APPLICATIONINSIGHTS_CONNECTION_STRING);
}

export function backlineTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Starts tracing when the settings ask for it (or span processors are given); otherwise does
 * nothing and loads nothing. One tracing setup per process: a second call returns the first.
 */
export async function startTracing(settings: TracingSettings, options: TracingOptions = {}): Promise<Tracing | undefined> {
  if (active) return active;
  if (!tracingConfigured(settings) && !options.spanProcessors) return undefined;
  await silenceOpenTelemetryLogs();
  const { NodeSDK, tracing, resources } = await import('@opentelemetry/sdk-node');
  const serviceName = settings.OTEL_SERVICE_NAME ?? 'backline';
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  const exporters: string[] = options.spanProcessors ? ['custom'] : [];
  if (!options.spanProcessors && settings.OTEL_EXPORTER_OTLP_ENDPOINT) {
    // OTLP/HTTP (JSON) to <endpoint>/v1/traces; OTEL_EXPORTER_OTLP_HEADERS and _TIMEOUT are read from the environment.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const base = settings.OTEL_EXPORTER_OTLP_ENDPOINT.endsWith('/') ? settings.OTEL_EXPORTER_OTLP_ENDPOINT : `${settings.OTEL_EXPORTER_OTLP_ENDPOINT}/`;
    processors.push(new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: new URL('v1/traces', base).toString() })) as unknown as SpanProcessor);
    exporters.push('otlp');
  }
  const shutdowns: (() => Promise<void>)[] = [];
  if (!options.spanProcessors && settings.APPLICATIONINSIGHTS_CONNECTION_STRING) {
    const azure = await startAzureMonitor(settings.APPLICATIONINSIGHTS_CONNECTION_STRING, serviceName, processors, options.logger);
    if (azure) {
      shutdowns.push(azure);
      exporters.push('azure-monitor');
    }
  }
  if (!exporters.includes('azure-monitor')) {
    const sdk = new NodeSDK({
      resource: resources.resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: processors as never,
      // Never a log pipeline (see the top of this file) and no OpenTelemetry metrics: /metrics is Prometheus.
      logRecordProcessors: [],
      metricReaders: [],
      instrumentations: [],
    });
    sdk.start();
    shutdowns.push(() => sdk.shutdown());
  }
  let stopped: Promise<void> | undefined;
  const handle: Tracing = {
    exporters,
    flush: async () => {
      const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
      await provider.getDelegate?.().forceFlush?.();
    },
    shutdown: () => {
      stopped ??= Promise.allSettled(shutdowns.map((stop) => stop())).then(() => {
        if (active === handle) active = undefined;
        trace.disable();
      });
      return stopped;
    },
  };
  active = handle;
  options.logger?.info('tracing_started', { exporters: exporters.join(',') });
  return handle;
}

/** Registers a no-op logger provider before any SDK can register one that exports. */
async function silenceOpenTelemetryLogs(): Promise<void> {
  const { logs, createNoopLogger } = await import('@opentelemetry/api-logs');
  const noop = createNoopLogger();
  logs.setGlobalLoggerProvider({ getLogger: () => noop });
}

/**
 * Azure Monitor (Application Insights) through its OpenTelemetry distro: traces only in effect.
 * Its automatic instrumentations are off (they would need to load before everything else, and
 * the console one would copy logs out); live metrics are off; Microsoft's own usage telemetry
 * from the exporter (statsbeat) is off unless APPLICATIONINSIGHTS_STATSBEAT_DISABLED says otherwise.
 */
async function startAzureMonitor(
  connectionString: string,
  serviceName: string,
  extraProcessors: SpanProcessor[],
  logger?: Logger,
): Promise<(() => Promise<void>) | undefined> {
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED ??= 'true';
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
  try {
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    const { resources } = await import('@opentelemetry/sdk-node');
    const off = { enabled: false };
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString, disableOfflineStorage: true },
      resource: resources.resourceFromAttributes({ 'service.name': serviceName }) as never,
      enableLiveMetrics: false,
      spanProcessors: extraProcessors as never,
      instrumentationOptions: {
        http: off,
        azureSdk: off,
        mongoDb: off,
        mySql: off,
        postgreSql: off,
        redis: off,
        redis4: off,
        bunyan: off,
        winston: off,
        console: off,
      },
    });
    return () => shutdownAzureMonitor();
  } catch (error) {
    logger?.error('azure_monitor_failed', { error: errorName(error) });
    return undefined;
  }
}
