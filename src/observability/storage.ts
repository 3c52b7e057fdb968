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
  // Methods are bound once, not on every call.
  const bound = new Map<PropertyKey, unknown>([['write', write]]);
  return new Proxy(storage, {
    get(target, property) {
      const cached = bound.get(property);
      if (cached !== undefined) return cached;
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, method);
      return method;
    },
  });
}
