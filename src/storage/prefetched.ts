// Items read ahead of the code that needs them: the PostgreSQL turn lock reads the turn's state
// (and the team's presence) in the round trip that takes the lock (src/cluster/turnLock.ts), and
// the turn's first reads of those keys are served from it. Which keys were read is kept with what
// was found, so an absent item means "not stored", never "not read".
import type { BacklineStorage, StoreItem } from './types.js';

export interface PrefetchedRead {
  /** The keys read. */
  keys: readonly string[];
  /** What `storage.read(keys)` returned. */
  items: StoreItem;
}

/** `storage.read(keys)`, served from `prefetched` when it read every one of them. */
export async function readThrough(storage: BacklineStorage, keys: string[], prefetched?: PrefetchedRead): Promise<StoreItem> {
  if (!prefetched || !keys.every((key) => prefetched.keys.includes(key))) return storage.read(keys);
  const items: StoreItem = {};
  for (const key of keys) if (Object.hasOwn(prefetched.items, key)) items[key] = prefetched.items[key];
  return items;
}
