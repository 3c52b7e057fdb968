import {
  assertCutoff,
  assertWritable,
  assertDeleteKeys,
  assertDeletePrefix,
  assertReadKeys,
  compareKeys,
  ETagSequence,
  serialiseChanges,
  toStoreItem,
} from './common.js';
import { type BacklineStorage, type StorageOptions, type StoreItem } from './types.js';

interface StoredItem {
  json: string;
  eTag: string;
  updatedAt: number;
}

/**
 * In-process storage for unit tests, with exactly the eTag, validation and extra-method behaviour
 * of SqliteStorage. Items are kept as JSON, so callers never share objects with the store.
 */
export class InMemoryStorage implements BacklineStorage {
  private readonly items = new Map<string, StoredItem>();
  private readonly now: () => number;
  private readonly eTags: ETagSequence;
  private closed = false;

  constructor(options: StorageOptions = {}) {
    this.now = options.now ?? Date.now;
    this.eTags = new ETagSequence(this.now);
  }

  async read(keys: string[]): Promise<StoreItem> {
    assertReadKeys(keys);
    this.assertOpen();
    const entries: [string, StoreItem][] = [];
    for (const key of keys) {
      const stored = this.items.get(key);
      if (stored) entries.push([key, toStoreItem(stored.json, stored.eTag)]);
    }
    return Object.fromEntries(entries) as StoreItem;
  }

  async write(changes: StoreItem): Promise<void> {
    const serialised = serialiseChanges(changes);
    this.assertOpen();
    // Check every eTag before storing anything, so a conflict leaves the store untouched.
    for (const change of serialised) {
      assertWritable(change, this.items.get(change.key)?.eTag);
    }
    const updatedAt = Math.floor(this.now());
    for (const change of serialised) {
      const previous = this.items.get(change.key);
      this.items.set(change.key, { json: change.json, eTag: this.eTags.next(previous?.eTag), updatedAt });
    }
  }

  async delete(keys: string[]): Promise<void> {
    assertDeleteKeys(keys);
    this.assertOpen();
    for (const key of keys) this.items.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    assertDeletePrefix(prefix);
    this.assertOpen();
    let deleted = 0;
    for (const key of [...this.items.keys()]) {
      if (key.startsWith(prefix) && this.items.delete(key)) deleted++;
    }
    return deleted;
  }

  async deleteOlderThan(cutoffMs: number): Promise<number> {
    assertCutoff(cutoffMs);
    this.assertOpen();
    let deleted = 0;
    for (const [key, stored] of [...this.items]) {
      if (stored.updatedAt < cutoffMs && this.items.delete(key)) deleted++;
    }
    return deleted;
  }

  async listKeys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('listKeys needs a string prefix.');
    this.assertOpen();
    return [...this.items.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.items.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InMemoryStorage is closed.');
  }
}
