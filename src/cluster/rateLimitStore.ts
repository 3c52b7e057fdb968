// A shared store for express-rate-limit: one row per client key in backline_rate_limits, counted
// with one atomic upsert, so a limit holds across all instances behind the load balancer.
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type pg from 'pg';

/** Rows whose window ended this long ago are removed now and then. */
const CLEANUP_EVERY_MS = 60_000;

export class PostgresRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;
  private lastCleanup = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** Keeps each limiter's counters apart (e.g. "dl-token:"). */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const result = await this.pool.query<{ hits: number; reset_at: Date }>(
      'SELECT hits, reset_at FROM backline_rate_limits WHERE key = $1 AND reset_at > now()',
      [this.prefix + key],
    );
    const row = result.rows[0];
    return row ? { totalHits: row.hits, resetTime: row.reset_at } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    this.cleanupNowAndThen();
    const result = await this.pool.query<{ hits: number; reset_at: Date }>(
      `INSERT INTO backline_rate_limits AS r (key, hits, reset_at)
       VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    const row = result.rows[0]!;
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.pool.query('UPDATE backline_rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()', [this.prefix + key]);
  }

  async resetKey(key: string): Promise<void> {
    await this.pool.query('DELETE FROM backline_rate_limits WHERE key = $1', [this.prefix + key]);
  }

  async resetAll(): Promise<void> {
    await this.pool.query(`DELETE FROM backline_rate_limits WHERE key LIKE $1 || '%'`, [this.prefix.replace(/[\\%_]/g, '\\$&')]);
  }

  private cleanupNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.pool.query(`DELETE FROM backline_rate_limits WHERE reset_at < now() - interval '1 minute'`).catch(() => {});
  }
}
