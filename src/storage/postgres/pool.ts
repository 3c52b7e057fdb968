// One pg.Pool per process for a DATABASE_URL: storage, the change bus, turn locks, rate limits and
// the sweep leader share it.
import pg from 'pg';

export interface PoolOptions {
  /** Connections in the pool. Default 10. */
  max?: number;
}

export function createPool(databaseUrl: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'backline',
  });
  // An idle client losing its server (a restart, a failover) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}
