import { defineConfig } from 'vitest/config';
// Brings the test harness's `inject` keys (declared beside its global setup) into this type check.
import type {} from '../../packages/db/src/testing/global-setup.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../packages/db/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
