// The HTTP load benchmark (issue #13): the same scripted conversations through
// POST /api/messages (deliveryMode expectReplies) against
//   (a) the Agents SDK's smallest echo bot (the floor),
//   (b) Backline on SQLite (one process),
//   (c) Backline on PostgreSQL with one, two and three instances behind HAProxy (round robin).
// Each server runs in its own process; the load generator runs here, on the same machine (so on a
// 2-core machine it takes CPU from the servers: say so when reading the numbers).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// BENCH_CONVERSATIONS=N: another number of conversations at once (the headline numbers use 16).
const CONCURRENT_CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 16);
const WARM_UP_MS = 3_000;
const MEASURE_MS = 10_000;
const TOKEN_SECRET = 'bench-direct-line-token-secret-0123456789abcdef';

export interface LoadResult {
  label: string;
  turnsPerSecond: number;
  p50: number;
  p99: number;
  /** The server processes' own CPU (user + system) per answered turn in the measured seconds, ms. */
  serverCpuMs?: number;
  errors: number;
  /** When turns failed: how (HTTP status or error), with counts (warm-up included). */
  why?: string;
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
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  failures.clear();
  let stop = false;
  let round = 0;
  const person = async (index: number) => {
    while (!stop) {
      const conversationId = `bench-${label.replace(/\W+/g, '-')}-${index}-${round++}-${Math.random().toString(36).slice(2, 8)}`;
      for (const text of SCRIPT) {
        if (stop) return;
        const started = performance.now();
        const ok = await turn(url, conversationId, text).catch((error: unknown) => {
          const name = error instanceof Error ? error.name : 'error';
          failures.set(name, (failures.get(name) ?? 0) + 1);
          return false;
        });
        if (measuring) {
          if (ok) latencies.push(performance.now() - started);
          else errors++;
        }
      }
    }
  };
  const people = Array.from({ length: CONCURRENT_CONVERSATIONS }, (_, i) => person(i));
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  measuring = true;
  const cpuBefore = totalCpuMs(pids);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = totalCpuMs(pids);
  const answered = latencies.length;
  stop = true;
  await Promise.all(people);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    label,
    turnsPerSecond: latencies.length / seconds,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? { serverCpuMs: (cpuAfter - cpuBefore) / answered } : {}),
    p50: at(50),
    p99: at(99),
    errors,
    ...(errors > 0 ? { why: [...failures].map(([k, n]) => `${k} ×${n}`).join(', ') } : {}),
  };
}

/** `--rounds N` (default 1): echo, SQLite and PostgreSQL with one instance, N times interleaved (ratios from the same minutes). */
function rounds(): number {
  return roundsFlag;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

export async function clusterBenchmark(report: (name: string, value: string, target: string, met: boolean) => void): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const perRound: { echo: LoadResult; sqlite: LoadResult; pg1: LoadResult; before?: { sqlite: LoadResult; pg1: LoadResult } }[] = [];
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
    const pgOne = async (label: string, serverEnv: Record<string, string>, checkout?: string) => {
      const single = await startBackline(serverEnv, checkout);
      children.push(single.child);
      proxy = await startHaproxy([single.port]);
      await proxyReady(`http://127.0.0.1:${proxy.port}`);
      const result = await load(label, `http://127.0.0.1:${proxy.port}`, [single.child.pid!]);
      await proxy.stop();
      proxy = undefined;
      await stopChild(single.child);
      return result;
    };
    const sqliteOne = async (label: string, file: string, checkout?: string) => {
      const sqlite = await startBackline({ STORAGE: 'sqlite', SQLITE_PATH: join(dir, file) }, checkout);
      children.push(sqlite.child);
      const result = await load(label, `http://127.0.0.1:${sqlite.port}`, [sqlite.child.pid!]);
      await stopChild(sqlite.child);
      return result;
    };
    const total = rounds();
    for (let round = 1; round <= total; round++) {
      const suffix = total > 1 ? ` [round ${round}]` : '';
      const echo = await startProcess(['--import', 'tsx', 'bench/echoBot.ts'], {});
      children.push(echo.child);
      const echoResult = await load(`(a) Agents SDK echo bot${suffix}`, `http://127.0.0.1:${echo.port}`, [echo.child.pid!]);
      await stopChild(echo.child);

      let before: { sqlite: LoadResult; pg1: LoadResult } | undefined;
      const runBaseline = async () => {
        if (!BASELINE || !baselineEnv) return;
        before = {
          sqlite: await sqliteOne(`(b) BASELINE Backline, SQLite${suffix}`, `baseline-${round}.db`, BASELINE),
          pg1: await pgOne(`(c) BASELINE Backline, PostgreSQL, 1 instance + HAProxy${suffix}`, baselineEnv, BASELINE),
        };
      };
      // The baseline goes first in every other round, so neither build always has the later minutes.
      if (round % 2 === 0) await runBaseline();
      const sqliteResult = await sqliteOne(`(b) Backline, SQLite${suffix}`, `bench-${round}.db`);
      const pg1Result = await pgOne(`(c) Backline, PostgreSQL, 1 instance + HAProxy${suffix}`, env);
      if (round % 2 === 1) await runBaseline();
      results.push(echoResult, sqliteResult, pg1Result);
      if (before) results.push(before.sqlite, before.pg1);
      perRound.push({ echo: echoResult, sqlite: sqliteResult, pg1: pg1Result, ...(before ? { before } : {}) });
    }

    const instances: Server[] = [];
    for (let count = 2; count <= 3; count++) {
      while (instances.length < count) {
        const started = await startBackline(env);
        children.push(started.child);
        instances.push(started);
      }
      proxy = await startHaproxy(instances.map((instance) => instance.port));
      // Health checks first see every instance up.
      await proxyReady(`http://127.0.0.1:${proxy.port}`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      results.push(
        await load(
          `(c) Backline, PostgreSQL, ${count} instances + HAProxy`,
          `http://127.0.0.1:${proxy.port}`,
          instances.map((instance) => instance.child.pid!),
        ),
      );
      await proxy.stop();
      proxy = undefined;
    }
  } finally {
    await proxy?.stop();
    await Promise.all(children.map((child) => stopChild(child)));
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nHTTP load: ${CONCURRENT_CONVERSATIONS} concurrent scripted conversations, POST /api/messages (expectReplies), ${MEASURE_MS / 1000} s each`);
  for (const result of results) {
    report(`${result.label} turns/s`, result.turnsPerSecond.toFixed(0), '-', result.errors === 0);
    report(`  p50 / p99`, `${result.p50.toFixed(1)} / ${result.p99.toFixed(1)} ms`, '-', true);
    if (result.serverCpuMs !== undefined) report(`  server CPU per turn`, `${result.serverCpuMs.toFixed(2)} ms`, '-', true);
    if (result.errors > 0) report(`  failed turns (${result.why ?? '?'})`, String(result.errors), '0', false);
  }
  const sqliteShare = median(perRound.map((r) => r.sqlite.turnsPerSecond / r.echo.turnsPerSecond));
  const pgShare = median(perRound.map((r) => r.pg1.turnsPerSecond / r.sqlite.turnsPerSecond));
  const each = (f: (r: (typeof perRound)[number]) => number) =>
    perRound.length > 1 ? ` (rounds: ${perRound.map((r) => `${(f(r) * 100).toFixed(0)}`).join(', ')})` : '';
  report(
    `(b) SQLite as a share of (a) the echo bot${each((r) => r.sqlite.turnsPerSecond / r.echo.turnsPerSecond)}`,
    `${(sqliteShare * 100).toFixed(0)} %`,
    '>= 70 %',
    sqliteShare >= 0.7,
  );
  // The same comparison by the servers' own CPU (echo's CPU per turn / Backline's): what the
  // ratio of turns per second would be if each server had a core to itself and the load were free.
  if (perRound.every((r) => r.echo.serverCpuMs && r.sqlite.serverCpuMs)) {
    const cpuShare = (r: (typeof perRound)[number]) => r.echo.serverCpuMs! / r.sqlite.serverCpuMs!;
    report(`  by server CPU per turn, (a) / (b)${each(cpuShare)}`, `${(median(perRound.map(cpuShare)) * 100).toFixed(0)} %`, '-', true);
    if (BASELINE && perRound.every((r) => r.before?.sqlite.serverCpuMs)) {
      const beforeShare = (r: (typeof perRound)[number]) => r.echo.serverCpuMs! / r.before!.sqlite.serverCpuMs!;
      report(`  BASELINE by server CPU per turn, (a) / (b)${each(beforeShare)}`, `${(median(perRound.map(beforeShare)) * 100).toFixed(0)} %`, '-', true);
    }
  }
  report(
    `(c) PostgreSQL, 1 instance, as a share of (b)${each((r) => r.pg1.turnsPerSecond / r.sqlite.turnsPerSecond)}`,
    `${(pgShare * 100).toFixed(0)} %`,
    '>= 60 %',
    pgShare >= 0.6,
  );
  if (BASELINE) {
    const beforeSqlite = median(perRound.map((r) => r.before!.sqlite.turnsPerSecond / r.echo.turnsPerSecond));
    const beforePg = median(perRound.map((r) => r.before!.pg1.turnsPerSecond / r.before!.sqlite.turnsPerSecond));
    report(
      `BASELINE (b) SQLite as a share of (a)${each((r) => r.before!.sqlite.turnsPerSecond / r.echo.turnsPerSecond)}`,
      `${(beforeSqlite * 100).toFixed(0)} %`,
      '>= 70 %',
      beforeSqlite >= 0.7,
    );
    report(
      `BASELINE (c) PostgreSQL, 1 instance, as a share of its (b)${each((r) => r.before!.pg1.turnsPerSecond / r.before!.sqlite.turnsPerSecond)}`,
      `${(beforePg * 100).toFixed(0)} %`,
      '>= 60 %',
      beforePg >= 0.6,
    );
    report(
      `(b) SQLite now / baseline${each((r) => r.sqlite.turnsPerSecond / r.before!.sqlite.turnsPerSecond)}`,
      `${(median(perRound.map((r) => r.sqlite.turnsPerSecond / r.before!.sqlite.turnsPerSecond)) * 100).toFixed(0)} %`,
      '-',
      true,
    );
    report(
      `(c) PostgreSQL now / baseline${each((r) => r.pg1.turnsPerSecond / r.before!.pg1.turnsPerSecond)}`,
      `${(median(perRound.map((r) => r.pg1.turnsPerSecond / r.before!.pg1.turnsPerSecond)) * 100).toFixed(0)} %`,
      '-',
      true,
    );
  }
  const pg1 = median(perRound.map((r) => r.pg1.turnsPerSecond));
  for (const result of results.filter((r) => / instances \+/.test(r.label))) {
    report(`${result.label.slice(4)} vs 1 instance`, `${((result.turnsPerSecond / pg1) * 100).toFixed(0)} %`, '-', true);
  }
  return results;
}
