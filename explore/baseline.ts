// A patched model explored against the model before the patch: the same property over both, the
// same ops applied to both; a transition is a violation when the patched side breaks the law
// and the unpatched side did not break it at this step or before (types/property.ts onBothSides,
// the same rule for fast-check's scripts). Once the unpatched side breaks, no extension of the
// trace can count, so the pair stops moving: its state no longer changes and the engine prunes
// every successor as already seen.

import type { Explorable } from './types.ts';

export interface AgainstBaseline<B, P> {
  readonly baseline: B;
  readonly patched: P;
  /** the unpatched side broke the law: nothing after counts */
  readonly broken: boolean;
}

export function againstBaseline<B, P>(baseline: Explorable<B>, patched: Explorable<P>): Explorable<AgainstBaseline<B, P>> {
  if (baseline.initCount !== patched.initCount || baseline.alphabetSize !== patched.alphabetSize) {
    throw new Error('againstBaseline: the two sides explore different scopes');
  }
  let broken = false;
  return {
    initCount: patched.initCount,
    alphabetSize: patched.alphabetSize,
    init(i: number): void {
      baseline.init(i);
      patched.init(i);
      broken = false;
    },
    step(op: number): string | null {
      if (broken) return null;
      let before: string | null;
      try {
        before = baseline.step(op);
      } catch (e) {
        before = `threw: ${e instanceof Error ? e.message : String(e)}`;
      }
      const after = patched.step(op);
      if (before !== null) { broken = true; return null; }
      return after === null ? null : `[patched model] ${after} (the model before the patch keeps the law here)`;
    },
    snapshot: () => ({ baseline: baseline.snapshot(), patched: patched.snapshot(), broken }),
    restore(s: AgainstBaseline<B, P>): void {
      baseline.restore(s.baseline);
      patched.restore(s.patched);
      broken = s.broken;
    },
    reductions: [...new Set([...(baseline.reductions ?? []), ...(patched.reductions ?? [])])],
    ...(patched.transitions ? { transitions: () => patched.transitions!() } : {}),
  };
}
