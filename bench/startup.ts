// The start-up probe, shared by `npm run bench` (one warm start, against its target) and
// `npm run bench:start` (this file run directly: cold and warm starts, several runs). It starts
// the built `backline serve` and times the first answer to the headline question. Wall-clock
// time depends on what else the machine runs, so the server's own CPU time until the answer
// (Linux /proc, user + system) is reported too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** User + system CPU seconds a process has used (fields 14 and 15 of /proc/PID/stat, in ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export interface StartupTime {
  /** Wall-clock ms from spawn to the first answer; NaN when none came. */
  wallMs: number;
  /** The server's CPU ms until then (NaN off Linux or when none came). */
  cpuMs: number;
}

/** Starts `backline serve` with this NLU cache and waits for its first answer (at most timeoutMs). */
export async function firstAnswer(options: { cacheDir: string; timeoutMs: number; pollMs?: number }): Promise<StartupTime> {
  const dir = mkdtempSync(join(tmpdir(), 'backline-start-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const start = performance.now();
  const child = spawn(process.execPath, ['bin/backline.js', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: join(dir, 'start.db'),
      NLU_CACHE_DIR: options.cacheDir,
      LOG_LEVEL: 'error',
      SHOW_STARTUP_BANNER: 'false',
    },
    stdio: 'ignore',
  });
  try {
    // A server that exits (its port taken by something else) is a failed run, not a long wait.
    while (performance.now() - start < options.timeoutMs && child.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            text: 'why does my back hurt when I lift my leg',
            channelId: 'webchat',
            deliveryMode: 'expectReplies',
            serviceUrl: 'http://127.0.0.1:1',
            conversation: { id: 'startup' },
            from: { id: 'u' },
            recipient: { id: 'b' },
          }),
        });
        const body = (await res.json()) as { activities?: { text?: string }[] };
        if (body.activities?.some((a) => /nerve/i.test(a.text ?? ''))) return { wallMs: performance.now() - start, cpuMs: cpuSeconds(child.pid) * 1000 };
      } catch {
        await new Promise((r) => setTimeout(r, options.pollMs ?? 20));
      }
    }
    return { wallMs: NaN, cpuMs: NaN };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench:start [runs]`: each run starts once with an empty NLU cache, then once with it warm. */
async function main(runs: number): Promise<void> {
  const cold: StartupTime[] = [];
  const warm: StartupTime[] = [];
  for (let i = 0; i < runs; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'backline-start-cache-'));
    cold.push(await firstAnswer({ cacheDir: cache, timeoutMs: 300_000 }));
    warm.push(await firstAnswer({ cacheDir: cache, timeoutMs: 300_000 }));
    rmSync(cache, { recursive: true, force: true });
  }
  const fmt = (xs: StartupTime[]) => xs.map((x) => `${(x.wallMs / 1000).toFixed(2)} s (CPU ${(x.cpuMs / 1000).toFixed(2)} s)`).join(', ');
  console.log(`start-up to first answer, empty NLU cache: ${fmt(cold)}`);
  console.log(`start-up to first answer, warm NLU cache:  ${fmt(warm)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(Number(process.argv[2] ?? 3));
