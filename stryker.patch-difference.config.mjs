// What the mutants `prove --patch` lets through change (issue 27): `npm run mutation:patch-difference
// -- --mutate <the patch run's survivors as ranges>`. Each mutant's model beside the model at HEAD
// over P0's profiles and scripts; a killed mutant's status reason names its first difference and
// its kind (relaxation, errno, tightening, offer, other), a survivor showed none.
// @ts-check
import patch from './stryker.patch.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...patch,
  vitest: { configFile: 'mutation/vitest.patch-difference.config.ts', related: false },
  htmlReporter: { fileName: 'reports/mutation/patch-difference.html' },
  jsonReporter: { fileName: 'reports/mutation/patch-difference.json' },
  incrementalFile: 'reports/mutation/patch-difference.incremental.json',
};
