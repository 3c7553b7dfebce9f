import { defineConfig } from 'vitest/config';

// `npm run test:faults`: crashes, restarts and a blocked database, against real server processes.
// One file at a time: some of them restart the PostgreSQL server everyone shares.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
