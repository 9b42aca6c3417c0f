// Invariant strength (issue 15, part 3): `npm run mutation:invariants`. Mutants of model/ judged by
// the I1–I7 tests (mutation/vitest.invariants.config.ts), never by P0; same checker and reports as
// stryker.config.mjs, under reports/mutation/model.*.
// @ts-check
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'mutation/vitest.invariants.config.ts', related: false },
  mutate: ['model/**/*.ts'],
  htmlReporter: { fileName: 'reports/mutation/model.html' },
  jsonReporter: { fileName: 'reports/mutation/model.json' },
  incrementalFile: 'reports/mutation/model.incremental.json',
  thresholds: { high: 80, low: 60, break: null },
};
