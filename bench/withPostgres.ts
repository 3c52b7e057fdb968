// `node --import tsx bench/withPostgres.ts -- <command...>`: runs a command with DATABASE_URL set to
// a fresh, migrated database on a throwaway PostgreSQL server (started natively, as the tests and
// `npm run bench` do), then stops the server. E.g. the in-process PostgreSQL profile:
//   node --import tsx bench/withPostgres.ts -- node --import tsx bench/profile.ts postgres
import { spawn } from 'node:child_process';
import { createDatabase, startPostgres } from '../tests/helpers/nativeServers.js';
import { createPool } from '../src/storage/postgres/pool.js';
import { migrate } from '../src/storage/postgres/schema.js';

const command = process.argv.slice(process.argv.indexOf('--') + 1);
const postgres = await startPostgres();
let code = 1;
try {
  const url = await createDatabase(postgres.url, 'bench_profile');
  const pool = createPool(url, { max: 1 });
  await migrate(pool);
  await pool.end();
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
  code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
} finally {
  await postgres.stop();
}
process.exit(code);
