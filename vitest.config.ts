import { defineConfig } from 'vitest/config';

// Two suites (STYLE.md): `unit` is pure logic and runs in seconds; `integration` drives real
// Docker containers and databases, one file at a time, with long timeouts.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{api,harness,checkers,workloads,nemesis,docker,ssh,reports,cli,bench,scripts,test}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 60_000,
          // Unit first, alone: the integration suite's containers must not share the two cores with it.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          // Starts (or installs) the Docker engine and builds the base image on a fresh machine.
          globalSetup: ['./test/support/integration-setup.ts'],
          exclude: ['node_modules/**'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
