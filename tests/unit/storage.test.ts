import { mkdtempSync, readFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type pg from 'pg';
import {
  createStorage,
  ETAG_IF_ABSENT,
  InMemoryStorage,
  retryOnConflict,
  SqliteStorage,
  startRetentionSweep,
  StorageConflictError,
  StorageValueError,
  type BacklineStorage,
  type StorageOptions,
} from '../../src/storage/index.js';
import { prefixUpperBound } from '../../src/storage/common.js';
import { createPool } from '../../src/storage/postgres/pool.js';
import { PostgresStorage } from '../../src/storage/postgres/postgresStorage.js';
import { migrate } from '../../src/storage/postgres/schema.js';
import { createDatabase } from '../helpers/nativeServers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let tempDir: string;
beforeEach(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'backline-storage-'));
});
afterEach(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    set: (ms: number) => {
      time = ms;
    },
  };
}

// PostgreSQL: the run's one server (tests/setup/postgres.ts), a database for this file, emptied
// before each test.
let postgresPool: pg.Pool;
beforeAll(async () => {
  postgresPool = createPool(await createDatabase(inject('postgresUrl'), 'storage_test'));
  await migrate(postgresPool);
});
afterAll(async () => {
  await postgresPool.end();
});
async function openPostgres(options?: StorageOptions): Promise<BacklineStorage> {
  await postgresPool.query('TRUNCATE backline_items');
  return new PostgresStorage(postgresPool, { ...options, ownsPool: false });
}

const implementations: [string, (options?: StorageOptions) => BacklineStorage | Promise<BacklineStorage>][] = [
  ['InMemoryStorage', (options) => new InMemoryStorage(options)],
  ['SqliteStorage (file)', (options) => new SqliteStorage(join(tempDir, 'db', 'backline.db'), options)],
  ['SqliteStorage (:memory:)', (options) => new SqliteStorage(':memory:', options)],
  ['PostgresStorage', openPostgres],
];

describe.each(implementations)('%s', (_name, open) => {
  let storage: BacklineStorage;
  const clock = manualClock();
  beforeEach(async () => {
    clock.set(Date.UTC(2026, 0, 1));
    storage = await open({ now: clock.now });
  });
  afterEach(async () => {
    await storage.close();
  });

  describe('read / write / delete', () => {
    it('reads back what was written, with an eTag, and only the keys that exist', async () => {
      await storage.write({ 'a/1': { count: 1, nested: { list: [1, 'two', null, true] } }, 'a/2': { text: 'héllo ✓ 𝄞' } });
      const items = await storage.read(['a/1', 'a/2', 'missing']);
      expect(Object.keys(items).sort()).toEqual(['a/1', 'a/2']);
      expect(items['a/1']).toMatchObject({ count: 1, nested: { list: [1, 'two', null, true] } });
      expect(items['a/2']).toMatchObject({ text: 'héllo ✓ 𝄞' });
      expect(typeof items['a/1'].eTag).toBe('string');
      expect('missing' in items).toBe(false);
    });

    it('refuses to read with no keys, like the SDK', async () => {
      await expect(storage.read([])).rejects.toThrow(ReferenceError);
    });

    it('does not mutate or keep a reference to the written object', async () => {
      const item = { eTag: '*', list: [1] };
      await storage.write({ k: item });
      expect(item).toEqual({ eTag: '*', list: [1] });
      item.list.push(2);
      const first = await storage.read(['k']);
      expect(first.k.list).toEqual([1]);
      first.k.list.push(3);
      expect((await storage.read(['k'])).k.list).toEqual([1]);
    });

    it('treats __proto__ as an ordinary key and property', async () => {
      await storage.write({ ['__proto__']: { ['__proto__']: { polluted: true } } } as Record<string, unknown>);
      const items = await storage.read(['__proto__']);
      expect(Object.prototype.hasOwnProperty.call(items, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('gives every write a new, increasing eTag', async () => {
      const seen: string[] = [];
      for (let i = 0; i < 50; i++) {
        await storage.write({ k: { i }, [`other/${i}`]: { i } });
        const items = await storage.read(['k', `other/${i}`]);
        seen.push(items.k.eTag, items[`other/${i}`].eTag);
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(seen);
    });

    it('deletes the given keys and ignores missing ones', async () => {
      await storage.write({ a: { v: 1 }, b: { v: 2 }, c: { v: 3 } });
      await storage.delete(['a', 'c', 'never-there']);
      await storage.delete([]);
      expect(Object.keys(await storage.read(['a', 'b', 'c']))).toEqual(['b']);
    });

    it('accepts an empty change set as a no-op', async () => {
      await storage.write({});
      expect(await storage.listKeys('')).toEqual([]);
    });
  });

  describe('eTags (optimistic concurrency)', () => {
    it('writes when the eTag matches what was read, and issues a new one', async () => {
      await storage.write({ k: { v: 1 } });
      const { k } = await storage.read(['k']);
      await storage.write({ k: { ...k, v: 2 } });
      const after = (await storage.read(['k'])).k;
      expect(after.v).toBe(2);
      expect(after.eTag).not.toBe(k.eTag);
    });

    it('a stale eTag throws a conflict naming the key but not the value, and writes nothing', async () => {
      await storage.write({ k: { v: 'original' } });
      const stale = (await storage.read(['k'])).k;
      await storage.write({ k: { ...stale, v: 'newer' } });
      const current = (await storage.read(['k'])).k;

      const error = await storage.write({ k: { ...stale, v: 'SECRET-VALUE' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageConflictError);
      expect((error as Error).message).toMatch(/eTag conflict/);
      expect((error as Error).message).toContain('"k"');
      expect((error as Error).message).not.toContain('SECRET-VALUE');
      expect((await storage.read(['k'])).k).toEqual(current);
    });

    it('a conflict on one item of a multi-item write writes none of them', async () => {
      await storage.write({ good: { v: 1 }, bad: { v: 1 } });
      const read = await storage.read(['good', 'bad']);
      await storage.write({ bad: { ...read.bad, v: 2 } }); // someone else moves "bad" on
      const before = await storage.read(['good', 'bad']);

      await expect(
        storage.write({
          fresh: { v: 'new key' },
          good: { ...read.good, v: 'updated' },
          bad: { ...read.bad, v: 'stale' },
        }),
      ).rejects.toBeInstanceOf(StorageConflictError);
      expect(await storage.read(['fresh', 'good', 'bad'])).toEqual(before);
    });

    it("'*' and a missing eTag overwrite whatever is stored", async () => {
      await storage.write({ k: { v: 1 } });
      await storage.write({ k: { v: 2, eTag: '*' } });
      expect((await storage.read(['k'])).k.v).toBe(2);
      await storage.write({ k: { v: 3 } });
      expect((await storage.read(['k'])).k.v).toBe(3);
      await storage.write({ k: { v: 4, eTag: '' } });
      expect((await storage.read(['k'])).k.v).toBe(4);
    });

    it('like the SDK MemoryStorage, an eTag on a key that does not exist (any more) is not a conflict', async () => {
      await storage.write({ k: { v: 1 } });
      const read = (await storage.read(['k'])).k;
      await storage.delete(['k']);
      await storage.write({ k: { ...read, v: 2 } });
      expect((await storage.read(['k'])).k.v).toBe(2);
    });

    it('two writers racing from the same read: exactly one wins', async () => {
      await storage.write({ k: { turn: 0 } });
      const read = (await storage.read(['k'])).k;
      const results = await Promise.allSettled([
        storage.write({ k: { ...read, turn: 1, writer: 'A' } }),
        storage.write({ k: { ...read, turn: 1, writer: 'B' } }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(StorageConflictError);
      const winner = results[0]!.status === 'fulfilled' ? 'A' : 'B';
      expect((await storage.read(['k'])).k.writer).toBe(winner);
    });
  });

  describe('create-if-absent (ETAG_IF_ABSENT)', () => {
    it('creates a key that does not exist, and refuses, changing nothing, once it does', async () => {
      await storage.write({ k: { v: 'first', eTag: ETAG_IF_ABSENT } });
      const stored = (await storage.read(['k'])).k;
      expect(stored.v).toBe('first');
      expect(stored.eTag).not.toBe(ETAG_IF_ABSENT);
      await expect(storage.write({ k: { v: 'second', eTag: ETAG_IF_ABSENT } })).rejects.toBeInstanceOf(StorageConflictError);
      expect((await storage.read(['k'])).k).toEqual(stored);
    });

    it('two racing first writes: exactly one wins, and the loser stores nothing of its write', async () => {
      const results = await Promise.allSettled([
        storage.write({ state: { writer: 'A', eTag: ETAG_IF_ABSENT }, 'log/a': { writer: 'A' } }),
        storage.write({ state: { writer: 'B', eTag: ETAG_IF_ABSENT }, 'log/b': { writer: 'B' } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(lost.reason).toBeInstanceOf(StorageConflictError);
      const winner = results[0]!.status === 'fulfilled' ? 'A' : 'B';
      expect((await storage.read(['state'])).state.writer).toBe(winner);
      expect(await storage.listKeys('log/')).toEqual([`log/${winner.toLowerCase()}`]);
    });

    it('after a delete the key can be created again', async () => {
      await storage.write({ k: { v: 1, eTag: ETAG_IF_ABSENT } });
      await storage.delete(['k']);
      await storage.write({ k: { v: 2, eTag: ETAG_IF_ABSENT } });
      expect((await storage.read(['k'])).k.v).toBe(2);
    });
  });

  describe('deleteByPrefix ("forget me")', () => {
    it('deletes exactly the keys under the prefix and returns how many', async () => {
      await storage.write({
        'msteams/conversations/c1': { v: 1 },
        'msteams/conversations/c1/private': { v: 2 },
        'msteams/conversations/c10': { v: 3 },
        'msteams/conversations/c2': { v: 4 },
        'msteams/users/u1': { v: 5 },
      });
      expect(await storage.deleteByPrefix('msteams/conversations/c1/')).toBe(1);
      expect(await storage.deleteByPrefix('msteams/conversations/c1')).toBe(2);
      expect(await storage.listKeys('')).toEqual(['msteams/conversations/c2', 'msteams/users/u1']);
      expect(await storage.deleteByPrefix('nothing/')).toBe(0);
    });

    it('treats wildcard-looking characters in the prefix literally', async () => {
      await storage.write({ 'a%b/1': { v: 1 }, 'axb/1': { v: 2 }, 'a_b/1': { v: 3 }, 'a*b/1': { v: 4 }, 'A%B/1': { v: 5 } });
      expect(await storage.deleteByPrefix('a%b/')).toBe(1);
      expect(await storage.deleteByPrefix('a*')).toBe(1);
      expect(await storage.listKeys('')).toEqual(['A%B/1', 'a_b/1', 'axb/1']);
    });

    it('handles prefixes ending in the highest code point', async () => {
      await storage.write({ 'x\u{10FFFF}': { v: 1 }, 'x\u{10FFFF}\u{10FFFF}tail': { v: 2 }, y: { v: 3 } });
      expect(await storage.listKeys('x\u{10FFFF}')).toEqual(['x\u{10FFFF}', 'x\u{10FFFF}\u{10FFFF}tail']);
      expect(await storage.deleteByPrefix('x\u{10FFFF}')).toBe(2);
      expect(await storage.listKeys('')).toEqual(['y']);
    });

    it('refuses an empty prefix rather than deleting everything', async () => {
      await storage.write({ k: { v: 1 } });
      await expect(storage.deleteByPrefix('')).rejects.toThrow(RangeError);
      expect(await storage.listKeys('')).toEqual(['k']);
    });
  });

  describe('deleteOlderThan (retention)', () => {
    it('deletes items last written before the cutoff and returns how many', async () => {
      await storage.write({ old: { v: 1 }, refreshed: { v: 1 } });
      clock.advance(10 * DAY_MS);
      await storage.write({ recent: { v: 1 }, refreshed: { v: 2 } });
      const cutoff = clock.now() - 5 * DAY_MS;
      expect(await storage.deleteOlderThan(cutoff)).toBe(1);
      expect(await storage.listKeys('')).toEqual(['recent', 'refreshed']);
      expect(await storage.deleteOlderThan(cutoff)).toBe(0);
      expect(await storage.deleteOlderThan(clock.now())).toBe(0); // strictly older than
      expect(await storage.deleteOlderThan(clock.now() + 1)).toBe(2);
    });

    it('rejects a cutoff that is not a finite number', async () => {
      await expect(storage.deleteOlderThan(Number.NaN)).rejects.toThrow(RangeError);
    });
  });

  describe('listKeys', () => {
    it('lists keys under a prefix in ascending order', async () => {
      await storage.write({ 'p/b': { v: 1 }, 'p/a': { v: 1 }, 'q/a': { v: 1 }, p: { v: 1 } });
      expect(await storage.listKeys('p/')).toEqual(['p/a', 'p/b']);
      expect(await storage.listKeys('')).toEqual(['p', 'p/a', 'p/b', 'q/a']);
    });
  });

  describe('values that cannot be stored as JSON', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const badValues: [string, unknown][] = [
      ['a circular reference', circular],
      ['a bigint', { n: 10n }],
      ['a function', { f: () => 1 }],
      ['a symbol', { s: Symbol('x') }],
      ['NaN', { n: Number.NaN }],
      ['Infinity', { deep: [{ n: Number.POSITIVE_INFINITY }] }],
      ['a Map', { m: new Map([['k', 'v']]) }],
      ['a Set', { s: new Set([1]) }],
      ['an array as the item', [1, 2]],
      ['null as the item', null],
      ['a string as the item', 'text'],
      ['a non-string eTag', { eTag: 5 }],
    ];

    it.each(badValues)('rejects %s with a clear error and writes nothing', async (_what, bad) => {
      await storage.write({ existing: { v: 'kept' } });
      const before = await storage.read(['existing']);
      const error = await storage.write({ existing: { v: 'changed', eTag: '*' }, 'user/1': bad } as Record<string, unknown>).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageValueError);
      expect((error as Error).message).toMatch(/cannot be stored as JSON/);
      expect((error as Error).message).toContain('"user/1"');
      expect(await storage.read(['existing', 'user/1'])).toEqual(before);
    });

    it('never quotes the value in the error', async () => {
      const error = await storage.write({ k: { secret: 'SECRET-VALUE', n: 1n } }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(StorageValueError);
      expect((error as Error).message).not.toContain('SECRET-VALUE');
    });

    it('stores what JSON defines: dates become ISO strings, undefined properties are dropped', async () => {
      await storage.write({ k: { at: new Date(Date.UTC(2026, 0, 2)), gone: undefined } });
      const { k } = await storage.read(['k']);
      expect(k.at).toBe('2026-01-02T00:00:00.000Z');
      expect('gone' in k).toBe(false);
    });

    it('rejects a missing change set', async () => {
      await expect(storage.write(undefined as unknown as Record<string, unknown>)).rejects.toThrow(ReferenceError);
    });
  });

  it('refuses every call after close', async () => {
    await storage.write({ k: { v: 1 } });
    await storage.close();
    await expect(storage.read(['k'])).rejects.toThrow(/closed/);
    await expect(storage.write({ k: { v: 2 } })).rejects.toThrow(/closed/);
    await expect(storage.deleteByPrefix('k')).rejects.toThrow(/closed/);
    await storage.close();
  });
});

describe('SqliteStorage on disk', () => {
  it('keeps data and eTags across closing and reopening the file', async () => {
    const path = join(tempDir, 'nested', 'dir', 'backline.db');
    const first = new SqliteStorage(path);
    await first.write({ 'conv/1': { turn: 3, evidence: { age: 52 } }, 'conv/2': { turn: 1 } });
    const written = await first.read(['conv/1', 'conv/2']);
    await first.close();

    const second = new SqliteStorage(path);
    const reopened = await second.read(['conv/1', 'conv/2']);
    expect(reopened).toEqual(written);
    // The eTag read before the restart still works, exactly once.
    await second.write({ 'conv/1': { ...written['conv/1'], turn: 4 } });
    await expect(second.write({ 'conv/1': { ...written['conv/1'], turn: 5 } })).rejects.toBeInstanceOf(StorageConflictError);
    await second.close();
  });

  it('issues eTags above the stored ones after a restart even if the clock went back', async () => {
    const path = join(tempDir, 'backline.db');
    const first = new SqliteStorage(path, { now: () => Date.UTC(2030, 0, 1) });
    await first.write({ a: { v: 1 } });
    const before = (await first.read(['a'])).a.eTag as string;
    await first.close();

    const second = new SqliteStorage(path, { now: () => Date.UTC(2020, 0, 1) });
    await second.write({ b: { v: 1 } });
    const after = (await second.read(['b'])).b.eTag as string;
    expect(after > before).toBe(true);
    await second.close();
  });

  it('two connections to one file racing from the same read: exactly one wins', async () => {
    const path = join(tempDir, 'shared.db');
    const processA = new SqliteStorage(path);
    const processB = new SqliteStorage(path);
    await processA.write({ k: { turn: 0 } });
    const readA = (await processA.read(['k'])).k;
    const readB = (await processB.read(['k'])).k;
    expect(readB).toEqual(readA);

    const results = await Promise.allSettled([processA.write({ k: { ...readA, writer: 'A' } }), processB.write({ k: { ...readB, writer: 'B' } })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(StorageConflictError);
    expect((await processB.read(['k'])).k).toEqual((await processA.read(['k'])).k);
    await processA.close();
    await processB.close();
  });

  it('uses WAL and the documented schema, in an owner-only file', async () => {
    const path = join(tempDir, 'made', 'here', 'backline.db');
    const storage = new SqliteStorage(path);
    await storage.write({ k: { v: 1 } });
    await storage.close();

    expect(statSync(path).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const columns = db.prepare('PRAGMA table_info(items)').all() as { name: string; type: string; notnull: number; pk: number }[];
    expect(columns.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['key', 'TEXT', 0, 1],
      ['value', 'TEXT', 1, 0],
      ['etag', 'TEXT', 1, 0],
      ['updated_at', 'INTEGER', 1, 0],
    ]);
    const row = db.prepare('SELECT value, etag, updated_at FROM items WHERE key = ?').get('k') as {
      value: string;
      etag: string;
      updated_at: number;
    };
    expect(JSON.parse(row.value)).toEqual({ v: 1 }); // the eTag lives in its column only
    expect(typeof row.updated_at).toBe('number');
    db.close();
  });

  it('leaves no copy of forgotten values in the database or WAL file', async () => {
    const path = join(tempDir, 'forget.db');
    const storage = new SqliteStorage(path);
    await storage.write({ 'conv/forget-me': { note: 'FORGET-THIS-MARKER '.repeat(20) }, 'conv/keep': { note: 'kept' } });
    await storage.write({ 'conv/forget-me': { note: 'FORGET-THIS-MARKER second version' } });
    expect(await storage.deleteByPrefix('conv/forget')).toBe(1);
    const files = [path, `${path}-wal`].filter((file) => existsSync(file));
    for (const file of files) {
      expect(readFileSync(file).includes('FORGET-THIS-MARKER')).toBe(false);
    }
    expect(await storage.listKeys('')).toEqual(['conv/keep']);
    await storage.close();
  });
});

describe('createStorage', () => {
  it('builds each kind behind the same interface', async () => {
    const kinds = [createStorage({ kind: 'memory' }), createStorage({ kind: 'sqlite', sqlitePath: join(tempDir, 'c', 'x.db') })];
    expect(kinds[0]).toBeInstanceOf(InMemoryStorage);
    expect(kinds[1]).toBeInstanceOf(SqliteStorage);
    for (const storage of kinds) {
      await storage.write({ k: { v: 1 } });
      expect((await storage.read(['k'])).k.v).toBe(1);
      await storage.close();
    }
  });

  it('needs a path for sqlite', () => {
    expect(() => createStorage({ kind: 'sqlite' })).toThrow(/sqlitePath/);
  });
});

describe('startRetentionSweep', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sweeps at start and then on an unref’d interval, logging counts only', async () => {
    const clock = manualClock();
    const storage = new InMemoryStorage({ now: clock.now });
    await storage.write({ 'conv/secret-key': { note: 'secret value' } });
    clock.advance(31 * DAY_MS);
    await storage.write({ 'conv/fresh': { v: 1 } });

    const intervalSpy = vi.spyOn(globalThis, 'setInterval');
    const messages: string[] = [];
    const sweeps: number[] = [];
    const stop = startRetentionSweep(storage, 30, 20, {
      now: clock.now,
      log: (m) => messages.push(m),
      onSweep: (deleted) => sweeps.push(deleted),
    });
    const timer = intervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    await vi.waitFor(() => expect(sweeps.length).toBeGreaterThanOrEqual(1));
    expect(sweeps[0]).toBe(1);
    const sweepsBefore = sweeps.length;
    clock.advance(31 * DAY_MS);
    await vi.waitFor(() => expect(sweeps.slice(sweepsBefore)).toContain(1));
    stop();
    const count = sweeps.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sweeps.length).toBe(count);

    expect(await storage.listKeys('')).toEqual([]);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      expect(message).toMatch(/deleted \d+ item/);
      expect(message).not.toMatch(/conv|secret/);
    }
  });

  it('reports a failure by its kind only', async () => {
    const warnings: string[] = [];
    const failing = {
      deleteOlderThan: async () => {
        throw new Error('failed on key conv/secret');
      },
    };
    const stop = startRetentionSweep(failing, 30, 60_000, { warn: (m) => warnings.push(m), log: () => {} });
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    stop();
    expect(warnings[0]).toMatch(/retention sweep failed \(Error\)/);
    expect(warnings[0]).not.toMatch(/secret/);
  });

  it('rejects a non-positive period or interval', () => {
    const storage = new InMemoryStorage();
    expect(() => startRetentionSweep(storage, 0, 1000)).toThrow(RangeError);
    expect(() => startRetentionSweep(storage, 30, 0)).toThrow(RangeError);
  });
});

describe('prefixUpperBound', () => {
  it('is the least string above every extension of the prefix', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('')).toBeNull();
  });
});

describe('retryOnConflict (the one eTag read-modify-write loop)', () => {
  it('sixteen racing increments of one counter all land, each once', async () => {
    const storage = new SqliteStorage(join(tempDir, 'retry.db'));
    try {
      const increment = () =>
        retryOnConflict(async () => {
          const current = (await storage.read(['n'])).n as { value: number; eTag: string } | undefined;
          // Yield between read and write, as a real turn does, so the writers really interleave.
          await new Promise((resolve) => setImmediate(resolve));
          await storage.write({ n: { value: (current?.value ?? 0) + 1, eTag: current?.eTag ?? ETAG_IF_ABSENT } });
        });
      await Promise.all(Array.from({ length: 16 }, increment));
      expect((await storage.read(['n'])).n.value).toBe(16);
    } finally {
      await storage.close();
    }
  });

  it('gives up after the attempts allowed, with the conflict; other errors end it at once', async () => {
    let tries = 0;
    const conflicting = retryOnConflict(
      async () => {
        tries++;
        throw new StorageConflictError('k');
      },
      { attempts: 4, firstDelayMs: 1 },
    );
    await expect(conflicting).rejects.toBeInstanceOf(StorageConflictError);
    expect(tries).toBe(4);

    tries = 0;
    await expect(
      retryOnConflict(async () => {
        tries++;
        throw new TypeError('not a conflict');
      }),
    ).rejects.toBeInstanceOf(TypeError);
    expect(tries).toBe(1);
  });
});

describe('PostgresStorage across connections', () => {
  it('refuses a key with a NUL character (PostgreSQL text cannot hold it) with a value error, storing nothing', async () => {
    const storage = await openPostgres();
    await expect(storage.write({ 'ok/1': { a: 1 }, 'bad\u0000key': { a: 2 } })).rejects.toThrow(StorageValueError);
    await expect(storage.read(['bad\u0000key'])).rejects.toThrow(StorageValueError);
    expect(await storage.listKeys('')).toEqual([]);
  });

  it('multi-key writes naming the same keys in opposite orders never deadlock', async () => {
    const a = await openPostgres();
    const b = new PostgresStorage(createPool(inject('postgresUrl').replace(/\/postgres$/, '/storage_test')));
    try {
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) {
        writes.push(a.write({ 'x/1': { i }, 'x/2': { i }, 'x/3': { i } }));
        writes.push(b.write({ 'x/3': { i }, 'x/2': { i }, 'x/1': { i } }));
      }
      await Promise.all(writes);
      expect(await a.listKeys('x/')).toEqual(['x/1', 'x/2', 'x/3']);
    } finally {
      await b.close();
    }
  });

  it("create-if-absent ('absent' eTag): of two racing creators on two connections exactly one wins", async () => {
    const a = await openPostgres();
    const b = new PostgresStorage(createPool(inject('postgresUrl').replace(/\/postgres$/, '/storage_test')));
    try {
      for (let round = 0; round < 10; round++) {
        const results = await Promise.allSettled([
          a.write({ [`new/${round}`]: { by: 'a', eTag: 'absent' } }),
          b.write({ [`new/${round}`]: { by: 'b', eTag: 'absent' } }),
        ]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const loser = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
        expect(loser.reason).toBeInstanceOf(StorageConflictError);
      }
      await expect(a.write({ 'new/0': { by: 'a', eTag: 'absent' } })).rejects.toThrow(StorageConflictError);
    } finally {
      await b.close();
    }
  });
});
