// Several `backline serve` processes on one PostgreSQL database, behind HAProxy: what a health
// system runs. Each instance is a real process (from the TypeScript sources via tsx), so a test
// can kill -9 one of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { startHaproxy, startListening, stopChild, type HaproxyServer } from './nativeServers.js';
import { TEST_TOKEN_SECRET } from './directline.js';

const START_TIMEOUT_MS = 90_000;
const ENTRY = "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment an instance of the cluster runs with. */
export function clusterEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    STORAGE: 'postgres',
    DATABASE_URL: databaseUrl,
    DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET,
    DIRECT_LINE_TOKEN_RATE_LIMIT: '1000',
    LOG_LEVEL: 'error',
    ...extra,
  };
}

function spawnBackline(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SHOW_STARTUP_BANNER: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a `backline` command to the end. */
export function runBackline(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawnBackline(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

export interface Instance {
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown, no cleanup, like a crashed machine's process. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const started = await startListening(['--import', 'tsx', '--input-type=module', '-e', ENTRY, 'serve'], env, START_TIMEOUT_MS);
  return {
    port: started.port,
    url: `http://127.0.0.1:${started.port}`,
    child: started.child,
    output: started.output,
    kill9: () => stopChild(started.child, 'SIGKILL'),
    stop: () => stopChild(started.child),
  };
}

export interface Cluster {
  instances: Instance[];
  proxy: HaproxyServer;
  /** The proxy's URL (round robin over the instances). */
  url: string;
  stop(): Promise<void>;
}

export async function startCluster(count: number, env: Record<string, string>): Promise<Cluster> {
  const instances = await Promise.all(Array.from({ length: count }, () => startInstance(env)));
  const proxy = await startHaproxy(instances.map((instance) => instance.port));
  await proxyReady(`http://127.0.0.1:${proxy.port}`, count);
  return {
    instances,
    proxy,
    url: `http://127.0.0.1:${proxy.port}`,
    stop: async () => {
      await proxy.stop();
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
}

/** Waits until HAProxy's health checks have every instance up: `count` answers in a row. */
async function proxyReady(url: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let inARow = 0;
  while (inARow < count * 2) {
    if (Date.now() > deadline) throw new Error('HAProxy did not report the instances up in time');
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    inARow = ok ? inARow + 1 : 0;
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
