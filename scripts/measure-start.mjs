// Start-up to first answer of `backline serve` (built), with an empty NLU cache (the first start
// after a fresh clone without the install step) and with a warm one (after `npm install`).
// Wall-clock time depends on what else the machine runs, so the server's own CPU time until the
// answer (Linux /proc, user + system) is reported too. Usage: node scripts/measure-start.mjs [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** User + system CPU seconds a process has used (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function firstAnswer(cacheDir) {
  const dir = mkdtempSync(join(tmpdir(), 'backline-start-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const start = performance.now();
  const child = spawn(process.execPath, ['bin/backline.js', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: join(dir, 'start.db'),
      NLU_CACHE_DIR: cacheDir,
      LOG_LEVEL: 'error',
      SHOW_STARTUP_BANNER: 'false',
    },
    stdio: 'ignore',
  });
  try {
    // A server that exits (its port taken by something else) is a failed run, not a long wait.
    while (performance.now() - start < 300_000 && child.exitCode === null) {
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
        const body = await res.json();
        if (body.activities?.some((a) => /nerve/i.test(a.text ?? ''))) return { wall: performance.now() - start, cpu: cpuSeconds(child.pid) * 1000 };
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return { wall: NaN, cpu: NaN };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = Number(process.argv[2] ?? 3);
const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const cache = mkdtempSync(join(tmpdir(), 'backline-start-cache-'));
  cold.push(await firstAnswer(cache));
  warm.push(await firstAnswer(cache));
  rmSync(cache, { recursive: true, force: true });
}
const fmt = (xs) => xs.map((x) => `${(x.wall / 1000).toFixed(2)} s (CPU ${(x.cpu / 1000).toFixed(2)} s)`).join(', ');
console.log(`start-up to first answer, empty NLU cache: ${fmt(cold)}`);
console.log(`start-up to first answer, warm NLU cache:  ${fmt(warm)}`);
