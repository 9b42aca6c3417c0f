import { defineConfig } from 'vitest/config';

// The patch-mutation score (issue 27): each mutant of model/ judged as `prove --patch` judges a
// patch (mutation/patch-judge.test.ts), the model at HEAD loaded from outside Stryker's sandbox.
export default defineConfig({
  test: {
    include: ['mutation/patch-judge.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
