import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets NEGCHECK_VITEST_JSON to a path so that the README's `npm test`, run unchanged,
// also writes vitest's JSON report there.
const jsonReport = process.env['NEGCHECK_VITEST_JSON'];

export default defineConfig({
  test: {
    // every *.test.ts of the repository, wherever it sits (a property's beside it, the rest in test/)
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.stryker-tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
    coverage: {
      provider: 'v8',
      include: ['model/**/*.ts', 'impl/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
  },
});
