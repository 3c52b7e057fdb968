// vitest globalSetup: ONE PostgreSQL server for the whole test run, started natively in a
// temporary directory; test files get its URL with inject('postgresUrl') and make their own
// database (tests/helpers/nativeServers.ts createDatabase). Stopped when the run ends.
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../helpers/nativeServers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
