// The pieces instances share through PostgreSQL, each across two pools (two "instances").
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresChangeBus } from '../../src/cluster/changeBus.js';
import { AdvisoryLockLeadership } from '../../src/cluster/leader.js';
import { PostgresRateLimitStore } from '../../src/cluster/rateLimitStore.js';
import { PostgresTurnLock } from '../../src/cluster/turnLock.js';
import { createLogger } from '../../src/logger.js';
import { createPool } from '../../src/storage/postgres/pool.js';
import { PostgresStorage } from '../../src/storage/postgres/postgresStorage.js';
import { migrate } from '../../src/storage/postgres/schema.js';
import { close, listen } from '../helpers/http.js';
import { createDatabase } from '../helpers/nativeServers.js';

let databaseUrl: string;
let one: pg.Pool;
let two: pg.Pool;
const logger = createLogger('silent');

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), 'shared_test');
  one = createPool(databaseUrl);
  two = createPool(databaseUrl);
  await migrate(one);
});
afterAll(async () => {
  await one.end();
  await two.end();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgresChangeBus (LISTEN/NOTIFY)', () => {
  it("delivers another instance's changes once, and its own at once without an echo", async () => {
    const busOne = await PostgresChangeBus.start(one, logger);
    const busTwo = await PostgresChangeBus.start(two, logger);
    try {
      const heardOne: string[] = [];
      const heardTwo: string[] = [];
      busOne.subscribe('directline', (subject) => heardOne.push(subject));
      busTwo.subscribe('directline', (subject) => heardTwo.push(subject));
      busTwo.subscribe('console', (subject) => heardTwo.push(`console:${subject}`));
      busOne.publish('directline', 'conv-1');
      expect(heardOne).toEqual(['conv-1']); // synchronously, on the publishing instance
      busOne.publish('console', '');
      const deadline = Date.now() + 5000;
      while (heardTwo.length < 2 && Date.now() < deadline) await sleep(10);
      await sleep(100);
      // Two NOTIFYs from two pooled connections: each arrives once, in either order.
      expect(heardTwo.sort()).toEqual(['console:', 'conv-1']);
      expect(heardOne).toEqual(['conv-1']);
    } finally {
      await busOne.close();
      await busTwo.close();
    }
  });

  it('after its connection is killed (pg_terminate_backend), reconnects, tells its subscribers to resync, and delivers again both ways', async () => {
    // The instance under test gets a pool of its own, named, so that exactly its connections can be killed.
    const own = new pg.Pool({ connectionString: databaseUrl, application_name: 'bus-under-test', max: 4 });
    own.on('error', () => {});
    const busOne = await PostgresChangeBus.start(own, logger);
    const busTwo = await PostgresChangeBus.start(two, logger);
    try {
      const heardOne: string[] = [];
      const heardTwo: string[] = [];
      busOne.subscribe('directline', (subject) => heardOne.push(`directline:${subject}`));
      busOne.subscribe('console', (subject) => heardOne.push(`console:${subject}`));
      busTwo.subscribe('directline', (subject) => heardTwo.push(subject));
      const until = async (done: () => boolean, what: string) => {
        const deadline = Date.now() + 10_000;
        while (!done()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await sleep(20);
        }
      };
      busTwo.publish('directline', 'before');
      await until(() => heardOne.includes('directline:before'), 'a change before the drop');

      const killed = await two.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'bus-under-test' AND datname = current_database()`,
      );
      expect(killed.rows[0]!.n).toBeGreaterThanOrEqual(1);
      // Back: the subscribers are told to read everything again (changes sent meanwhile were lost).
      await until(() => heardOne.includes('directline:*') && heardOne.includes('console:*'), 'the resync after reconnecting');

      // And it hears other instances again, and they hear it.
      busTwo.publish('directline', 'after');
      await until(() => heardOne.includes('directline:after'), "another instance's change after the reconnect");
      busOne.publish('directline', 'from-one');
      await until(() => heardTwo.includes('from-one'), 'its own change reaching another instance after the reconnect');
    } finally {
      await busOne.close();
      await busTwo.close();
      await own.end();
    }
  });

  it('keeps trying while the database refuses connections, and resumes once it is back', async () => {
    const own = new pg.Pool({ connectionString: databaseUrl, application_name: 'bus-refused', max: 4 });
    own.on('error', () => {});
    // ALTER DATABASE ... ALLOW_CONNECTIONS is run from the server's maintenance database.
    const admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    const database = pg.escapeIdentifier(new URL(databaseUrl).pathname.slice(1));
    const busOne = await PostgresChangeBus.start(own, logger);
    const heard: string[] = [];
    busOne.subscribe('directline', (subject) => heard.push(subject));
    try {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bus-refused'`);
      // Reconnect attempts are refused meanwhile (one a second).
      await sleep(2500);
      expect(heard).not.toContain('*');
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      const deadline = Date.now() + 10_000;
      while (!heard.includes('*') && Date.now() < deadline) await sleep(20);
      expect(heard).toContain('*');
      const busTwo = await PostgresChangeBus.start(two, logger);
      try {
        busTwo.publish('directline', 'back');
        const until = Date.now() + 10_000;
        while (!heard.includes('back') && Date.now() < until) await sleep(20);
        expect(heard).toContain('back');
      } finally {
        await busTwo.close();
      }
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
      await busOne.close();
      await own.end();
    }
  });
});

describe('PostgresTurnLock', () => {
  it('runs turns of one conversation one at a time across instances, and of different conversations together', async () => {
    const lockOne = new PostgresTurnLock(one);
    const lockTwo = new PostgresTurnLock(two);
    const events: string[] = [];
    const turn = (name: string) => async () => {
      events.push(`${name}:start`);
      await sleep(150);
      events.push(`${name}:end`);
    };
    // The second instance asks only once the first holds the lock (a fixed delay raced the first
    // lock's round trip on a loaded machine).
    const started = async (name: string) => {
      while (!events.includes(`${name}:start`)) await sleep(5);
    };
    await Promise.all([lockOne.run('webchat/a', turn('a1')), started('a1').then(() => lockTwo.run('webchat/a', turn('a2')))]);
    expect(events).toEqual(['a1:start', 'a1:end', 'a2:start', 'a2:end']);

    events.length = 0;
    await Promise.all([lockOne.run('webchat/a', turn('a')), started('a').then(() => lockTwo.run('webchat/b', turn('b')))]);
    expect(events).toEqual(['a:start', 'b:start', 'a:end', 'b:end']);
  });

  it('frees the lock when a turn throws', async () => {
    const lock = new PostgresTurnLock(one);
    await expect(lock.run('webchat/c', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const started = Date.now();
    await new PostgresTurnLock(two).run('webchat/c', async () => undefined);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('PostgresTurnLock with the state read in its round trip', () => {
  it('gives the turn what storage.read would, as committed by the turn before it on another instance', async () => {
    const storageOne = new PostgresStorage(one, { ownsPool: false });
    const storageTwo = new PostgresStorage(two, { ownsPool: false });
    // A key with quotes, a backslash and non-ASCII: it travels as a literal in the lock's query.
    const key = "c/webchat/it's%20a\\test-é/state";
    const lockOne = new PostgresTurnLock(one);
    const lockTwo = new PostgresTurnLock(two);
    const other = 'h/prefetch-other';
    await storageOne.write({ [other]: { n: 0 } });
    expect(await lockOne.run('webchat/prefetch', async (prefetched) => prefetched, [key, other])).toEqual({
      keys: [key, other],
      items: await storageOne.read([other]),
    });
    await storageOne.write({ [key]: { state: { n: 1 } } });
    // Instance one's turn writes n: 2 and holds the lock a moment; instance two's turn, queued
    // behind it, must read n: 2 (read after the lock came, not when its query was sent).
    const seen = await Promise.all([
      lockOne.run('webchat/prefetch', async () => {
        const [stored] = Object.values(await storageOne.read([key])) as { eTag: string }[];
        await sleep(150);
        await storageOne.write({ [key]: { state: { n: 2 }, eTag: stored!.eTag } });
      }),
      sleep(30).then(() => lockTwo.run('webchat/prefetch', async (prefetched) => prefetched, [key, other])),
    ]);
    expect(seen[1]).toEqual({ keys: [key, other], items: await storageTwo.read([key, other]) });
    expect((seen[1]!.items[key] as { state: unknown }).state).toEqual({ n: 2 });
    // Without a key to read, the turn gets nothing and reads for itself.
    expect(await lockTwo.run('webchat/prefetch', async (prefetched) => prefetched)).toBeUndefined();
  });
});

describe('AdvisoryLockLeadership (retention sweep leader)', () => {
  it('exactly one instance leads; when it goes, another takes over', async () => {
    const first = new AdvisoryLockLeadership(one, 42n);
    const second = new AdvisoryLockLeadership(two, 42n);
    expect(await first.isLeader()).toBe(true);
    expect(await second.isLeader()).toBe(false);
    expect(await first.isLeader()).toBe(true);
    await first.close();
    expect(await second.isLeader()).toBe(true);
    await second.close();
  });
});

describe('PostgresRateLimitStore (express-rate-limit)', () => {
  it('counts one budget across instances', async () => {
    const appFor = (pool: pg.Pool) => {
      const app = express();
      app.use(
        rateLimit({ windowMs: 60_000, limit: 3, store: new PostgresRateLimitStore(pool, 'test-shared:'), standardHeaders: 'draft-8', legacyHeaders: false }),
      );
      app.get('/', (_req, res) => void res.send('ok'));
      return app;
    };
    const a = await listen(appFor(one));
    const b = await listen(appFor(two));
    try {
      const statuses: number[] = [];
      for (const url of [a.url, b.url, a.url, b.url, a.url]) statuses.push((await fetch(url)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await close(a.server);
      await close(b.server);
    }
  });
});
