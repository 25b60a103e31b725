import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // fast-check runs with one fixed seed (FC_SEED overrides), so property tests are deterministic.
    setupFiles: ['test/support/seedProperties.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on CI: keep workers bounded so timing-sensitive integration tests are not starved.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
