// `explore --compare-fuzz`: random search on the same scope for the same wall time, measured
// against the exhaustive one: the share of the states within the depth bound it visited, and
// which transitions (of the must-reach list, and of all) each engine took.

import fc from 'fast-check';
import { fingerprintSnapshot } from '../../explore/canonical.ts';
import { Fingerprinter } from '../../explore/fingerprint.ts';
import type { Explorable } from '../../explore/types.ts';

export interface FuzzCoverage {
  /** scripts sampled */
  readonly runs: number;
  /** distinct states the samples visited (all within the depth bound, so all explored too) */
  readonly visited: number;
  /** visited / the explorer's distinct states */
  readonly fraction: number;
  /** the transition names the samples took, sorted */
  readonly transitions: readonly string[];
}

/**
 * fast-check's own generation (biased to small values, so to short scripts and the first ops of the
 * alphabet) of a profile and up to `depth` alphabet ops, for `timeMs`: every state a script passes
 * through is fingerprinted with the explorer's own fingerprint. `x` is a fresh Explorable (its
 * transitions() are the samples' only).
 */
export function sampleScope(x: Explorable, depth: number, timeMs: number, explored: number, seed: number): FuzzCoverage {
  const fp = new Fingerprinter();
  const seen = new Set<string>();
  const visit = (): void => { fingerprintSnapshot(fp, x.snapshot()); seen.add(`${fp.hi}:${fp.lo}`); };
  const scripts = fc.tuple(fc.nat({ max: x.initCount - 1 }), fc.array(fc.nat({ max: x.alphabetSize - 1 }), { maxLength: depth }));
  const deadline = performance.now() + timeMs;
  let runs = 0;
  // batches of samples from one seeded stream, until the time is spent
  for (let batch = 0; performance.now() < deadline; batch++) {
    for (const [init, ops] of fc.sample(scripts, { seed: seed + batch, numRuns: 200 })) {
      x.init(init);
      visit();
      for (const op of ops) { x.step(op); visit(); }
      runs++;
    }
  }
  return { runs, visited: seen.size, fraction: explored > 0 ? seen.size / explored : 0, transitions: [...(x.transitions?.() ?? [])].sort() };
}

/** The must-reach lines of one property, split by which engine took them within the scope. */
export interface ReachComparison {
  readonly both: readonly string[];
  readonly onlyExplore: readonly string[];
  /**
   * Every sampled script lies within the explored bound, so a transition only the random search
   * took means one engine or the transition naming is wrong (the explorer merged states that differ).
   */
  readonly onlyRandom: readonly string[];
  /** outside the scope or the depth: neither engine can take it here */
  readonly neither: readonly string[];
  /** all transition names (not only must-reach): how many each engine took, and the random-only ones */
  readonly all: { readonly explored: number; readonly sampled: number; readonly onlyRandom: readonly string[] };
}

export function compareReached(mustReach: readonly string[], explored: readonly string[], sampled: readonly string[]): ReachComparison {
  const e = new Set(explored);
  const r = new Set(sampled);
  return {
    both: mustReach.filter(t => e.has(t) && r.has(t)),
    onlyExplore: mustReach.filter(t => e.has(t) && !r.has(t)),
    onlyRandom: mustReach.filter(t => !e.has(t) && r.has(t)),
    neither: mustReach.filter(t => !e.has(t) && !r.has(t)),
    all: { explored: e.size, sampled: r.size, onlyRandom: sampled.filter(t => !e.has(t)) },
  };
}
