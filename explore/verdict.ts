// What an exhaustive verdict covers, said the same way wherever it is printed (explore, prove):
// every trace of up to k ops over the scope's ops and profiles, and nothing else. A verdict read
// as general ("holds up to depth 6") hid that a value outside the scope's list was never tried.

import type { ExploreResult } from './types.ts';

export interface Coverage {
  /** every trace of at most this many ops was judged (the depth completed) */
  readonly maxOps: number;
  /** the scope's op values */
  readonly ops: number;
  /** the scope's initial states (profiles) */
  readonly profiles: number;
  /** no new state at the last depth: traces of any length over these ops are covered */
  readonly complete: boolean;
  /** what the fingerprints leave out, and why (Explorable.reductions) */
  readonly reductions: readonly string[];
}

export function coverageOf(r: ExploreResult, scope: { readonly profiles: number; readonly ops: number }): Coverage {
  return { maxOps: r.depthCompleted, ...scope, complete: r.outcome === 'holds' && r.complete, reductions: r.reductions };
}

/** "every trace of ≤ 6 ops over the scope's 18 ops × 132 profiles". */
export function coverageText(c: Coverage): string {
  const over = `over the scope's ${c.ops} ops × ${c.profiles} profiles`;
  return c.complete ? `every trace of any length ${over} (complete at ${c.maxOps} ops)` : `every trace of ≤ ${c.maxOps} ops ${over}`;
}

/** The verdict line: holds for what (and under which stated reductions), or violated with what held before it. */
export function verdictText(r: ExploreResult, c: Coverage): string {
  const under = c.reductions.length === 0 ? '' : `, under ${c.reductions.length === 1 ? 'one stated reduction' : `${c.reductions.length} stated reductions`}`;
  if (r.outcome === 'holds') return `holds for ${coverageText(c)}${under}`;
  if (r.outcome === 'violated') return `VIOLATED at depth ${r.counterexample.ops.length} (${coverageText(c)} holds${under})`;
  return `bound reached (${r.reason}): holds for ${coverageText(c)}${under}`;
}
