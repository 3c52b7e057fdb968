// `node --expose-gc --import tsx bench/observability.ts`: what observing costs a turn. The same
// scripted turns on SQLite with metrics off and on, interleaved in rounds so that a busy machine
// slows both alike; then with traces on too (an in-memory exporter; tracing is process-wide, so
// that phase comes last, again interleaved with metrics-only). Prints numbers, asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackline, type Backline } from '../src/app.js';
import { InProcessConversation } from '../src/channels/inProcess.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { SqliteStorage } from '../src/storage/index.js';
import { SCRIPT } from './script.js';

const ROUNDS = 8;
const TURNS_PER_ROUND = 250;
const TOKEN = 'bench-metrics-token-0123456789';

function backline(dir: string, name: string, env: Record<string, string>): Backline {
  const path = join(dir, `${name}.db`);
  const config = loadConfig({ STORAGE: 'sqlite', SQLITE_PATH: path, LOG_LEVEL: 'silent', NLU_CACHE_DIR: 'data/nlu-cache', ...env });
  return createBackline(config, { logger: silentLogger, retentionSweep: false, warmUp: true, storage: new SqliteStorage(path) });
}

class Variant {
  readonly latencies: number[] = [];
  /** Process CPU time (user + system) spent in measured turns: less disturbed by other processes than wall time. */
  cpuMicros = 0;
  private conversation: InProcessConversation | undefined;
  private step = 0;
  constructor(
    readonly label: string,
    readonly app: Backline,
  ) {}

  async run(turns: number, measure: boolean): Promise<void> {
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < turns; i++) {
      if (!this.conversation || this.step % SCRIPT.length === 0) {
        this.conversation = new InProcessConversation(this.app.adapter, this.app.bot.handle, { channelId: 'webchat' });
        await this.conversation.join();
      }
      const line = SCRIPT[this.step++ % SCRIPT.length]!;
      const start = performance.now();
      await this.conversation.say(line);
      if (measure) this.latencies.push(performance.now() - start);
    }
    if (measure) {
      const cpu = process.cpuUsage(cpuBefore);
      this.cpuMicros += cpu.user + cpu.system;
    }
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function report(variants: Variant[]): void {
  for (const v of variants) {
    const sorted = [...v.latencies].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const cpu = v.cpuMicros / sorted.length / 1000;
    console.log(
      `${v.label.padEnd(34)} n=${sorted.length}  median ${pct(sorted, 50).toFixed(3)} ms  mean ${mean.toFixed(3)} ms  p90 ${pct(sorted, 90).toFixed(3)} ms  p99 ${pct(sorted, 99).toFixed(3)} ms  CPU/turn ${cpu.toFixed(3)} ms`,
    );
  }
}

async function interleaved(variants: Variant[]): Promise<void> {
  for (const v of variants) await v.run(SCRIPT.length * 5, false); // JIT and caches
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always follows a GC the other caused.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) await v.run(TURNS_PER_ROUND, true);
  }
  report(variants);
}

const dir = mkdtempSync(join(tmpdir(), 'backline-bench-obs-'));
// BENCH_VARIANT=off|metrics|traces: only that variant, alone in this process (its default process
// metrics, GC observer included, then cost only it). Alternate processes in a shell loop:
//   for i in 1 2 3; do for v in off metrics; do BENCH_VARIANT=$v node --expose-gc --import tsx bench/observability.ts; done; done
if (process.env.BENCH_VARIANT) {
  const variant = process.env.BENCH_VARIANT;
  if (variant === 'traces') {
    const { startTracing } = await import('../src/observability/tracing.js');
    const { tracing } = await import('@opentelemetry/sdk-node');
    await startTracing({}, { spanProcessors: [new tracing.BatchSpanProcessor(new tracing.InMemorySpanExporter(), { maxQueueSize: 100_000 }) as never] });
  }
  const alone = new Variant(`SQLite, ${variant} (own process)`, backline(dir, variant, variant === 'off' ? {} : { METRICS_TOKEN: TOKEN }));
  await alone.run(SCRIPT.length * 5, false);
  await alone.run(ROUNDS * TURNS_PER_ROUND, true);
  report([alone]);
  await alone.app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
console.log(`Observability cost — node ${process.version}, ${new Date().toISOString()}, ${ROUNDS} rounds x ${TURNS_PER_ROUND} turns each\n`);
const off = new Variant('SQLite, metrics off', backline(dir, 'off', {}));
// BENCH_AA=1: the second variant is metrics off too, to see how far two identical setups differ here.
const metered = process.env.BENCH_AA
  ? new Variant('SQLite, metrics off (second copy)', backline(dir, 'metrics', {}))
  : new Variant('SQLite, metrics on', backline(dir, 'metrics', { METRICS_TOKEN: TOKEN }));
try {
  await interleaved([off, metered]);
  if (process.env.BENCH_AA) process.exit(0);
  console.log();
  const { startTracing } = await import('../src/observability/tracing.js');
  const { tracing } = await import('@opentelemetry/sdk-node');
  const exporter = new tracing.InMemorySpanExporter();
  const traces = await startTracing({}, { spanProcessors: [new tracing.BatchSpanProcessor(exporter, { maxQueueSize: 100_000 }) as never] });
  const traced = new Variant('SQLite, metrics and traces on', backline(dir, 'traced', { METRICS_TOKEN: TOKEN }));
  const meteredAgain = new Variant('SQLite, metrics on (same phase)', backline(dir, 'metrics2', { METRICS_TOKEN: TOKEN }));
  try {
    await interleaved([meteredAgain, traced]);
  } finally {
    await traced.app.close();
    await meteredAgain.app.close();
    await traces?.shutdown();
  }
} finally {
  await off.app.close();
  await metered.app.close();
  rmSync(dir, { recursive: true, force: true });
}
