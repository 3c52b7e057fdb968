// Leader election for work only one instance should do (the retention sweep): the leader is the
// instance whose dedicated connection holds a session advisory lock. If it dies, PostgreSQL ends
// its session and frees the lock, and the next instance to ask becomes the leader.
import type pg from 'pg';

export interface Leadership {
  /** True when this instance leads (taking the lead if it is free). */
  isLeader(): Promise<boolean>;
  close(): Promise<void>;
}

export const alwaysLeader: Leadership = { isLeader: async () => true, close: async () => {} };

export class AdvisoryLockLeadership implements Leadership {
  private holder: pg.PoolClient | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly lockId: bigint,
  ) {}

  async isLeader(): Promise<boolean> {
    if (this.closed) return false;
    if (this.holder) {
      try {
        await this.holder.query('SELECT 1');
        return true;
      } catch {
        this.holder.release(true);
        this.holder = undefined;
      }
    }
    const client = await this.pool.connect();
    let ok = false;
    try {
      const result = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.lockId.toString()]);
      ok = result.rows[0]?.ok === true;
    } catch {
      ok = false;
    }
    if (ok) {
      client.on('error', () => {});
      this.holder = client;
    } else {
      client.release();
    }
    return ok;
  }

  async close(): Promise<void> {
    this.closed = true;
    const holder = this.holder;
    this.holder = undefined;
    if (holder) {
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockId.toString()]).catch(() => {});
      holder.release();
    }
  }
}
