// `[CPU_PROF_DIR=DIR] node --import tsx bench/profileHttp.ts [sqlite|echo|both]`: the HTTP load of
// `npm run bench` against one server, with the server's own CPU time per turn (from /proc, so other
// work on the machine does not count) and, with a directory, a V8 CPU profile of the server.
// CPU per turn is steadier than turns per second on a shared machine: compare Backline's with the
// echo bot's. BENCH_BASELINE=<a built checkout> adds that build's SQLite server; ROUNDS=N repeats.
// The servers run one after another, and on a loaded machine the one measured second has come out
// cheaper in every pair (session 9): odd rounds run them in the reverse order, so use an even ROUNDS.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startListening, stopChild, type ListeningProcess } from '../tests/helpers/nativeServers.js';
import { load, MEASURED_SCRIPTS, WARM_UP_SCRIPTS } from './cluster.js';
import { firstPositional } from './args.js';

const which = firstPositional ?? 'both';
const profileDir = process.env.CPU_PROF_DIR;
// PERF_DIR=DIR: `perf record` of the server during the load (on-CPU samples only, so time spent
// waiting for a core on a shared machine is not counted, unlike --cpu-prof's wall-clock samples);
// JavaScript frames named through --perf-basic-prof. Read with `perf report -i DIR/<label>.data`.
const perfDir = process.env.PERF_DIR;

async function measure(label: string, args: string[], env: Record<string, string>): Promise<void> {
  // One directory per server and Node's default file names: with `--import tsx` the module loader's
  // thread writes a profile too, and one fixed name would let it overwrite the main thread's.
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, label)}`] : perfDir ? ['--perf-basic-prof'] : [];
  // Up to 3 minutes to listen: at a load average near 20 a cold start took over the minute.
  const server: ListeningProcess = await startListening([...profile, ...args], { LOG_LEVEL: 'error', NODE_ENV: 'development', ...env }, 180_000);
  try {
    // Backline warms its answer recognizers up after listening: not a turn's cost.
    while ((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status === 503) await new Promise((r) => setTimeout(r, 200));
    const perf = perfDir
      ? spawn('perf', ['record', '-F', '997', '-g', '-o', join(perfDir, `${label}.data`), '-p', String(server.child.pid)], { stdio: 'ignore' })
      : undefined;
    try {
      // LOADS=N: the same load N times on one server (later loads: a warm JIT and heap).
      for (let repeat = 0; repeat < Number(process.env.LOADS ?? 1); repeat++) {
        const client = process.cpuUsage();
        const result = await load(label, `http://127.0.0.1:${server.port}`, [server.child.pid!]);
        const clientUsage = process.cpuUsage(client);
        // The load generator's CPU covers the warm-up phase too: per turn over both phases (approx.).
        const allTurns = result.turnsPerSecond > 0 ? (result.measuredTurns * (WARM_UP_SCRIPTS + MEASURED_SCRIPTS)) / MEASURED_SCRIPTS : NaN;
        console.log(
          `${label.padEnd(8)} ${result.turnsPerSecond.toFixed(0).padStart(5)} turns/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  server CPU ${result.serverCpuMs?.toFixed(2) ?? '?'} ms per measured turn, load generator ${((clientUsage.user + clientUsage.system) / 1000 / allTurns).toFixed(2)} ms (approx.)  errors ${result.errors}  load average ${result.loadAverage[0].toFixed(1)}`,
        );
      }
    } finally {
      if (perf) await new Promise((resolve) => perf.once('exit', resolve).kill('SIGINT'));
    }
  } finally {
    await stopChild(server.child);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'backline-profile-http-'));
try {
  const sqliteEnv = (file: string) => ({ NLU_CACHE_DIR: 'data/nlu-cache', RETENTION_DAYS: '30', STORAGE: 'sqlite', SQLITE_PATH: join(dir, file) });
  const rounds = Number(process.env.ROUNDS ?? 1);
  for (let round = 0; round < rounds; round++) {
    if (which === 'echo' || which === 'both') await measure('echo', ['--import', 'tsx', 'bench/echoBot.ts'], {});
    if (which !== 'sqlite' && which !== 'both') continue;
    const servers: (() => Promise<void>)[] = [() => measure('sqlite', ['bin/backline.js', 'serve'], sqliteEnv(`profile-${round}.db`))];
    // SERVER_NODE_OPTIONS=...: the same server again with those Node options (V8 heap flags, say).
    if (process.env.SERVER_NODE_OPTIONS)
      servers.push(() =>
        measure('sqlite+opts', ['bin/backline.js', 'serve'], { ...sqliteEnv(`options-${round}.db`), NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS! }),
      );
    // SERVER_NODE_ARGS=...: the same server again with these node arguments (V8 flags, which NODE_OPTIONS refuses).
    if (process.env.SERVER_NODE_ARGS)
      servers.push(() =>
        measure('sqlite+args', [...process.env.SERVER_NODE_ARGS!.split(' ').filter(Boolean), 'bin/backline.js', 'serve'], sqliteEnv(`args-${round}.db`)),
      );
    // BENCH_BASELINE=<a built checkout>: the same load on that build's server, for before/after.
    const baseline = process.env.BENCH_BASELINE;
    if (baseline) servers.push(() => measure('baseline', [join(baseline, 'bin/backline.js'), 'serve'], sqliteEnv(`baseline-${round}.db`)));
    // Every other round in the reverse order (ABBA...): on a loaded machine the server measured
    // second of a pair has come out cheaper, so a comparison needs both orders (an even ROUNDS).
    if (round % 2 === 1) servers.reverse();
    for (const server of servers) await server();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
