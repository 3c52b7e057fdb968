// What every fuzz suite checks afterwards: descriptors back to where they were, prototypes untouched.
import { openDescriptors } from '../helpers/http.js';

/**
 * Waits (up to `timeoutMs`) for this process's open descriptors to drop to `limit` or below,
 * as idle keep-alive connections time out; returns the count at the end.
 */
export async function descriptorsAfterSettling(limit: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = openDescriptors();
  while (count > limit && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    count = openDescriptors();
  }
  return count;
}

/** The own property names of the built-in prototypes a polluting key would change. */
export function prototypeSnapshot(): string {
  return JSON.stringify([Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort()));
}
