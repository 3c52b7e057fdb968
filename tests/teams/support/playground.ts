// Starts the Microsoft 365 Agents Playground (the pinned dev dependency) offline, on a free
// loopback port, as a Teams client of our bot. What its cli.js and bundle (0.2.28) do, and how
// each is kept local here:
//   --port N / --service-url     it listens on N (falling back to a random port if N is taken)
//                                and tells the bot to reply to http://localhost:N/_connector; we
//                                choose a free N and pass http://127.0.0.1:N/_connector explicitly.
//   --disable-telemetry          stops its Application Insights events, but the SDK is still set
//                                up, so Statsbeat and the diagnostic channel are switched off too.
//   TEAMSAPPTESTER_BROWSER=none  it would otherwise open a browser itself.
//   M365_AGENTS_PLAYGROUND_LOGFILE / _CONFIG_PATH  it writes ./devTools/*.log and reads
//                                ./.m365agentsplayground.yml from its working directory by default;
//                                both go to a temporary directory (no config file: built-in mock data).
//   NODE_OPTIONS=--require loopbackOnly.cjs  refuses (and reports) any non-loopback connection,
//                                and makes servers that name no host listen on 127.0.0.1 only
//                                (the playground calls server.listen(port) with no host).
// Proxy variables are not passed on. Missing or wrong version: a clear error, never a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLAYGROUND_VERSION = '0.2.28';
const GUARD = join(dirname(fileURLToPath(import.meta.url)), 'loopbackOnly.cjs');

export interface Playground {
  /** http://127.0.0.1:PORT, the chat UI. */
  url: string;
  port: number;
  /** Connections the playground process tried to make to other hosts (refused). */
  blockedConnections(): string[];
  /** The playground's own stderr, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

function playgroundDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('@microsoft/m365agentsplayground/package.json');
  } catch {
    throw new Error(
      `The Microsoft 365 Agents Playground is not installed: it is the dev dependency @microsoft/m365agentsplayground@${PLAYGROUND_VERSION} (run npm ci). The Teams end-to-end test needs it and does not skip.`,
    );
  }
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  if (version !== PLAYGROUND_VERSION) {
    throw new Error(
      `@microsoft/m365agentsplayground is ${version}, but the Teams test was written against ${PLAYGROUND_VERSION} (its CLI options and offline settings were checked for that version). Reinstall with npm ci, or re-check tests/teams/support/playground.ts before moving the pin.`,
    );
  }
  return dirname(packageJson);
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPlayground(appEndpoint: string, { timeoutMs = 20_000 } = {}): Promise<Playground> {
  const endpoint = new URL(appEndpoint);
  if (endpoint.hostname !== '127.0.0.1') throw new Error(`the playground must be pointed at a loopback endpoint, not ${appEndpoint}`);
  const cli = join(playgroundDir(), 'cli.js');
  const port = await freeLoopbackPort();
  const workDir = mkdtempSync(join(tmpdir(), 'backline-playground-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: workDir,
    TMPDIR: workDir,
    NODE_OPTIONS: `--require ${GUARD}`,
    LOOPBACK_GUARD_LISTEN: '127.0.0.1',
    TEAMSAPPTESTER_BROWSER: 'none',
    M365_AGENTS_PLAYGROUND_LOGFILE: join(workDir, 'playground.log'),
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(workDir, 'no-config.yml'),
    TEAMS_APP_TEST_TOOL_CONFIG_PATH: join(workDir, 'no-legacy-config.yml'),
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: 'true',
    NO_PROXY: '*',
  };
  const args = [
    cli,
    '--app-endpoint',
    appEndpoint,
    '--channel-id',
    'msteams',
    '--port',
    String(port),
    '--service-url',
    `http://127.0.0.1:${port}/_connector`,
    '--disable-telemetry',
  ];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const listening = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the playground did not start within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const match = /Listening on (\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the playground exited (code ${code}) before listening`));
      });
    });
    if (listening !== port)
      throw new Error(`the playground listens on ${listening}, not the free port ${port} it was given (its replies would go to the wrong serviceUrl)`);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nplayground stderr:\n${stderr.slice(-2000)}`, { cause: error });
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    blockedConnections: () => [...stderr.matchAll(/^LOOPBACK_GUARD_BLOCKED (.+)$/gm)].map((m) => m[1]!),
    stderr: () => stderr,
    stop,
  };
}
