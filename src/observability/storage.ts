// Counts storage writes refused by an eTag conflict. Every other call, and every method a
// storage implementation adds later, passes straight through.
import { StorageConflictError, type BacklineStorage } from '../storage/index.js';
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
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'write') return write;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
