import { defineConfig } from 'vitest/config';

// Invariant strength (issue 15, part 3): the model mutated, judged by the invariants and R alone
// (never P0, which compares the model with the implementation): a surviving mutant is a behaviour
// change no invariant forbids: equivalent, allowed by the spec, or a missing law.
export default defineConfig({
  test: {
    // each invariant's own test file. R is not here: it runs the same model under two policies, so a
    // mutant of a shared rule changes both sides alike; it judges policies (the catalogue,
    // test/proposals.test.ts, 50 s a mutant: too slow to run per mutant)
    include: ['properties/i[1-7]-*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
