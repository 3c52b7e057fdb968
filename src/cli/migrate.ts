// `backline migrate`: creates or upgrades the PostgreSQL schema (STORAGE=postgres, DATABASE_URL).
// Safe to run from several instances at once: the migration holds an advisory lock, so the
// others wait and then find nothing to do. SQLite needs no migration (it creates its table).
import type { Config } from '../config.js';
import { createPool } from '../storage/postgres/pool.js';
import { migrate } from '../storage/postgres/schema.js';

export async function migrateCommand(config: Config, json: boolean): Promise<string> {
  if (config.STORAGE !== 'postgres') {
    return json
      ? JSON.stringify({ storage: config.STORAGE, applied: [] })
      : `STORAGE=${config.STORAGE}: nothing to migrate (only STORAGE=postgres has a schema to manage).`;
  }
  const pool = createPool(config.DATABASE_URL!, { max: 1 });
  try {
    const result = await migrate(pool);
    if (json) return JSON.stringify({ storage: 'postgres', ...result });
    return result.applied.length === 0
      ? `PostgreSQL schema is up to date (version ${result.to}).`
      : `PostgreSQL schema migrated from version ${result.from} to ${result.to} (applied ${result.applied.join(', ')}).`;
  } finally {
    await pool.end();
  }
}
