import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on CI: keep workers bounded so timing-sensitive integration tests are not starved.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
