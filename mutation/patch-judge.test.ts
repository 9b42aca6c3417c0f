// The patch-mutation score (issue 27): every Stryker mutant of model/ judged as a patch proposal,
// exactly as `negcheck prove --patch` judges one: every invariant on the mutated model (a violation
// counts where the model at HEAD keeps the law) and R against the model at HEAD, by fast-check and
// by the exhaustive engine. A killed mutant is a patch prove flags; a survivor is one it lets
// through. Stryker switches mutants inside this sandbox's model/; the model at HEAD is the
// checkout's own model/, outside the sandbox, loaded as a second copy (never instrumented).
//
// Run by `npm run mutation:patch` (stryker.patch.config.mjs); run directly (`npx vitest run -c
// mutation/vitest.patch.config.ts`), no mutant is active and every property must hold.

import { describe, expect, it } from 'vitest';
import { createModelStack } from '../model/stack.ts';
import { PROPERTY_IDS, type PropertyId } from '../properties/index.ts';
import { modelPatchProposal } from '../proposals/load.ts';
import { proveProperty } from '../proposals/prove.ts';
import { headModel } from './head-model.ts';

/** The mutant as a patch proposal: no policy, the mutated model against the model at HEAD, every VMM in use and every guest as old userspace. */
const mutant = modelPatchProposal('stryker-mutant', 'a Stryker mutant of model/',
  { from: 'the active Stryker mutant', text: '', files: [], createModelStack, baseline: headModel });

/** prove's budget, smaller: a mutant is judged in seconds (the whole model's mutants in a night). */
const BUDGET = {
  seed: 20221805,
  runs: Number(process.env['NEGCHECK_PATCH_RUNS'] ?? 1000),
  exhaustive: { depth: 6, timeMs: Number(process.env['NEGCHECK_PATCH_EXPLORE_MS'] ?? 1500) },
};

// R first: it compares every answer an old userspace sees, so it flags most mutants, and Stryker stops at the first failure
const ORDER: readonly PropertyId[] = ['R', ...PROPERTY_IDS.filter(id => id !== 'R')];

describe('a mutant of model/, judged as a patch', () => {
  for (const id of ORDER) {
    it(`${id} holds under both engines`, () => {
      const row = proveProperty(mutant, id, BUDGET);
      const found = [row.found, row.exhaustive?.found];
      expect(found.includes('violated'), row.violation?.message ?? (row.exhaustive?.found === 'violated' ? row.exhaustive.message : '')).toBe(false);
    }, 120_000);
  }
});
