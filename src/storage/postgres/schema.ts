// The PostgreSQL schema, as numbered migrations. `backline migrate` applies the missing ones under
// an advisory lock (so instances starting together never race on CREATE TABLE); `serve` only
// checks the version and refuses to start on an out-of-date schema.
import type pg from 'pg';

/** Ordered; never edit an applied one, add the next. */
const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'items, rate limits',
    sql: `
      CREATE TABLE backline_items (
        key text COLLATE "C" PRIMARY KEY,
        value text NOT NULL,
        etag text NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX backline_items_updated_at ON backline_items (updated_at);
      CREATE TABLE backline_rate_limits (
        key text COLLATE "C" PRIMARY KEY,
        hits integer NOT NULL,
        reset_at timestamptz NOT NULL
      );
      CREATE INDEX backline_rate_limits_reset_at ON backline_rate_limits (reset_at);
    `,
  },
  {
    version: 2,
    name: 'one-statement eTag-checked write',
    // PostgresStorage.write as one call (one round trip instead of BEGIN, lock, insert(s),
    // COMMIT), run by PostgreSQL as one implicit transaction: lock the existing rows of all keys in
    // key order, check every eTag, create the keys that must be absent, upsert the rest. Any
    // conflict raises SQLSTATE BL409 with the key in DETAIL, which rolls the whole call back.
    // A replaced row's new eTag stays above the one it replaces (as ETagSequence promises).
    sql: `
      CREATE FUNCTION backline_write(p_keys text[], p_values text[], p_expected text[], p_etags text[], p_updated_at bigint)
      RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        v_conflict text;
        v_created text[];
      BEGIN
        PERFORM 1 FROM backline_items WHERE key = ANY (p_keys) ORDER BY key FOR UPDATE;
        SELECT i.k INTO v_conflict
          FROM unnest(p_keys, p_expected) AS i (k, e) JOIN backline_items b ON b.key = i.k
          WHERE i.e = 'absent' OR b.etag <> i.e
          ORDER BY i.k COLLATE "C" LIMIT 1;
        IF v_conflict IS NOT NULL THEN
          RAISE EXCEPTION 'eTag conflict' USING ERRCODE = 'BL409', DETAIL = v_conflict;
        END IF;
        -- A key created by a racing transaction after the lock above: DO NOTHING skips it.
        WITH created AS (
          INSERT INTO backline_items (key, value, etag, updated_at)
          SELECT i.k, i.v, i.t, p_updated_at FROM unnest(p_keys, p_values, p_expected, p_etags) AS i (k, v, e, t) WHERE i.e = 'absent'
          ON CONFLICT (key) DO NOTHING RETURNING key
        ) SELECT array_agg(key) INTO v_created FROM created;
        SELECT i.k INTO v_conflict FROM unnest(p_keys, p_expected) AS i (k, e)
          WHERE i.e = 'absent' AND NOT (i.k = ANY (coalesce(v_created, '{}')))
          ORDER BY i.k COLLATE "C" LIMIT 1;
        IF v_conflict IS NOT NULL THEN
          RAISE EXCEPTION 'eTag conflict' USING ERRCODE = 'BL409', DETAIL = v_conflict;
        END IF;
        INSERT INTO backline_items AS b (key, value, etag, updated_at)
        SELECT i.k, i.v, i.t, p_updated_at FROM unnest(p_keys, p_values, p_expected, p_etags) AS i (k, v, e, t) WHERE i.e IS DISTINCT FROM 'absent'
        ON CONFLICT (key) DO UPDATE SET
          value = excluded.value,
          etag = CASE
            WHEN substring(b.etag FROM '^([0-9]{1,16})-')::bigint >= substring(excluded.etag FROM '^([0-9]{1,16})-')::bigint
            THEN lpad((substring(b.etag FROM '^([0-9]{1,16})-')::bigint + 1)::text, 16, '0') || substring(excluded.etag FROM '-.*$')
            ELSE excluded.etag
          END,
          updated_at = excluded.updated_at;
      END
      $fn$;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Advisory lock ids (one 64-bit key space per database); arbitrary, fixed constants. */
export const ADVISORY_LOCKS = {
  migrate: 0x4261636b_0001n,
  retentionLeader: 0x4261636b_0002n,
} as const;

export class SchemaOutOfDateError extends Error {
  override readonly name = 'SchemaOutOfDateError';
}

type Queryable = Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>;

/** The applied schema version; 0 for an empty database. */
export async function schemaVersion(db: Queryable): Promise<number> {
  const table = await db.query<{ exists: boolean }>(`SELECT to_regclass('backline_schema_migrations') IS NOT NULL AS exists`);
  if (!table.rows[0]?.exists) return 0;
  const result = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM backline_schema_migrations');
  return result.rows[0]?.version ?? 0;
}

/** Throws SchemaOutOfDateError with what to do unless the database is at this build's version. */
export async function assertSchemaCurrent(db: Queryable): Promise<void> {
  const version = await schemaVersion(db);
  if (version < SCHEMA_VERSION) {
    throw new SchemaOutOfDateError(
      `The PostgreSQL schema is at version ${version}; this Backline needs version ${SCHEMA_VERSION}. ` +
        'Run `backline migrate` (with the same DATABASE_URL) once, then start the servers.',
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new SchemaOutOfDateError(
      `The PostgreSQL schema is at version ${version}, newer than this Backline knows (${SCHEMA_VERSION}). ` +
        'Upgrade Backline on this instance to the release the other instances run.',
    );
  }
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema to SCHEMA_VERSION in one transaction holding a transaction-level advisory lock:
 * a second `migrate` waits, then finds nothing left to do. DDL is transactional in PostgreSQL, so a
 * failed migration leaves the schema as it was.
 */
export async function migrate(pool: pg.Pool): Promise<MigrateResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.migrate.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS backline_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const from = await schemaVersion(client);
    if (from > SCHEMA_VERSION) {
      throw new SchemaOutOfDateError(`The PostgreSQL schema is at version ${from}, newer than this Backline knows (${SCHEMA_VERSION}); nothing was changed.`);
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO backline_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { from, to: SCHEMA_VERSION, applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
