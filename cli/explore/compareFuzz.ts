// `explore --compare-fuzz`: random search on the same scope for the same wall time, measured
// against the exhaustive one: the share of the states within the depth bound it visited.

import fc from 'fast-check';
import { Fingerprinter } from '../../explore/fingerprint.ts';
import type { Explorable } from '../../explore/types.ts';

export interface FuzzCoverage {
  /** scripts sampled */
  readonly runs: number;
  /** distinct states the samples visited (all within the depth bound, so all explored too) */
  readonly visited: number;
  /** visited / the explorer's distinct states */
  readonly fraction: number;
}

/**
 * fast-check's own generation (biased to small values, so to short scripts and the first ops of the
 * alphabet) of a profile and up to `depth` alphabet ops, for `timeMs`: every state a script passes
 * through is fingerprinted with the explorer's own fingerprint.
 */
export function sampleScope(x: Explorable, depth: number, timeMs: number, explored: number, seed: number): FuzzCoverage {
  const fp = new Fingerprinter();
  const seen = new Set<string>();
  const visit = (): void => { fp.reset(); x.fingerprint(fp); fp.finish(); seen.add(`${fp.hi}:${fp.lo}`); };
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
  return { runs, visited: seen.size, fraction: explored > 0 ? seen.size / explored : 0 };
}
