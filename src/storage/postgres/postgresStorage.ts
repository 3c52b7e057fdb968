import pg from 'pg';
import {
  assertCutoff,
  assertDeleteKeys,
  assertDeletePrefix,
  assertReadKeys,
  compareKeys,
  ETagSequence,
  prefixUpperBound,
  serialiseChanges,
  toStoreItem,
  type SerialisedChange,
} from '../common.js';
import { ETAG_IF_ABSENT, StorageConflictError, StorageValueError, type BacklineStorage, type StorageOptions, type StoreItem } from '../types.js';

/** PostgreSQL text cannot hold U+0000; such a key (only a client could make one up) is refused up front. */
function assertStorableKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key === 'string' && key.includes('\u0000')) throw new StorageValueError(key.replaceAll('\u0000', '\\0'), 'a key cannot contain the NUL character in PostgreSQL');
  }
}

export interface PostgresStorageOptions extends StorageOptions {
  /** End the pool on close (default true); false when the pool is shared with other users. */
  ownsPool?: boolean;
}

/**
 * Storage in PostgreSQL, the same contract as SqliteStorage (see ../types.ts): one table,
 * `backline_items` (key COLLATE "C", so ordering and prefix ranges are byte order like SQLite's),
 * created by `backline migrate` (./schema.ts).
 *
 * A write is one transaction: it locks the existing rows of all its keys in key order
 * (SELECT ... ORDER BY key FOR UPDATE; a common order means two multi-key writes never deadlock),
 * checks every eTag, then upserts them all; a conflict rolls everything back. Keys that must be
 * absent are inserted with ON CONFLICT DO NOTHING, so of two racing creators exactly one wins.
 * `updated_at` comes from the app's clock (injectable, like SQLite's), not the server's.
 */
export class PostgresStorage implements BacklineStorage {
  private readonly now: () => number;
  private readonly eTags: ETagSequence;
  private readonly ownsPool: boolean;
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    options: PostgresStorageOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.eTags = new ETagSequence(this.now);
    this.ownsPool = options.ownsPool ?? true;
  }

  async read(keys: string[]): Promise<StoreItem> {
    assertReadKeys(keys);
    assertStorableKeys(keys);
    this.assertOpen();
    const result = await this.pool.query<{ key: string; value: string; etag: string }>(
      'SELECT key, value, etag FROM backline_items WHERE key = ANY($1::text[])',
      [keys],
    );
    // fromEntries, so a key such as "__proto__" is an own property, never the prototype.
    return Object.fromEntries(result.rows.map((row) => [row.key, toStoreItem(row.value, row.etag)])) as StoreItem;
  }

  async write(changes: StoreItem): Promise<void> {
    const serialised = serialiseChanges(changes);
    assertStorableKeys(serialised.map((change) => change.key));
    this.assertOpen();
    if (serialised.length === 0) return;
    const sorted = [...serialised].sort((a, b) => compareKeys(a.key, b.key));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await this.writeLocked(client, sorted);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } finally {
      client.release();
    }
  }

  private async writeLocked(client: pg.PoolClient, changes: SerialisedChange[]): Promise<void> {
    const locked = await client.query<{ key: string; etag: string }>(
      'SELECT key, etag FROM backline_items WHERE key = ANY($1::text[]) ORDER BY key COLLATE "C" FOR UPDATE',
      [changes.map((change) => change.key)],
    );
    const stored = new Map(locked.rows.map((row) => [row.key, row.etag]));
    const upserts: { change: SerialisedChange; eTag: string }[] = [];
    const creates: { change: SerialisedChange; eTag: string }[] = [];
    for (const change of changes) {
      const storedETag = stored.get(change.key);
      if (change.expectedETag === ETAG_IF_ABSENT) {
        if (storedETag !== undefined) throw new StorageConflictError(change.key);
        creates.push({ change, eTag: this.eTags.next() });
        continue;
      }
      if (change.expectedETag !== undefined && storedETag !== undefined && storedETag !== change.expectedETag) {
        throw new StorageConflictError(change.key);
      }
      upserts.push({ change, eTag: this.eTags.next(storedETag) });
    }
    const updatedAt = Math.floor(this.now());
    if (creates.length > 0) {
      // A row created by a racing transaction after our SELECT: DO NOTHING skips it, and the
      // missing count is the conflict.
      const inserted = await client.query(
        `INSERT INTO backline_items (key, value, etag, updated_at)
         SELECT k, v, e, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, v, e)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [creates.map((c) => c.change.key), creates.map((c) => c.change.json), creates.map((c) => c.eTag), updatedAt],
      );
      if (inserted.rowCount !== creates.length) {
        const won = new Set(inserted.rows.map((row: { key: string }) => row.key));
        throw new StorageConflictError(creates.find((c) => !won.has(c.change.key))!.change.key);
      }
    }
    if (upserts.length > 0) {
      await client.query(
        `INSERT INTO backline_items (key, value, etag, updated_at)
         SELECT k, v, e, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, v, e)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
        [upserts.map((u) => u.change.key), upserts.map((u) => u.change.json), upserts.map((u) => u.eTag), updatedAt],
      );
    }
  }

  async delete(keys: string[]): Promise<void> {
    assertDeleteKeys(keys);
    assertStorableKeys(keys);
    this.assertOpen();
    if (keys.length > 0) await this.pool.query('DELETE FROM backline_items WHERE key = ANY($1::text[])', [keys]);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    assertDeletePrefix(prefix);
    assertStorableKeys([prefix]);
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    const result =
      upper === null
        ? await this.pool.query('DELETE FROM backline_items WHERE key >= $1', [prefix])
        : await this.pool.query('DELETE FROM backline_items WHERE key >= $1 AND key < $2', [prefix, upper]);
    return result.rowCount ?? 0;
  }

  async deleteOlderThan(cutoffMs: number): Promise<number> {
    assertCutoff(cutoffMs);
    this.assertOpen();
    const result = await this.pool.query('DELETE FROM backline_items WHERE updated_at < $1', [Math.ceil(cutoffMs)]);
    return result.rowCount ?? 0;
  }

  async listKeys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('listKeys needs a string prefix.');
    assertStorableKeys([prefix]);
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    const result =
      upper === null
        ? await this.pool.query<{ key: string }>('SELECT key FROM backline_items WHERE key >= $1 ORDER BY key COLLATE "C"', [prefix])
        : await this.pool.query<{ key: string }>('SELECT key FROM backline_items WHERE key >= $1 AND key < $2 ORDER BY key COLLATE "C"', [prefix, upper]);
    return result.rows.map((row) => row.key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('PostgresStorage is closed.');
  }
}
