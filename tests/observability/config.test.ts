// The operating settings in src/config.ts, and that .env.example documents each of them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('operating settings', () => {
  it('default to no metrics, loopback metrics host, no traces', () => {
    const config = loadConfig({});
    expect(config.METRICS_TOKEN).toBeUndefined();
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.METRICS_HOST).toBe('127.0.0.1');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
    expect(config.OTEL_SERVICE_NAME).toBe('backline');
  });

  it('read the values given', () => {
    const config = loadConfig({
      METRICS_TOKEN: 'x'.repeat(16),
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc;IngestionEndpoint=https://example.in.applicationinsights.azure.com/',
    });
    expect(config).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '0.0.0.0', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
  });

  it('refuse a short token, a bad port, a collector that is not a URL and a wrong connection string, naming the variable', () => {
    for (const [name, value] of [
      ['METRICS_TOKEN', 'short'],
      ['METRICS_PORT', '70000'],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'otel collector'],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
      ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'not-a-connection-string'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });

  it('are each documented in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    for (const name of [
      'METRICS_TOKEN',
      'METRICS_PORT',
      'METRICS_HOST',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_SERVICE_NAME',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
    ]) {
      expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });
});
