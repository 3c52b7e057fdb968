// The agent console's sign-in limits with two instances on one PostgreSQL database (in this
// process, each with its own pool and cluster, as `backline serve` wires them): a per-account
// lockout earned through one instance holds on the other.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBackline, type Backline } from '../../src/app.js';
import { createCluster } from '../../src/cluster/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createStorage } from '../../src/storage/index.js';
import { createPool } from '../../src/storage/postgres/pool.js';
import { migrate } from '../../src/storage/postgres/schema.js';
import { close, listen } from '../helpers/http.js';
import { TEST_TOKEN_SECRET } from '../helpers/directline.js';
import { createDatabase } from '../helpers/nativeServers.js';
import { AGENT_PASSWORD, supportEnv } from '../helpers/support.js';

interface Running {
  backline: Backline;
  url: string;
  stop(): Promise<void>;
}

async function instance(databaseUrl: string): Promise<Running> {
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'postgres',
    DATABASE_URL: databaseUrl,
    DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET,
    LOG_LEVEL: 'silent',
    NLU_CACHE_DIR: 'data/test-nlu-cache',
    ...supportEnv({ SUPPORT_LOGIN_ACCOUNT_LIMIT: '3', SUPPORT_LOGIN_RATE_LIMIT: '100' }),
  });
  const storage = createStorage({ kind: 'postgres', databaseUrl, poolMax: 4 });
  const cluster = await createCluster(config, storage, silentLogger);
  const backline = createBackline(config, { logger: silentLogger, storage, cluster, retentionSweep: false });
  const { server, url } = await listen(backline.http);
  return {
    backline,
    url,
    stop: async () => {
      await close(server);
      await backline.close();
    },
  };
}

const login = (base: string, username: string, password: string) =>
  fetch(`${base}/agent/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).then(
    (r) => r.status,
  );

let a: Running;
let b: Running;

beforeAll(async () => {
  const databaseUrl = await createDatabase(inject('postgresUrl'), 'login_lockout');
  const pool = createPool(databaseUrl, { max: 1 });
  await migrate(pool);
  await pool.end();
  a = await instance(databaseUrl);
  b = await instance(databaseUrl);
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe('per-account sign-in lockout across instances', () => {
  it('failures through either instance add up: the account is locked on both, colleagues are not', async () => {
    // Three failures, spread over the two instances (as a round-robin load balancer would).
    expect([await login(a.url, 'sam', 'wrong-1'), await login(b.url, 'sam', 'wrong-2'), await login(a.url, 'SAM ', 'wrong-3')]).toEqual([401, 401, 401]);
    // Locked on both, even with the right password; on its own count instance b would have let it in.
    expect(await login(b.url, 'sam', AGENT_PASSWORD)).toBe(429);
    expect(await login(a.url, 'sam', AGENT_PASSWORD)).toBe(429);
    // A colleague at the same address signs in on either.
    expect(await login(a.url, 'alex', AGENT_PASSWORD)).toBe(200);
    expect(await login(b.url, 'alex', AGENT_PASSWORD)).toBe(200);
  });

  it('a name that is no account locks the same way across instances (a 429 tells nothing about which names exist)', async () => {
    expect([
      await login(b.url, 'nobody', 'a'),
      await login(a.url, 'nobody', 'b'),
      await login(b.url, 'nobody', 'c'),
      await login(a.url, 'nobody', 'd'),
    ]).toEqual([401, 401, 401, 429]);
  });
});
