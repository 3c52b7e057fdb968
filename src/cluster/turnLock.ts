// Turns of one conversation run one at a time across instances: the turn runs inside a
// transaction holding pg_advisory_xact_lock on a 64-bit hash of the conversation's key, so a turn
// on another instance waits for it (the lock goes with the transaction, also if the instance
// dies). Within one process the bot's own queue already orders turns; this adds the other
// instances. The eTag check stays the last line of defence.
// The turn's state can be read in the same round trip as the lock (`readKeys`): after the lock is
// held, so it sees every turn committed before; a write from outside the lock (the support
// console) can still land in between, exactly as with a separate read, and the eTag check catches it.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { itemsOfRows, readStatement } from '../storage/postgres/postgresStorage.js';
import type { PrefetchedRead } from '../storage/prefetched.js';

export interface TurnLock {
  /**
   * Runs `turn` holding the conversation's lock. With `readKeys`, `turn` may get what
   * `storage.read(readKeys)` would have returned once the lock was held (undefined: read them yourself).
   */
  run<T>(conversationKey: string, turn: (prefetched?: PrefetchedRead) => Promise<T>, readKeys?: readonly string[]): Promise<T>;
}

/** One process: the bot's in-process queue is all there is. */
export const noTurnLock: TurnLock = { run: (_key, turn) => turn() };

/** A signed 64-bit advisory-lock key from a string (the first 8 bytes of its SHA-256), as text for pg. */
export function advisoryKey(text: string): string {
  return createHash('sha256').update(`backline-turn:${text}`).digest().readBigInt64BE(0).toString();
}

export class PostgresTurnLock implements TurnLock {
  constructor(
    private readonly pool: pg.Pool,
    /** Longest wait for another instance's turn, ms; then the turn fails (and is retried by the client). */
    private readonly waitMs = 15_000,
  ) {}

  async run<T>(conversationKey: string, turn: (prefetched?: PrefetchedRead) => Promise<T>, readKeys?: readonly string[]): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      // One round trip: the key is a number we made (advisoryKey), the timeout a whole number, the
      // read's key a literal escaped by the client. Each statement of a simple query in READ
      // COMMITTED takes its own snapshot, so the read sees what was committed before the lock came.
      const read = readKeys === undefined ? undefined : readStatement(readKeys, (text) => client.escapeLiteral(text));
      const results = (await client.query(
        `BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.waitMs))}; SELECT pg_advisory_xact_lock(${advisoryKey(conversationKey)}::bigint)${read ? `; ${read}` : ''}`,
      )) as unknown as pg.QueryResult<{ key: string; value: string; etag: string }>[];
      const prefetched = read && readKeys ? { keys: readKeys, items: itemsOfRows(results[results.length - 1]!.rows) } : undefined;
      try {
        return await turn(prefetched);
      } finally {
        // Ends the transaction and with it the lock, whatever the turn did.
        await client.query('COMMIT').catch(() => {
          broken = true;
        });
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
