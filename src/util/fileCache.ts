// The one writer (and reader) of the model caches under NLU_CACHE_DIR. Writes are atomic
// (a temp file, then rename, so a reader never sees half a file) and best effort: a read-only
// install or a race with another process just runs without the cache.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CacheFileOptions {
  /** Files in the same folder starting with this prefix (and ending .json) belong to the same cache. */
  prefix: string;
  /** How many of the newest such files to keep (the one just written included). */
  keep: number;
}

/** The parsed JSON of a cache file, or null when it is missing or unreadable. */
export function readCacheFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Writes `value` as JSON to `dir/name` and prunes older files of the same cache. True when written. */
export function writeCacheFile(dir: string, name: string, value: unknown, options: CacheFileOptions): boolean {
  const file = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, file);
  } catch {
    return false;
  }
  try {
    const others = readdirSync(dir)
      .filter((f) => f.startsWith(options.prefix) && f.endsWith('.json') && f !== name)
      .map((f) => ({ f, mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { f } of others.slice(Math.max(0, options.keep - 1))) unlinkSync(join(dir, f));
  } catch {
    // another process may be pruning the same folder
  }
  return true;
}
