// Storage for Backline: choose an implementation from config; the engine sees only BacklineStorage.
//
// Adding Redis (a later issue): a `RedisStorage implements BacklineStorage` and a `'redis'` kind
// here. To keep the behaviour the tests in tests/unit/storage.test.ts pin down, it must provide:
// - eTags: store each item as a hash { value, etag, updated_at } (or value + etag in one JSON);
//   `write` must check every expected eTag and set all items atomically, either with
//   WATCH <keys> / read the eTags / MULTI ... EXEC (a null EXEC reply means another writer got in
//   first: raise StorageConflictError, do not retry) or, better, one Lua script (EVAL) that
//   compares all eTags and writes all items or none. New eTags must be unique and never repeat for a key (e.g. INCR on
//   a counter key inside the same script/transaction).
// - values: the same serialiseChanges() checks as here, before any network call.
// - retention: EXPIRE/PEXPIRE each item by the retention period on every write (Redis drops it
//   itself); deleteOlderThan can then return 0, or scan a sorted set of updated_at scores
//   (ZRANGEBYSCORE + DEL) if an exact count is wanted.
// - deleteByPrefix/listKeys: SCAN MATCH with the prefix's glob characters (* ? [ ] \) escaped,
//   never KEYS; or keep a set per conversation prefix. Prefix keys with a namespace
//   (e.g. "backline:") so a shared Redis never mixes tenants.
// - close: QUIT the client.
import { InMemoryStorage } from './memoryStorage.js';
import { SqliteStorage } from './sqliteStorage.js';
import { createPool } from './postgres/pool.js';
import { PostgresStorage } from './postgres/postgresStorage.js';
import type { BacklineStorage } from './types.js';

export interface StorageConfig {
  kind: 'sqlite' | 'postgres' | 'memory';
  /** Required for 'sqlite': a file path (its directory is created) or ':memory:'. */
  sqlitePath?: string;
  /** Required for 'postgres': postgres://... (the schema comes from `backline migrate`). */
  databaseUrl?: string;
  /** 'postgres': the pool's size. */
  poolMax?: number;
}

export function createStorage(config: StorageConfig): BacklineStorage {
  switch (config.kind) {
    case 'sqlite':
      if (!config.sqlitePath) {
        throw new Error('Storage kind "sqlite" needs sqlitePath (a file path, or ":memory:").');
      }
      return new SqliteStorage(config.sqlitePath);
    case 'postgres':
      if (!config.databaseUrl) throw new Error('Storage kind "postgres" needs databaseUrl (postgres://...).');
      return new PostgresStorage(createPool(config.databaseUrl, { max: config.poolMax }));
    case 'memory':
      return new InMemoryStorage();
    default: {
      const unknownKind: never = config.kind;
      throw new Error(`Unknown storage kind: ${String(unknownKind)}`);
    }
  }
}

export { InMemoryStorage } from './memoryStorage.js';
export { SqliteStorage, type SqliteStorageOptions } from './sqliteStorage.js';
export { startRetentionSweep, type RetentionSweepOptions } from './retention.js';
export { PostgresStorage, type PostgresStorageOptions } from './postgres/postgresStorage.js';
export {
  ETAG_IF_ABSENT,
  StorageConflictError,
  StorageValueError,
  type BacklineStorage,
  type StorageOptions,
  type Storage,
  type StoreItem,
  type StoreItems,
} from './types.js';
export { retryOnConflict, type ConflictRetryOptions } from './retry.js';
export { readThrough, type PrefetchedRead } from './prefetched.js';
