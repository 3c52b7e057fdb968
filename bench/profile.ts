// `node --import tsx bench/profile.ts [sqlite|memory|postgres]`: where a Backline turn's time goes.
// Plays the bench script in-process (the same adapter path as POST /api/messages) and prints
// per turn: storage calls by method and keys, time inside storage, and the NLU steps' time.
// Add --cpu-prof to node for a V8 profile of the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackline } from '../src/app.js';
import { BacklineBot } from '../src/bot/backlineBot.js';
import { InProcessConversation } from '../src/channels/inProcess.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { SqliteStorage, InMemoryStorage, type BacklineStorage } from '../src/storage/index.js';
import { SCRIPT } from './script.js';
import { firstPositional } from './args.js';

const kind = firstPositional ?? 'sqlite';
const TURNS = Number(process.env.TURNS ?? 5000);

const calls = new Map<string, { count: number; keys: number; ms: number }>();
function counted(storage: BacklineStorage): BacklineStorage {
  return new Proxy(storage, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const name = String(property);
        const arg = args[0];
        const label = `${name} ${Array.isArray(arg) ? arg.map(keyKind).join(',') : arg && typeof arg === 'object' ? Object.keys(arg).map(keyKind).join(',') : keyKind(String(arg))}`;
        const start = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const entry = calls.get(label) ?? { count: 0, keys: 0, ms: 0 };
          entry.count++;
          entry.ms += performance.now() - start;
          calls.set(label, entry);
        }
      };
    },
  });
}
/** c/webchat/<id>/state -> c/*\/state: the kind of key, not the key. */
function keyKind(key: string): string {
  return key
    .replace(/^c\/[^/]+\/[^/]+\//, 'c/*/')
    .replace(/\d{4}-\d\d-\d\d/, 'DAY')
    .replace(/\/(t|log)\/\d{16}-[0-9a-f]+$/, '/$1/*');
}

const dir = mkdtempSync(join(tmpdir(), 'backline-profile-'));
let storage: BacklineStorage;
let cluster: import('../src/cluster/index.js').Cluster | undefined;
/** PostgreSQL statements sent per turn (every pg client, the pool's and the turn lock's). */
let statements = 0;
if (kind === 'memory') storage = new InMemoryStorage();
else if (kind === 'postgres') {
  const { createPool } = await import('../src/storage/postgres/pool.js');
  const { PostgresStorage } = await import('../src/storage/postgres/postgresStorage.js');
  const pg = (await import('pg')).default;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  storage = new PostgresStorage(createPool(process.env.DATABASE_URL!));
  const { createCluster } = await import('../src/cluster/index.js');
  cluster = await createCluster(
    loadConfig({
      STORAGE: 'postgres',
      DATABASE_URL: process.env.DATABASE_URL!,
      DIRECT_LINE_TOKEN_SECRET: 'profile-secret-0123456789abcdef0123456789',
      LOG_LEVEL: 'silent',
    }),
    storage,
    silentLogger,
  );
} else storage = new SqliteStorage(join(dir, 'profile.db'));
const config = loadConfig({
  STORAGE: kind === 'postgres' ? 'memory' : kind,
  SQLITE_PATH: join(dir, 'profile.db'),
  LOG_LEVEL: 'silent',
  NLU_CACHE_DIR: 'data/nlu-cache',
});
const backline = createBackline(config, {
  logger: silentLogger,
  retentionSweep: false,
  warmUp: true,
  storage: counted(storage),
  ...(cluster ? { cluster } : {}),
});
// As app.ts wires it: across instances, one turn per conversation at a time (the PostgreSQL turn lock).
const handle: typeof backline.bot.handle = (context) =>
  cluster
    ? cluster.turnLock.run(
        `${String(context.activity.channelId)}/${context.activity.conversation!.id}`,
        (prefetched) => backline.bot.handle(context, prefetched),
        BacklineBot.readKeysOf(context.activity),
      )
    : backline.bot.handle(context);

// NLU steps timed separately, on the script's own texts.
const nlu = backline.nlu;
for (const [name, fn] of [
  ['understand (whole NLU of one message)', (t: string) => (nlu as unknown as { understand?: (t: string) => unknown }).understand?.(t)],
  ['classify', (t: string) => nlu.classify(t)],
  ['detectRedFlags (patterns+learned+assertion)', (t: string) => nlu.detectRedFlags(t)],
  ['learned red flags alone', (t: string) => nlu.learnedRedFlags.detect(t)],
] as const) {
  for (const t of SCRIPT) fn(t);
  const start = performance.now();
  for (let i = 0; i < 20; i++) for (const t of SCRIPT) fn(t);
  console.log(`${name.padEnd(46)} ${((performance.now() - start) / (20 * SCRIPT.length)).toFixed(3)} ms per message`);
}

async function play(turns: number) {
  let conversation: InProcessConversation | undefined;
  for (let step = 0; step < turns; step++) {
    if (step % SCRIPT.length === 0) {
      conversation = new InProcessConversation(backline.adapter, handle, { channelId: 'webchat' });
      await conversation.join();
    }
    await conversation!.say(SCRIPT[step % SCRIPT.length]!);
  }
}
await play(500);
calls.clear();
statements = 0;
const cpu = process.cpuUsage();
const windowStart = process.hrtime.bigint() / 1000n;
const start = performance.now();
await play(TURNS);
const wall = performance.now() - start;
if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) console.log(`profile window (µs, monotonic): ${windowStart} ${process.hrtime.bigint() / 1000n}`);
const used = process.cpuUsage(cpu);
// Joins count as turns too (one per SCRIPT.length messages).
const turns = TURNS + Math.ceil(TURNS / SCRIPT.length);
console.log(
  `\n${kind}: ${turns} turns (${TURNS} messages + joins), ${(wall / turns).toFixed(3)} ms wall, ${((used.user + used.system) / 1000 / turns).toFixed(3)} ms CPU per turn`,
);
let total = 0;
for (const [label, entry] of [...calls].sort((a, b) => b[1].ms - a[1].ms)) {
  total += entry.ms;
  console.log(`  ${label.padEnd(60)} ${(entry.count / turns).toFixed(2)} per turn  ${(entry.ms / turns).toFixed(3)} ms per turn`);
}
console.log(`  storage total ${(total / turns).toFixed(3)} ms per turn`);
if (kind === 'postgres') console.log(`  PostgreSQL statements (round trips) per turn: ${(statements / turns).toFixed(2)}`);
await backline.close();
rmSync(dir, { recursive: true, force: true });
