// A storage that behaves like another except for the methods given: every other call, and every
// method a storage implementation adds later, passes straight through (bound once, not per call).
// Used to count eTag conflicts (observability) and to flush buffered figures before they are read.
import type { BacklineStorage } from './types.js';

export function overriding<S extends BacklineStorage>(storage: S, overrides: Partial<BacklineStorage>): S {
  const bound = new Map<PropertyKey, unknown>(Object.entries(overrides));
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
