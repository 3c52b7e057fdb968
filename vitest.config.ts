import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
    // One PostgreSQL server per run, shared by every test file (a database each).
    globalSetup: ['tests/setup/postgres.ts'],
  },
});
