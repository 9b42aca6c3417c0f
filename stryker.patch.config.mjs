// The patch-mutation score (issue 27): `npm run mutation:patch`. Every mutant of model/ judged as a
// patch proposal, as `negcheck prove --patch` judges one: the invariants on the mutated model
// against the model at HEAD, and R against it, by both engines (mutation/patch-judge.test.ts).
// Killed = prove flags the patch; survived = prove lets it through. Reports under
// reports/mutation/patch.*; `npx tsx scripts/mutation-survivors.ts reports/mutation/patch.json`.
// @ts-check
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'mutation/vitest.patch.config.ts', related: false },
  mutate: ['model/**/*.ts'],
  htmlReporter: { fileName: 'reports/mutation/patch.html' },
  jsonReporter: { fileName: 'reports/mutation/patch.json' },
  incrementalFile: 'reports/mutation/patch.incremental.json',
  thresholds: { high: 90, low: 80, break: null },
  // a mutant prove lets through is judged to the whole budget (up to ~15 s here); a loaded machine
  // must not turn that into a Timeout, which Stryker counts as detected
  timeoutMS: 60_000,
};
