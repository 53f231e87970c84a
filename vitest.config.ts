import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Holds everything the CLI printed in the suite to the output rules, after the last test.
    globalSetup: ['test/output-audit.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests spawn git, the built CLI and servers; two cores do not gain from more parallel files.
    maxWorkers: 2,
  },
});
