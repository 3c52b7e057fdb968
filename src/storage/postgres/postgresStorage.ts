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
} from '../common.js';
import { ETAG_IF_ABSENT, StorageConflictError, StorageValueError, type BacklineStorage, type StorageOptions, type StoreItem } from '../types.js';

/** PostgreSQL text cannot hold U+0000; such a key (only a client could make one up) is refused up front. */
function assertStorableKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key === 'string' && key.includes('\u0000'))
      throw new StorageValueError(key.replaceAll('\u0000', '\\0'), 'a key cannot contain the NUL character in PostgreSQL');
  }
}

/**
 * `read` of a few keys as a statement with the keys as literals, for sending in one round trip
 * with other statements (the turn lock's: ../../cluster/turnLock.ts). `escapeLiteral` is the pg
 * client's; undefined when there is no key or one PostgreSQL text cannot hold.
 */
export function readStatement(keys: readonly string[], escapeLiteral: (text: string) => string): string | undefined {
  if (keys.length === 0 || keys.some((key) => key.includes('\u0000'))) return undefined;
  return `SELECT key, value, etag FROM backline_items WHERE key IN (${keys.map(escapeLiteral).join(', ')})`;
}

/** Rows of `read`'s SELECT as the items `read` returns. */
export function itemsOfRows(rows: readonly { key: string; value: string; etag: string }[]): StoreItem {
  // fromEntries, so a key such as "__proto__" is an own property, never the prototype.
  return Object.fromEntries(rows.map((row) => [row.key, toStoreItem(row.value, row.etag)])) as StoreItem;
}

/** What backline_write raises when an eTag does not match (or a key to create exists). */
const CONFLICT_SQLSTATE = 'BL409';

export interface PostgresStorageOptions extends StorageOptions {
  /** End the pool on close (default true); false when the pool is shared with other users. */
  ownsPool?: boolean;
}

/**
 * Storage in PostgreSQL, the same contract as SqliteStorage (see ../types.ts): one table,
 * `backline_items` (key COLLATE "C", so ordering and prefix ranges are byte order like SQLite's),
 * created by `backline migrate` (./schema.ts).
 *
 * A write is one statement, one transaction (the backline_write function of ./schema.ts): it
 * locks the existing rows of all its keys in key order (ORDER BY key FOR UPDATE; a common order
 * means two multi-key writes never deadlock), checks every eTag, then upserts them all; a
 * conflict rolls everything back. Keys that must be absent are inserted with ON CONFLICT DO
 * NOTHING, so of two racing creators exactly one wins.
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
    const result = await this.pool.query<{ key: string; value: string; etag: string }>({
      // Named: prepared once per connection, so the server neither parses nor plans it again.
      name: 'backline_read',
      text: 'SELECT key, value, etag FROM backline_items WHERE key = ANY($1::text[])',
      values: [keys],
    });
    return itemsOfRows(result.rows);
  }

  async write(changes: StoreItem): Promise<void> {
    const serialised = serialiseChanges(changes);
    assertStorableKeys(serialised.map((change) => change.key));
    this.assertOpen();
    if (serialised.length === 0) return;
    // Key order for the inserts too (the function locks existing rows in key order).
    serialised.sort((a, b) => compareKeys(a.key, b.key));
    // One round trip: backline_write (schema version 2, ./schema.ts) locks, checks and writes in
    // one implicit transaction. A new eTag is issued above the one expected; a row overwritten
    // without an eTag gets one above its stored eTag from the function itself.
    try {
      await this.pool.query({
        name: 'backline_write',
        text: 'SELECT backline_write($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint)',
        values: [
          serialised.map((change) => change.key),
          serialised.map((change) => change.json),
          serialised.map((change) => change.expectedETag ?? null),
          serialised.map((change) => (change.expectedETag === ETAG_IF_ABSENT ? this.eTags.next() : this.eTags.next(change.expectedETag))),
          Math.floor(this.now()),
        ],
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === CONFLICT_SQLSTATE) throw new StorageConflictError(String((error as { detail?: unknown }).detail ?? ''));
      throw error;
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
