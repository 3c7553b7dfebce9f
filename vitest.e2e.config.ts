import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: each file starts the real server (in process, on a free port, serving the
// built console) on its own copy of the demo database, and drives it with headless Chromium
// (Debian's /usr/bin/chromium through playwright-core). `npm run test:e2e` builds the web apps first.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // one file at a time: two Chromiums and two embedded databases on 2 cores left clicks racing
    // popups' motions and screens' loads often enough to fail one test in most full runs
    maxWorkers: 1,
    testTimeout: 120_000,
    // a browser on a loaded machine may take seconds to settle
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
