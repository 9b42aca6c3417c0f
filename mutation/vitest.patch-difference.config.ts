import { defineConfig } from 'vitest/config';

// The let-through mutants' differences (issue 27): mutation/patch-difference.test.ts.
export default defineConfig({
  test: {
    include: ['mutation/patch-difference.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
