import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  assertCutoff,
  assertWritable,
  assertDeleteKeys,
  assertDeletePrefix,
  assertReadKeys,
  ETagSequence,
  prefixUpperBound,
  serialiseChanges,
  toStoreItem,
  type SerialisedChange,
} from './common.js';
import { type BacklineStorage, type StorageOptions, type StoreItem } from './types.js';

export interface SqliteStorageOptions extends StorageOptions {
  /**
   * SQLite `synchronous` setting. 'NORMAL' (default) is safe against process crashes in WAL mode;
   * the last commits before a power loss may be lost. 'FULL' also survives power loss, at the cost
   * of an fsync per write.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** Milliseconds to wait for another process holding the write lock. Default 5000. */
  busyTimeoutMs?: number;
}

interface ItemRow {
  value: string;
  etag: string;
}

/**
 * Storage in one SQLite file (better-sqlite3, WAL). One table, `items`; an item's eTag and its
 * last write time are columns, its value is the item's JSON without the eTag.
 *
 * Privacy: `secure_delete` is on, so deleted values are overwritten in the file, and after a
 * delete by prefix or age the WAL is checkpointed and truncated, so their old copies go too.
 * A new database file is created readable by its owner only.
 */
export class SqliteStorage implements BacklineStorage {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly eTags: ETagSequence;
  private closed = false;

  private readonly selectItem: Database.Statement<[string], ItemRow>;
  private readonly selectETag: Database.Statement<[string], string>;
  private readonly upsertItem: Database.Statement<[string, string, string, number]>;
  private readonly deleteItem: Database.Statement<[string]>;
  private readonly deleteRange: Database.Statement<[string, string]>;
  private readonly deleteFrom: Database.Statement<[string]>;
  private readonly deleteBefore: Database.Statement<[number]>;
  private readonly listRange: Database.Statement<[string, string], string>;
  private readonly listFrom: Database.Statement<[string], string>;

  private readonly readTransaction: (keys: string[]) => StoreItem;
  private readonly writeTransaction: (changes: SerialisedChange[]) => void;
  private readonly deleteTransaction: (keys: string[]) => void;

  /** @param path a file path (its directory is created) or ':memory:'. */
  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.now = options.now ?? Date.now;
    const inMemory = path === ':memory:';
    if (!inMemory) {
      const file = resolve(path);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // Create the file owner-only before SQLite does; SQLite gives -wal and -shm the same mode.
      closeSync(openSync(file, 'a', 0o600));
    }
    this.db = new Database(path);
    try {
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      this.db.pragma('secure_delete = ON');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS items (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          etag TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS items_updated_at ON items (updated_at);
      `);
    } catch (error) {
      this.db.close();
      throw error;
    }

    this.selectItem = this.db.prepare('SELECT value, etag FROM items WHERE key = ?');
    this.selectETag = this.db.prepare<[string], string>('SELECT etag FROM items WHERE key = ?').pluck();
    this.upsertItem = this.db.prepare(
      `INSERT INTO items (key, value, etag, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    );
    this.deleteItem = this.db.prepare('DELETE FROM items WHERE key = ?');
    this.deleteRange = this.db.prepare('DELETE FROM items WHERE key >= ? AND key < ?');
    this.deleteFrom = this.db.prepare('DELETE FROM items WHERE key >= ?');
    this.deleteBefore = this.db.prepare('DELETE FROM items WHERE updated_at < ?');
    this.listRange = this.db.prepare<[string, string], string>('SELECT key FROM items WHERE key >= ? AND key < ? ORDER BY key').pluck();
    this.listFrom = this.db.prepare<[string], string>('SELECT key FROM items WHERE key >= ? ORDER BY key').pluck();

    // eTags continue above the highest stored one, even if the clock went back since.
    const highest = this.db.prepare<[], string | null>('SELECT MAX(etag) FROM items').pluck().get();
    this.eTags = new ETagSequence(this.now, highest ?? null);

    // A snapshot across all requested keys.
    this.readTransaction = this.db.transaction((keys: string[]) => {
      const entries: [string, StoreItem][] = [];
      for (const key of keys) {
        const row = this.selectItem.get(key);
        if (row) entries.push([key, toStoreItem(row.value, row.etag)]);
      }
      return Object.fromEntries(entries) as StoreItem;
    }).deferred;

    // IMMEDIATE takes the write lock before the eTag checks, so another process cannot write in
    // between; a throw rolls back everything this call wrote.
    this.writeTransaction = this.db.transaction((changes: SerialisedChange[]) => {
      const updatedAt = Math.floor(this.now());
      for (const change of changes) {
        const storedETag = this.selectETag.get(change.key);
        assertWritable(change, storedETag);
        this.upsertItem.run(change.key, change.json, this.eTags.next(storedETag), updatedAt);
      }
    }).immediate;

    this.deleteTransaction = this.db.transaction((keys: string[]) => {
      for (const key of keys) this.deleteItem.run(key);
    }).immediate;
  }

  async read(keys: string[]): Promise<StoreItem> {
    assertReadKeys(keys);
    this.assertOpen();
    // One row is its own snapshot: no BEGIN/COMMIT around it (a turn reads its state this way).
    if (keys.length === 1) return this.readOne(keys[0]!);
    return this.readTransaction(keys);
  }

  private readOne(key: string): StoreItem {
    const row = this.selectItem.get(key);
    return row ? { [key]: toStoreItem(row.value, row.etag) } : {};
  }

  async write(changes: StoreItem): Promise<void> {
    const serialised = serialiseChanges(changes);
    this.assertOpen();
    if (serialised.length > 0) this.writeTransaction(serialised);
  }

  async delete(keys: string[]): Promise<void> {
    assertDeleteKeys(keys);
    this.assertOpen();
    if (keys.length > 0) this.deleteTransaction(keys);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    assertDeletePrefix(prefix);
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    const deleted = (upper === null ? this.deleteFrom.run(prefix) : this.deleteRange.run(prefix, upper)).changes;
    if (deleted > 0) this.purgeWal();
    return deleted;
  }

  async deleteOlderThan(cutoffMs: number): Promise<number> {
    assertCutoff(cutoffMs);
    this.assertOpen();
    const deleted = this.deleteBefore.run(cutoffMs).changes;
    if (deleted > 0) this.purgeWal();
    return deleted;
  }

  async listKeys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('listKeys needs a string prefix.');
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    return upper === null ? this.listFrom.all(prefix) : this.listRange.all(prefix, upper);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('SqliteStorage is closed.');
  }

  /**
   * The WAL keeps copies of pages as they were before a delete; checkpoint them into the file
   * (where secure_delete has zeroed the data) and truncate the WAL. Best effort: a concurrent
   * reader can hold the checkpoint back, and the next one catches up.
   */
  private purgeWal(): void {
    if (this.db.memory) return;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // SQLITE_BUSY from another connection; the deletion itself is committed.
    }
  }
}
