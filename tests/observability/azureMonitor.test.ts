// APPLICATIONINSIGHTS_CONNECTION_STRING: the Azure Monitor distro loads, and the turn spans reach
// the ingestion endpoint named in the connection string (a capture server on loopback here),
// without message text. Live metrics and the exporter's own usage telemetry are off, so nothing
// is sent anywhere else.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { close } from '../helpers/http.js';
import { captureApp, saySensitiveMessage, SENSITIVE_MESSAGE, type CapturedRequest } from '../helpers/telemetryCapture.js';

const received: CapturedRequest[] = [];
let ingestion: { server: Server; url: string };
let tracing: Tracing | undefined;

/** The exporter speaks only HTTPS: a self-signed certificate for 127.0.0.1, trusted by this test process only. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'backline-ai-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  // The ingestion endpoint answers with how many items it took (one per line).
  const app = captureApp(received, (body) => {
    const items = body.split('\n').filter(Boolean).length;
    return { itemsReceived: items, itemsAccepted: items, errors: [] };
  });
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const server = createServer(selfSignedCertificate(), app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  ingestion = { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
  tracing = await startTracing({
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${ingestion.url}/`,
  });
}, 60_000);
afterAll(async () => {
  await tracing?.shutdown();
  await close(ingestion.server);
});

it('exports the turn spans to the ingestion endpoint, without message text', async () => {
  expect(tracing?.exporters).toEqual(['azure-monitor']);
  await saySensitiveMessage();
  await tracing!.flush();
  await expect.poll(() => received.some((r) => r.body.includes('backline.turn')), { timeout: 15_000 }).toBe(true);
  const all = received.map((r) => r.body).join('\n');
  expect(all).toContain('backline.send');
  for (const word of SENSITIVE_MESSAGE.words) expect(all).not.toContain(word);
  expect(received.every((r) => r.path.startsWith('/v2'))).toBe(true);
}, 60_000);
