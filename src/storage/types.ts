import type { Storage, StoreItem, StoreItems } from '@microsoft/agents-hosting';

export type { Storage, StoreItem, StoreItems };

/**
 * The one storage interface the engine depends on: the SDK's `Storage` (read / write / delete with
 * eTag optimistic concurrency) plus what privacy and retention need.
 *
 * eTag semantics (the same as the SDK's MemoryStorage, in every implementation):
 * - an item written with no eTag, a falsy eTag or `'*'` overwrites whatever is stored;
 * - an item written with {@link ETAG_IF_ABSENT} is stored only if the key does not exist yet
 *   (create-if-absent: of two racing first writes, exactly one wins);
 * - an item written with any other eTag is stored only if the key is absent or its stored eTag is
 *   equal;
 * - when any item of a `write` call may not be stored, the whole call throws
 *   {@link StorageConflictError} and stores nothing;
 * - every stored item gets a new eTag, returned by `read` as `item.eTag`.
 *
 * The extra methods are async (although SQLite could answer synchronously) so that a networked
 * store such as Redis implements the same interface.
 */
export interface BacklineStorage extends Storage {
  /** Deletes every item whose key starts with `prefix` ("forget me"); returns how many. `prefix` must not be empty. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Deletes every item last written before `cutoffMs` (epoch milliseconds); returns how many. */
  deleteOlderThan(cutoffMs: number): Promise<number>;
  /** Keys starting with `prefix` (`''` lists all), in ascending order. */
  listKeys(prefix: string): Promise<string[]>;
  /** Releases the store; any later call throws. Closing twice is harmless. */
  close(): Promise<void>;
}

/** The eTag that means "create: the key must not exist yet". Never issued as a real eTag. */
export const ETAG_IF_ABSENT = 'absent';

export interface StorageOptions {
  /** Clock for `updated_at` and eTags; tests inject one. Default `Date.now`. */
  now?: () => number;
}

/** A write lost an optimistic-concurrency race. Carries the key, never the value. */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  constructor(readonly key: string) {
    super(`Storage: eTag conflict writing key "${key}"; the item changed since it was read. Nothing was written.`);
  }
}

/** A value that cannot be stored as JSON. Carries the key and the reason, never the value. */
export class StorageValueError extends Error {
  override readonly name = 'StorageValueError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Storage: value for key "${key}" cannot be stored as JSON: ${reason}. Nothing was written.`);
  }
}
