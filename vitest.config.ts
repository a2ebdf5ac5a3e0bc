import { defineConfig } from 'vitest/config';

// chdb binds one data folder per process: every suite that opens ClickHouse runs in a forked
// process (pool "forks"), one file per fork, never in worker threads.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{domain,infra,runtime,ingest,processors,api,simulators,bin,dashboard}/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/fault/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          pool: 'forks',
          // A screen that re-reads its data every 2 s, on a loaded 2-core machine, needs more than
          // the 1 s default of expect.poll to show what the user would see.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
