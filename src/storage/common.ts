// Helpers shared by the storage implementations, so that they agree exactly on serialisation,
// eTags and argument checks.
import { randomBytes } from 'node:crypto';
import { ETAG_IF_ABSENT, StorageConflictError, StorageValueError, type StoreItem } from './types.js';
import { errorName } from '../util/errors.js';

/** A change with a real eTag must match what is stored; these mean "overwrite". */
export function requiresETagMatch(eTag: unknown): eTag is string {
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*';
}

export interface SerialisedChange {
  key: string;
  /** JSON of the item without its eTag. */
  json: string;
  /** The eTag the writer read, when it must match (ETAG_IF_ABSENT: the key must not exist); undefined means overwrite. */
  expectedETag: string | undefined;
}

/** Throws StorageConflictError when `change` may not replace what is stored (`storedETag`, undefined when absent). */
export function assertWritable(change: SerialisedChange, storedETag: string | undefined): void {
  if (change.expectedETag === undefined) return;
  const conflict = change.expectedETag === ETAG_IF_ABSENT ? storedETag !== undefined : storedETag !== undefined && storedETag !== change.expectedETag;
  if (conflict) throw new StorageConflictError(change.key);
}

/**
 * Turns `write`'s argument into checked JSON before anything is stored, so a bad value in a
 * multi-item write rejects the whole write. Rejects what JSON would silently change or drop:
 * functions, symbols, bigints, NaN/Infinity, Map/Set, circular references.
 */
export function serialiseChanges(changes: StoreItem): SerialisedChange[] {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new ReferenceError('Changes are required when writing.');
  }
  const serialised: SerialisedChange[] = [];
  for (const [key, item] of Object.entries(changes)) {
    serialised.push(serialiseItem(key, item));
  }
  return serialised;
}

function serialiseItem(key: string, item: unknown): SerialisedChange {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new StorageValueError(key, `an item must be a plain object, not ${describeType(item)}`);
  }
  const { eTag, ...rest } = item as StoreItem;
  if (eTag !== undefined && eTag !== null && typeof eTag !== 'string') {
    throw new StorageValueError(key, `eTag must be a string, not ${describeType(eTag)}`);
  }
  // Checked by a walk, then stringified without a replacer: V8's JSON.stringify takes a much
  // slower path when given a replacer function, and this runs for every item of every turn.
  assertJsonSafe(key, '', rest, []);
  let json: string | undefined;
  try {
    json = JSON.stringify(rest);
  } catch (error) {
    throw new StorageValueError(key, `JSON.stringify failed (${errorName(error)})`);
  }
  if (json === undefined || !json.startsWith('{')) {
    throw new StorageValueError(key, 'it does not serialise to a JSON object');
  }
  return { key, json, expectedETag: requiresETagMatch(eTag) ? eTag : undefined };
}

/**
 * Throws StorageValueError for what JSON would silently change or drop: functions, symbols,
 * bigints, NaN/Infinity, Map/Set, circular references. Visits what JSON.stringify visits (own
 * enumerable string keys, after toJSON), so the check and the JSON agree.
 */
function assertJsonSafe(key: string, property: string, raw: unknown, ancestors: object[]): void {
  const value =
    raw !== null && typeof raw === 'object' && typeof (raw as { toJSON?: unknown }).toJSON === 'function'
      ? (raw as { toJSON(p: string): unknown }).toJSON(property)
      : raw;
  switch (typeof value) {
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new StorageValueError(key, `${where(property)} is a ${typeof value}`);
    case 'number':
      if (!Number.isFinite(value)) throw new StorageValueError(key, `${where(property)} is a non-finite number`);
      return;
    case 'object': {
      if (value === null) return;
      if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
        throw new StorageValueError(key, `${where(property)} is a ${value.constructor.name} (convert it to an object or array)`);
      }
      if (ancestors.includes(value)) throw new StorageValueError(key, 'it contains a circular reference');
      ancestors.push(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) assertJsonSafe(key, String(i), value[i], ancestors);
      } else {
        for (const k of Object.keys(value)) assertJsonSafe(key, k, (value as Record<string, unknown>)[k], ancestors);
      }
      ancestors.pop();
      return;
    }
    default:
      return;
  }
}

function where(property: string): string {
  return property === '' ? 'the item itself' : `property "${property}"`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Parses a stored row back into the item `read` returns. */
export function toStoreItem(json: string, eTag: string): StoreItem {
  // A fresh object from JSON.parse: the eTag goes straight onto it (no copy).
  const item = JSON.parse(json) as StoreItem;
  item.eTag = eTag;
  return item;
}

export function assertReadKeys(keys: unknown): asserts keys is string[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ReferenceError('Keys are required when reading.');
  }
}

export function assertDeleteKeys(keys: unknown): asserts keys is string[] {
  if (!Array.isArray(keys)) {
    throw new ReferenceError('Keys are required when deleting.');
  }
}

/** An empty prefix would match every item: refuse it rather than wipe the store on a bug. */
export function assertDeletePrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix === '') {
    throw new RangeError('deleteByPrefix needs a non-empty prefix.');
  }
}

export function assertCutoff(cutoffMs: unknown): asserts cutoffMs is number {
  if (typeof cutoffMs !== 'number' || !Number.isFinite(cutoffMs)) {
    throw new RangeError('deleteOlderThan needs a finite cutoff in epoch milliseconds.');
  }
}

const SEQUENCE_DIGITS = 16;

/**
 * New eTags: `<16-digit sequence>-<instance id>`. The sequence is at least the clock in
 * microseconds, always above the last one this instance issued, and above the eTag it replaces;
 * so eTags sort in issue order (fixed width), never repeat within an instance, and never repeat
 * for one key even across processes sharing a SQLite file (the write holds the lock). The
 * random instance id keeps eTags unique across processes too.
 */
export class ETagSequence {
  private last = 0;
  private readonly instanceId = randomBytes(4).toString('hex');

  constructor(
    private readonly now: () => number,
    highestIssued?: string | null,
  ) {
    this.last = sequenceOf(highestIssued);
  }

  next(replacing?: string | null): string {
    const seq = Math.max(this.last + 1, Math.floor(this.now()) * 1000, sequenceOf(replacing) + 1);
    this.last = seq;
    return `${String(seq).padStart(SEQUENCE_DIGITS, '0')}-${this.instanceId}`;
  }
}

function sequenceOf(eTag: string | null | undefined): number {
  if (!eTag) return 0;
  const match = /^(\d{1,16})-/.exec(eTag);
  return match ? Number(match[1]) : 0;
}

/**
 * The smallest string above every string that starts with `prefix`, in code point order (which
 * is UTF-8 byte order, SQLite's BINARY collation); null when there is none. Lets a prefix search
 * be an index range (`key >= prefix AND key < upper`) with no LIKE/GLOB escaping.
 */
export function prefixUpperBound(prefix: string): string | null {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/** Ascending UTF-8 byte order, the order SQLite returns keys in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
