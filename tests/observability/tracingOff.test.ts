// Without OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING the tracing SDK
// is never loaded: only the OpenTelemetry API packages the Agents SDK itself imports (no-ops).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createBackline } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';

const FIXTURE = 'tests/observability/fixtures/loadedTelemetry.mjs';

function loadedAfterOneTurn(env: Record<string, string>): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(env)], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[];
}

describe('tracing off', () => {
  it('loads no OpenTelemetry SDK, exporter or Azure Monitor package', () => {
    const loaded = loadedAfterOneTurn({});
    expect(loaded.sort()).toEqual(['@opentelemetry/api', '@opentelemetry/api-logs']);
  }, 90_000);

  it('installs no turn observer when neither metrics nor traces are configured', async () => {
    const backline = createBackline(loadConfig({ STORAGE: 'memory', LOG_LEVEL: 'silent', NLU_CACHE_DIR: 'data/test-nlu-cache' }), {
      logger: silentLogger,
      retentionSweep: false,
    });
    try {
      expect(backline.observability.middleware).toBeUndefined();
      expect(backline.observability.metrics).toBeUndefined();
      expect(await backline.observability.startServing(silentLogger)).toEqual({ traceExporters: [] });
    } finally {
      await backline.close();
    }
  });
});
