// Native servers the multi-instance tests and the benchmark start for themselves: one PostgreSQL
// (initdb + pg_ctl in a temporary directory, loopback only) and HAProxy in front of several
// `backline serve` processes. Debian's packages (scripts/ensure-system-packages.sh); nothing is
// downloaded here. As root, PostgreSQL runs as the `postgres` user (it refuses to run as root).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The directory holding initdb and pg_ctl: PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb): run scripts/ensure-system-packages.sh, or set PG_BIN.');
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts one PostgreSQL server on 127.0.0.1 in a fresh temporary directory (trust auth on
 * loopback, no Unix socket outside that directory). synchronous_commit=off: like SQLite's WAL with
 * synchronous=NORMAL, a crash of the machine may lose the last commits, never corrupt.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'backline-pg-'));
  chmodSync(dir, 0o700);
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(...asPostgresUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '-N']));
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      `synchronous_commit = off`,
      `max_connections = 200`,
      `shared_buffers = 64MB`,
      `logging_collector = off`,
    ].join('\n') + '\n',
  );
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(join(data, 'postgresql.auto.conf'), uid, gid);
  }
  run(...asPostgresUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      try {
        run(...asPostgresUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.slice(0, 2000)}`, { cause: error });
  }
}

/** A fresh database on the server (one per test file), returned as a URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface HaproxyServer {
  port: number;
  /** HAProxy's stderr so far (the last 20,000 characters): server state changes, e.g. "is DOWN, reason: Layer7 timeout". */
  output(): string;
  stop(): Promise<void>;
}

/** HAProxy on 127.0.0.1, round robin over `backends` (ports), WebSockets passed through. */
export async function startHaproxy(backends: number[]): Promise<HaproxyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'backline-haproxy-'));
  const port = await freePort();
  const config = [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 2',
    // A kept-alive connection to an instance that was just killed fails at once with no response:
    // retried on another instance (the dead one never read the request) instead of lost.
    '  retry-on conn-failure empty-response',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    '  default_backend backline',
    'backend backline',
    '  balance roundrobin',
    // Readiness, as deploy/haproxy.cfg checks it: an instance joins the rotation once its storage
    // answers with the schema it expects and its warm-up is done, not merely once it is alive.
    '  option httpchk GET /readyz',
    // Health checks that a loaded host does not fail (issue #13): without `timeout check` a check
    // had only `inter` (was 500 ms) to be answered, and two slow answers in a row (an event loop busy
    // with turns on a shared 2-core machine) took the only instance out: every turn got the proxy's
    // 503 until the next check. Now a check may take 5 s, and an instance goes down after three
    // failures in a row (about 6 s; a killed one refuses connections, so each check fails at once)
    // and comes back after two passes. A killed instance costs no turn meanwhile: a refused
    // connection is retried on another instance (retry-on conn-failure above).
    '  timeout check 5s',
    '  default-server inter 2s fall 3 rise 2',
    ...backends.map((backend, index) => `  server b${index} 127.0.0.1:${backend} check`),
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config + '\n');
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  await waitForPort(port, child, () => stderr);
  return {
    port,
    output: () => stderr,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before listening: ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms: ${output()}`);
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface ListeningProcess {
  port: number;
  child: ChildProcess;
  /** What the process printed so far (the last 20,000 characters). */
  output(): string;
}

/**
 * Starts a server process (`backline serve`, the echo bot) with PORT=0 and waits for its start-up
 * banner ("listening on http://localhost:PORT"); rejects with its output if it exits first.
 */
export async function startListening(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<ListeningProcess> {
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SHOW_STARTUP_BANNER: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const found = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(Number(found));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}):\n${output}`));
    });
  });
  return { port, child, output: () => output };
}
