import { defineConfig } from 'vitest/config';

// Unit and integration tests: each test file gets its own database (a PGlite copy of a
// migrated template, or a fresh PostgreSQL database cloned from a template when DATABASE_URL is set).
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'test/security/**/*.test.ts', 'web/*/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
