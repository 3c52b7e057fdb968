// `backline serve` (the built CLI: npm test builds first) with METRICS_PORT: the metrics port
// opens on loopback beside the main port, /readyz turns 200 once the NLU is warm, and SIGTERM
// closes both.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';

it('serves /metrics on METRICS_PORT (loopback) and /readyz on the main port', async () => {
  const child = spawn(process.execPath, ['bin/backline.js', 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      STORAGE: 'memory',
      NLU_CACHE_DIR: 'data/test-nlu-cache',
      LOG_LEVEL: 'info',
      SHOW_STARTUP_BANNER: 'false',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const ports: { main?: number; metrics?: number; host?: string } = {};
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no listening lines')), 60_000);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        let entry: { event?: string; port?: number; host?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return;
        }
        if (entry.event === 'listening') ports.main = entry.port;
        if (entry.event === 'metrics_listening') Object.assign(ports, { metrics: entry.port, host: entry.host });
        if (ports.main && ports.metrics) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code}`)));
    });
    expect(ports.host).toBe('127.0.0.1');
    expect(ports.metrics).not.toBe(ports.main);
    const metrics = await fetch(`http://127.0.0.1:${ports.metrics}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('backline_turns_total');
    expect((await fetch(`http://127.0.0.1:${ports.main}/metrics`)).status).toBe(404);
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${ports.main}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
    child.kill('SIGTERM');
    await exited;
    await expect(fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).rejects.toThrow();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 90_000);
