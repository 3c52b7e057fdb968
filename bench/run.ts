// `npm run bench`: prints numbers, asserts nothing. Targets come from the issues; each line
// says whether this run met its target. Run on an otherwise idle machine for stable numbers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackline, type Backline } from '../src/app.js';
import { InProcessConversation } from '../src/channels/inProcess.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { SqliteStorage } from '../src/storage/index.js';
import { loadNluTestFile } from '../src/eval/nluEvaluate.js';
import { createCrisisDetector, loadCrisisLanguages, loadCrisisPatterns } from '../src/nlu/crisis.js';
import { clusterBenchmark } from './cluster.js';
import { SCRIPT } from './script.js';
import { httpOnly } from './args.js';
import { firstAnswer } from './startup.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (ms: number) => `${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms`;
function report(name: string, value: string, target: string, met: boolean) {
  console.log(`${name.padEnd(46)} ${value.padStart(14)}   target ${target.padEnd(12)} ${met ? 'met' : 'NOT MET'}`);
}

function sqliteBackline(dir: string, env: Record<string, string> = {}, file = 'bench.db'): Backline {
  const config = loadConfig({ STORAGE: 'sqlite', SQLITE_PATH: join(dir, file), LOG_LEVEL: 'silent', NLU_CACHE_DIR: join(dir, 'nlu'), ...env });
  return createBackline(config, { logger: silentLogger, retentionSweep: false, warmUp: true, storage: new SqliteStorage(join(dir, file)) });
}

/** The same turns with Prometheus metrics on, then also with traces (to an in-memory exporter): the cost of observing. */
async function observedTurnLatency(dir: string): Promise<void> {
  const metered = sqliteBackline(dir, { METRICS_TOKEN: 'bench-metrics-token-0123456789' }, 'metrics.db');
  try {
    await turnLatency(metered, 'SQLite, metrics on', false);
  } finally {
    await metered.close();
  }
  // Last: tracing is process-wide once started.
  const { startTracing } = await import('../src/observability/tracing.js');
  const { tracing } = await import('@opentelemetry/sdk-node');
  const exporter = new tracing.InMemorySpanExporter();
  const traces = await startTracing({}, { spanProcessors: [new tracing.BatchSpanProcessor(exporter, { maxQueueSize: 100_000 }) as never] });
  const traced = sqliteBackline(dir, { METRICS_TOKEN: 'bench-metrics-token-0123456789' }, 'traced.db');
  try {
    await turnLatency(traced, 'SQLite, metrics and traces on', false);
  } finally {
    await traced.close();
    await traces?.shutdown();
  }
}

async function turnLatency(backline: Backline, label: string, target: boolean): Promise<void> {
  const latencies: number[] = [];
  let conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat' });
  await conversation.join();
  // Warm-up passes (JIT, caches), not measured.
  for (let pass = 0; pass < 10; pass++) for (const line of SCRIPT) await conversation.say(line);
  let step = 0;
  while (latencies.length < 1000) {
    if (step % SCRIPT.length === 0) {
      conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat' });
      await conversation.join();
    }
    const line = SCRIPT[step % SCRIPT.length]!;
    const start = performance.now();
    await conversation.say(line);
    latencies.push(performance.now() - start);
    step++;
  }
  latencies.sort((a, b) => a - b);
  report(`turn latency, in-process, ${label} (median)`, fmt(percentile(latencies, 50)), '-', true);
  report(`turn latency, in-process, ${label} (p99)`, fmt(percentile(latencies, 99)), target ? '< 5 ms' : '-', !target || percentile(latencies, 99) < 5);
}

/** Sorted per-call latencies of `fn` over every text, `rounds` times (after one unmeasured pass). */
function timeEach(texts: string[], rounds: number, fn: (text: string) => unknown): number[] {
  for (const t of texts) fn(t);
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const t of texts) {
      const start = performance.now();
      fn(t);
      latencies.push(performance.now() - start);
    }
  }
  return latencies.sort((a, b) => a - b);
}

async function classification(backline: Backline): Promise<void> {
  const texts = loadNluTestFile('tests/nlu-dev.yaml').map((i) => i.text);
  const latencies = timeEach(texts, 20, (t) => backline.nlu.classify(t));
  report('classification latency (median)', fmt(percentile(latencies, 50)), '< 0.2 ms', percentile(latencies, 50) < 0.2);
  report('classification latency (p99)', fmt(percentile(latencies, 99)), '< 1 ms', percentile(latencies, 99) < 1);
  // The union the bot acts on: patterns + learned classifiers + assertion status (issue #11).
  const detectTexts = [
    ...texts,
    ...loadNluTestFile('tests/nlu-dev-2.yaml').map((i) => i.text),
    ...loadNluTestFile('tests/nlu-heldout.yaml').map((i) => i.text),
  ];
  const detect = timeEach(detectTexts, 20, (t) => backline.nlu.detectRedFlags(t));
  report('red-flag detection, union (median)', fmt(percentile(detect, 50)), '< 0.5 ms', percentile(detect, 50) < 0.5);
  report('red-flag detection, union (p99)', fmt(percentile(detect, 99)), '< 2 ms', percentile(detect, 99) < 2);
  const learned = timeEach(detectTexts, 20, (t) => backline.nlu.learnedRedFlags.detect(t));
  report('  learned classifiers alone (median / p99)', `${fmt(percentile(learned, 50))} / ${fmt(percentile(learned, 99))}`, '-', true);
  crisisPasses(detectTexts);
}

/**
 * The crisis patterns by language: English on every message, then each other language's
 * (knowledge/crisis.<language>.yaml) on every message English finds nothing in (nearly all).
 */
function crisisPasses(texts: string[]): void {
  const english = createCrisisDetector(loadCrisisPatterns('knowledge/crisis.yaml'));
  const missed = texts.filter((t) => !english.detect(t).crisis);
  const all = timeEach(texts, 20, (t) => english.detect(t));
  report('crisis patterns, English (median / p99)', `${fmt(percentile(all, 50))} / ${fmt(percentile(all, 99))}`, '-', true);
  // The same without the pre-screen (every pattern read): what the required literals save.
  const full = createCrisisDetector(loadCrisisPatterns('knowledge/crisis.yaml'), [], { prescreen: false });
  const unscreened = timeEach(texts, 20, (t) => full.detect(t));
  report('  without the pre-screen (median / p99)', `${fmt(percentile(unscreened, 50))} / ${fmt(percentile(unscreened, 99))}`, '-', true);
  for (const { language, patterns } of loadCrisisLanguages('knowledge')) {
    const theirs = createCrisisDetector(patterns);
    const pass = timeEach(missed, 20, (t) => theirs.detect(t));
    report(`  then ${language} on English's misses (median / p99)`, `${fmt(percentile(pass, 50))} / ${fmt(percentile(pass, 99))}`, '-', true);
  }
}

async function learnedModelLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'backline-bench-learned-'));
  const { loadOrTrainLearnedRedFlags } = await import('../src/nlu/learnedRedFlags.js');
  const trained = loadOrTrainLearnedRedFlags({ cacheDir: dir });
  const cached = loadOrTrainLearnedRedFlags({ cacheDir: dir });
  report('learned red-flag model: train (no cache)', fmt(trained.ms), '-', true);
  report('learned red-flag model: load from cache', fmt(cached.ms), '< 300 ms', cached.source === 'cache' && cached.ms < 300);
  rmSync(dir, { recursive: true, force: true });
}

async function modelMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'backline-bench-model-'));
  gc();
  const before = process.memoryUsage().heapUsed;
  const { loadOrTrainClassifier } = await import('../src/nlu/intentCache.js');
  const model = loadOrTrainClassifier({ cacheDir: dir });
  gc();
  const after = process.memoryUsage().heapUsed;
  report('intent model memory (heap)', `${((after - before) / 1024 / 1024).toFixed(1)} MB`, '-', true);
  report('intent model serialized size', `${(JSON.stringify(model.serialize()).length / 1024).toFixed(0)} KB`, '-', true);
  rmSync(dir, { recursive: true, force: true });
}

async function manyConversations(backline: Backline): Promise<void> {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const N = 10_000;
  for (let i = 0; i < N; i++) {
    const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat', conversationId: `bench-${i}` });
    await conversation.join();
    await conversation.say(i % 2 ? "Check if it's serious" : 'why does my back hurt when I lift my leg');
    await conversation.say(i % 2 ? 'no' : 'tell me more');
  }
  gc();
  const rss = process.memoryUsage().rss;
  const keys = await backline.storage.listKeys('c/webchat/bench-');
  const stateKeys = keys.filter((k) => k.endsWith('/state'));
  const items = await backline.storage.read(stateKeys.slice(0, 2000));
  const sizes = Object.values(items).map((item) => JSON.stringify(item).length);
  const average = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
  const largest = Math.max(...sizes);
  report(`resident memory after ${N} conversations`, `${(rss / 1024 / 1024).toFixed(0)} MB`, '-', true);
  report('  growth over the run', `${((rss - rssBefore) / 1024 / 1024).toFixed(0)} MB`, '-', true);
  report('state per conversation (average)', `${average.toFixed(0)} B`, '< 2048 B', average < 2048);
  report('state per conversation (largest sampled)', `${largest} B`, '< 2048 B', largest < 2048);
}

async function startup(): Promise<void> {
  const { wallMs } = await firstAnswer({ cacheDir: 'data/nlu-cache', timeoutMs: 20_000, pollMs: 10 });
  const answered = Number.isNaN(wallMs) ? -1 : wallMs;
  report('startup to first answer (cached model)', answered < 0 ? 'no answer' : fmt(answered), '< 2000 ms', answered >= 0 && answered < 2000);
}

async function main() {
  console.log(`Backline benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  await startup();
  const dir = mkdtempSync(join(tmpdir(), 'backline-bench-'));
  const backline = sqliteBackline(dir);
  try {
    await turnLatency(backline, 'SQLite', true);
    const inMemory = createBackline(loadConfig({ STORAGE: 'memory', LOG_LEVEL: 'silent', NLU_CACHE_DIR: join(dir, 'nlu') }), {
      logger: silentLogger,
      retentionSweep: false,
      warmUp: true,
    });
    await turnLatency(inMemory, 'memory storage (baseline)', false);
    await inMemory.close();
    await classification(backline);
    await modelMemory();
    await learnedModelLoad();
    await manyConversations(backline);
    await observedTurnLatency(dir);
  } finally {
    await backline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!httpOnly) await main();
// HTTP load: echo-bot floor, SQLite, PostgreSQL with 1-3 instances behind HAProxy (issue #13).
// `npm run bench -- --http-only` runs just this part; `--rounds N` interleaves echo, SQLite and PostgreSQL N times.
await clusterBenchmark(report);
