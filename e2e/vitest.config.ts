import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Browser (end-to-end) tests: the real server as a child process, driven through Debian chromium
 * with playwright-core. Run with `npm run test:e2e`, which builds the web app first when stale.
 */
export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, '..'),
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One server and one browser at a time: two cores cannot carry more without flaking.
    fileParallelism: false,
  },
});
