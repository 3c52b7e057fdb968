// The HTTP load benchmark (issue #13): the same scripted conversations through
// POST /api/messages (deliveryMode expectReplies) against
//   (a) the Agents SDK's smallest echo bot (the floor),
//   (b) Backline on SQLite (one process),
//   (c) Backline on PostgreSQL with one, two and three instances behind HAProxy (round robin).
// Each server runs in its own process; the load generator runs here, on the same machine (so on a
// 2-core machine it takes CPU from the servers: say so when reading the numbers).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCRIPT } from './script.js';
import { createPool } from '../src/storage/postgres/pool.js';
import { migrate } from '../src/storage/postgres/schema.js';
import {
  createDatabase,
  startHaproxy,
  startListening,
  startPostgres,
  stopChild,
  type HaproxyServer,
  type ListeningProcess,
} from '../tests/helpers/nativeServers.js';
import { rounds as roundsFlag } from './args.js';

// The same work for every target, echo included: CONCURRENT_CONVERSATIONS people at once, each
// playing SCRIPT through WARM_UP_SCRIPTS times unmeasured (V8 compiles and optimises the hot code,
// caches and pools fill), then MEASURED_SCRIPTS times measured. Fixed work, not fixed seconds: every
// target answers the same number of conversations and turns, so a faster server is not also
// measured on a longer, warmer run. BENCH_CONVERSATIONS / BENCH_WARM_UP_SCRIPTS /
// BENCH_MEASURED_SCRIPTS change them (the headline numbers use 16 / 3 / 4: 1,152 warm-up and
// 1,536 measured turns per target).
const CONCURRENT_CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 16);
export const WARM_UP_SCRIPTS = Number(process.env.BENCH_WARM_UP_SCRIPTS ?? 3);
export const MEASURED_SCRIPTS = Number(process.env.BENCH_MEASURED_SCRIPTS ?? 4);
const TOKEN_SECRET = 'bench-direct-line-token-secret-0123456789abcdef';

export interface LoadResult {
  label: string;
  turnsPerSecond: number;
  /** Turns answered in the measured phase. */
  measuredTurns: number;
  p50: number;
  p99: number;
  /** The server processes' own CPU (user + system) per answered turn in the measured seconds, ms. */
  serverCpuMs?: number;
  errors: number;
  /** When turns failed: how (HTTP status or error), with counts (warm-up included). */
  why?: string;
  /** The machine's one-minute load average when the measured phase started and ended. */
  loadAverage: [number, number];
  /** The server processes' resident memory right after the measured phase (warm), MB, summed over instances. */
  residentMb?: number;
  /** Behind HAProxy: the instances its health checks marked down during the load (warm-up included), with the reason. */
  proxyDown?: string;
}

type Server = ListeningProcess;

/** A server process; development mode, as an operator runs it on their own machine. */
function startProcess(args: string[], env: Record<string, string>): Promise<Server> {
  return startListening(args, { LOG_LEVEL: 'error', NODE_ENV: 'development', ...env }, 60_000);
}

/** Backline in local mode (no credentials), from the build (npm run bench builds first), or from another checkout's build. */
function startBackline(env: Record<string, string>, checkout = '.'): Promise<Server> {
  return startProcess([join(checkout, 'bin/backline.js'), 'serve'], { NLU_CACHE_DIR: 'data/nlu-cache', RETENTION_DAYS: '30', ...env });
}

/**
 * BENCH_BASELINE=<a built checkout of an earlier commit>: each round also runs that build's
 * SQLite and PostgreSQL servers (same content, cache and load), for before/after under the same
 * machine load. Its PostgreSQL database is migrated by its own code.
 */
const BASELINE = process.env.BENCH_BASELINE;

async function turn(url: string, conversationId: string, text: string): Promise<boolean> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      text,
      channelId: 'webchat',
      deliveryMode: 'expectReplies',
      serviceUrl: 'http://127.0.0.1:1',
      conversation: { id: conversationId },
      from: { id: `user-${conversationId}` },
      recipient: { id: 'bot' },
      locale: 'en-US',
    }),
  });
  const raw = await res.text();
  let body: { activities?: unknown[] } = {};
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    // An HTML error page (the proxy's 503): counted below by its status.
  }
  const ok = res.ok && Array.isArray(body.activities) && body.activities.length > 0;
  if (!ok) failures.set(`HTTP ${res.status}`, (failures.get(`HTTP ${res.status}`) ?? 0) + 1);
  return ok;
}

/** Why turns failed in the current load, by HTTP status or error name. */
const failures = new Map<string, number>();

/** Until the proxy passes requests on (its health checks have seen an instance up), at most 60 s. */
async function proxyReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the proxy at ${url} passes nothing on`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** CONCURRENT_CONVERSATIONS people, each going through SCRIPT again and again, for a fixed time. */
/**
 * CPU (user + system) a process has used so far, ms, from Linux's /proc (clock ticks of 10 ms);
 * undefined elsewhere. Steadier than turns per second on a shared machine: other work does not count.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
/** Resident memory of a process now, MB (Linux /proc; undefined elsewhere). */
export function processResidentMb(pid: number): number | undefined {
  try {
    const line = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
const totalResidentMb = (pids: number[]) => {
  const each = pids.map(processResidentMb);
  return pids.length > 0 && each.every((mb) => mb !== undefined) ? each.reduce((a, b) => a! + b!, 0) : undefined;
};
const totalCpuMs = (pids: number[]) => {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return pids.length > 0 ? total : undefined;
};

/** `pids`: the server processes, for their CPU per turn. */
export async function load(label: string, url: string, pids: number[] = []): Promise<LoadResult> {
  // One whole conversation first: Backline builds its answer recognizers on first use (after listening).
  const warmUpId = `bench-warm-up-${Math.random().toString(36).slice(2, 8)}`;
  // Building them blocks the instance for a moment; on a busy machine the proxy may mark it down
  // meanwhile (503), so a warm-up turn is tried again until it is answered.
  const deadline = Date.now() + 90_000;
  for (const text of SCRIPT) {
    while (!(await turn(url, warmUpId, text).catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`${label}: no answer during the warm-up`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  /** Every person plays SCRIPT `scripts` times, each time as a new conversation; latencies of answered turns. */
  const phase = async (name: string, scripts: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const person = async (index: number) => {
      for (let round = 0; round < scripts; round++) {
        const conversationId = `bench-${label.replace(/\W+/g, '-')}-${name}-${index}-${round}-${Math.random().toString(36).slice(2, 8)}`;
        for (const text of SCRIPT) {
          const started = performance.now();
          const ok = await turn(url, conversationId, text).catch((error: unknown) => {
            const why = error instanceof Error ? error.name : 'error';
            failures.set(why, (failures.get(why) ?? 0) + 1);
            return false;
          });
          if (ok) latencies.push(performance.now() - started);
          else errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_CONVERSATIONS }, (_, i) => person(i)));
    return { latencies, errors };
  };
  failures.clear();
  await phase('warm-up', WARM_UP_SCRIPTS);
  const cpuBefore = totalCpuMs(pids);
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const { latencies, errors } = await phase('measured', MEASURED_SCRIPTS);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = totalCpuMs(pids);
  const residentMb = totalResidentMb(pids);
  const answered = latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    label,
    turnsPerSecond: answered / seconds,
    measuredTurns: answered,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? { serverCpuMs: (cpuAfter - cpuBefore) / answered } : {}),
    p50: at(50),
    p99: at(99),
    errors,
    loadAverage: [loadBefore, loadavg()[0]!],
    ...(errors > 0 ? { why: [...failures].map(([k, n]) => `${k} ×${n}`).join(', ') } : {}),
    ...(residentMb !== undefined ? { residentMb } : {}),
  };
}

/** `--rounds N` (default 3): every target N times, interleaved, so each ratio is taken within one round's minutes. */
function rounds(): number {
  return roundsFlag;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
/** "median (min–max)" of percentages, or the one value. */
const spread = (values: number[], digits = 0) =>
  values.length > 1
    ? `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`
    : values[0]!.toFixed(digits);

interface Round {
  echo: LoadResult;
  sqlite: LoadResult;
  pg: LoadResult[];
  before?: { sqlite: LoadResult; pg1: LoadResult };
}

export async function clusterBenchmark(report: (name: string, value: string, target: string, met: boolean) => void): Promise<LoadResult[]> {
  const perRound: Round[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'backline-bench-cluster-'));
  const children: ChildProcess[] = [];
  let proxy: HaproxyServer | undefined;
  const postgres = await startPostgres();
  try {
    const databaseUrl = await createDatabase(postgres.url, 'bench');
    const pool = createPool(databaseUrl, { max: 1 });
    await migrate(pool);
    await pool.end();
    const env = { STORAGE: 'postgres', DATABASE_URL: databaseUrl, DIRECT_LINE_TOKEN_SECRET: TOKEN_SECRET };
    let baselineEnv: Record<string, string> | undefined;
    if (BASELINE) {
      const baselineUrl = await createDatabase(postgres.url, 'bench_baseline');
      const schema = (await import(resolve(BASELINE, 'dist/storage/postgres/schema.js'))) as { migrate: typeof migrate };
      const baselinePool = createPool(baselineUrl, { max: 1 });
      await schema.migrate(baselinePool);
      await baselinePool.end();
      baselineEnv = { ...env, DATABASE_URL: baselineUrl };
    }
    /** PostgreSQL behind HAProxy with `count` fresh instances. */
    const pgCluster = async (label: string, count: number, serverEnv: Record<string, string>, checkout?: string) => {
      const instances: Server[] = [];
      try {
        for (let i = 0; i < count; i++) {
          const started = await startBackline(serverEnv, checkout);
          children.push(started.child);
          instances.push(started);
        }
        proxy = await startHaproxy(instances.map((instance) => instance.port));
        // Health checks first see every instance up.
        await proxyReady(`http://127.0.0.1:${proxy.port}`);
        if (count > 1) await new Promise((resolve) => setTimeout(resolve, 1500));
        const result = await load(
          label,
          `http://127.0.0.1:${proxy.port}`,
          instances.map((instance) => instance.child.pid!),
        );
        // The proxy's own word on its 503s: instances its health checks took out, and why.
        const downs = proxy.output().match(/Server \S+ is DOWN, reason: [^,]+/g) ?? [];
        return downs.length > 0 ? { ...result, proxyDown: downs.slice(0, 3).join('; ') + (downs.length > 3 ? ` (${downs.length} in all)` : '') } : result;
      } finally {
        await proxy?.stop();
        proxy = undefined;
        await Promise.all(instances.map((instance) => stopChild(instance.child)));
      }
    };
    const sqliteOne = async (label: string, file: string, checkout?: string) => {
      const sqlite = await startBackline({ STORAGE: 'sqlite', SQLITE_PATH: join(dir, file) }, checkout);
      children.push(sqlite.child);
      try {
        return await load(label, `http://127.0.0.1:${sqlite.port}`, [sqlite.child.pid!]);
      } finally {
        await stopChild(sqlite.child);
      }
    };
    const total = rounds();
    for (let round = 1; round <= total; round++) {
      const suffix = total > 1 ? ` [round ${round}]` : '';
      const echo = await startProcess(['--import', 'tsx', 'bench/echoBot.ts'], {});
      children.push(echo.child);
      const echoResult = await load(`(a) Agents SDK echo bot${suffix}`, `http://127.0.0.1:${echo.port}`, [echo.child.pid!]);
      await stopChild(echo.child);

      let before: Round['before'];
      const runBaseline = async () => {
        if (!BASELINE || !baselineEnv) return;
        before = {
          sqlite: await sqliteOne(`(b) BASELINE Backline, SQLite${suffix}`, `baseline-${round}.db`, BASELINE),
          pg1: await pgCluster(`(c) BASELINE Backline, PostgreSQL, 1 instance + HAProxy${suffix}`, 1, baselineEnv, BASELINE),
        };
      };
      // The baseline goes first in every other round, so neither build always has the later minutes.
      if (round % 2 === 0) await runBaseline();
      const sqliteResult = await sqliteOne(`(b) Backline, SQLite${suffix}`, `bench-${round}.db`);
      const pg: LoadResult[] = [];
      for (let count = 1; count <= 3; count++)
        pg.push(await pgCluster(`(c) Backline, PostgreSQL, ${count} instance${count > 1 ? 's' : ''} + HAProxy${suffix}`, count, env));
      if (round % 2 === 1) await runBaseline();
      perRound.push({ echo: echoResult, sqlite: sqliteResult, pg, ...(before ? { before } : {}) });
    }
  } finally {
    await proxy?.stop();
    await Promise.all(children.map((child) => stopChild(child)));
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const results = perRound.flatMap((r) => [r.echo, r.sqlite, ...r.pg, ...(r.before ? [r.before.sqlite, r.before.pg1] : [])]);
  console.log(
    `\nHTTP load: ${CONCURRENT_CONVERSATIONS} concurrent scripted conversations through POST /api/messages (expectReplies); per target ` +
      `${CONCURRENT_CONVERSATIONS * WARM_UP_SCRIPTS * SCRIPT.length} warm-up turns, then ${CONCURRENT_CONVERSATIONS * MEASURED_SCRIPTS * SCRIPT.length} measured; ${perRound.length} round(s); ${cpus().length} cores`,
  );
  for (const result of results) {
    report(`${result.label} turns/s`, result.turnsPerSecond.toFixed(0), '-', result.errors === 0);
    report(`  p50 / p99`, `${result.p50.toFixed(1)} / ${result.p99.toFixed(1)} ms`, '-', true);
    if (result.serverCpuMs !== undefined) report(`  server CPU per turn`, `${result.serverCpuMs.toFixed(2)} ms`, '-', true);
    if (result.residentMb !== undefined) report(`  server resident memory after the load`, `${result.residentMb.toFixed(0)} MB`, '-', true);
    report(`  load average (1 min) at start / end`, `${result.loadAverage[0].toFixed(1)} / ${result.loadAverage[1].toFixed(1)}`, '-', true);
    if (result.errors > 0) report(`  failed turns (${result.why ?? '?'})`, String(result.errors), '0', false);
    if (result.proxyDown) report(`  proxy marked down: ${result.proxyDown}`, '-', '-', true);
  }

  // Every ratio is taken within one round (the same minutes of machine load), then the rounds' median.
  const pct = (f: (r: Round) => number) => perRound.map((r) => f(r) * 100);
  const each = (values: number[]) => (values.length > 1 ? ` (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})` : '');
  console.log(`\nSummary: median over ${perRound.length} round(s) (min–max)`);
  const summary = (name: string, pick: (r: Round) => LoadResult) => {
    const rs = perRound.map(pick);
    const cpu = rs.every((r) => r.serverCpuMs !== undefined)
      ? `, CPU/turn ${spread(
          rs.map((r) => r.serverCpuMs!),
          2,
        )} ms`
      : '';
    console.log(
      `  ${name.padEnd(34)} ${spread(rs.map((r) => r.turnsPerSecond))} turns/s, p50 ${spread(rs.map((r) => r.p50))} ms, p99 ${spread(rs.map((r) => r.p99))} ms${cpu}`,
    );
  };
  summary('(a) echo bot', (r) => r.echo);
  summary('(b) Backline, SQLite', (r) => r.sqlite);
  for (let i = 0; i < 3; i++) summary(`(c) PostgreSQL, ${i + 1} instance(s)`, (r) => r.pg[i]!);
  const loads = results.flatMap((r) => r.loadAverage);
  console.log(`  load average during the measured phases: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);

  const sqliteShare = pct((r) => r.sqlite.turnsPerSecond / r.echo.turnsPerSecond);
  report(`(b) SQLite as a share of (a) the echo bot${each(sqliteShare)}`, `${spread(sqliteShare)} %`, '>= 70 %', median(sqliteShare) >= 70);
  // The same comparison by the servers' own CPU (echo's CPU per turn / Backline's): what the
  // ratio of turns per second would be if each server had a core to itself and the load were free.
  if (perRound.every((r) => r.echo.serverCpuMs && r.sqlite.serverCpuMs)) {
    const cpuShare = pct((r) => r.echo.serverCpuMs! / r.sqlite.serverCpuMs!);
    report(`  by server CPU per turn, (a) / (b)${each(cpuShare)}`, `${spread(cpuShare)} %`, '-', true);
    if (BASELINE && perRound.every((r) => r.before?.sqlite.serverCpuMs)) {
      const beforeShare = pct((r) => r.echo.serverCpuMs! / r.before!.sqlite.serverCpuMs!);
      report(`  BASELINE by server CPU per turn, (a) / (b)${each(beforeShare)}`, `${spread(beforeShare)} %`, '-', true);
    }
  }
  const pgShare = pct((r) => r.pg[0]!.turnsPerSecond / r.sqlite.turnsPerSecond);
  report(`(c) PostgreSQL, 1 instance, as a share of (b)${each(pgShare)}`, `${spread(pgShare)} %`, '>= 60 %', median(pgShare) >= 60);
  for (let i = 1; i < 3; i++) {
    const growth = pct((r) => r.pg[i]!.turnsPerSecond / r.pg[0]!.turnsPerSecond);
    report(`(c) ${i + 1} instances vs 1 instance${each(growth)}`, `${spread(growth)} %`, '-', true);
  }
  if (BASELINE) {
    const rows: [string, (r: Round) => number, string?][] = [
      ['BASELINE (b) SQLite as a share of (a)', (r) => r.before!.sqlite.turnsPerSecond / r.echo.turnsPerSecond, '>= 70 %'],
      ['BASELINE (c) PostgreSQL, 1 instance, as a share of its (b)', (r) => r.before!.pg1.turnsPerSecond / r.before!.sqlite.turnsPerSecond, '>= 60 %'],
      ['(b) SQLite now / baseline', (r) => r.sqlite.turnsPerSecond / r.before!.sqlite.turnsPerSecond],
      ['(c) PostgreSQL now / baseline', (r) => r.pg[0]!.turnsPerSecond / r.before!.pg1.turnsPerSecond],
    ];
    for (const [name, f, target] of rows) {
      const values = pct(f);
      report(`${name}${each(values)}`, `${spread(values)} %`, target ?? '-', target ? median(values) >= Number(target.replace(/\D/g, '')) : true);
    }
  }
  return results;
}
