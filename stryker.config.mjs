// Mutation testing of the implementation (issue 15): `npm run mutation`. Each mutant of impl/ is
// judged by the tests that check impl/ in-process (mutation/vitest.impl.config.ts), only those that
// cover it (perTest), after the TypeScript checker drops mutants that do not compile. Incremental:
// a re-run (and a pull request) only tests mutants whose code or tests changed.
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.impl.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: ['impl/**/*.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/impl.html' },
  jsonReporter: { fileName: 'reports/mutation/impl.json' },
  incremental: true,
  incrementalFile: 'reports/mutation/impl.incremental.json',
  concurrency: 2,
  // a mutant that loops (a bound check turned around) times out after the test time plus this
  timeoutMS: 10_000,
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
};
