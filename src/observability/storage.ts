// Counts storage writes refused by an eTag conflict; everything else passes straight through.
import { StorageConflictError, type BacklineStorage } from '../storage/index.js';
import { overriding } from '../storage/overriding.js';
import type { BacklineMetrics } from './metrics.js';

export function countingConflicts<S extends BacklineStorage>(storage: S, metrics: BacklineMetrics): S {
  const write: BacklineStorage['write'] = async (changes) => {
    try {
      return await storage.write(changes);
    } catch (error) {
      if (error instanceof StorageConflictError) metrics.storageRetries.inc();
      throw error;
    }
  };
  return overriding(storage, { write });
}
