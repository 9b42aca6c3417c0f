// The exhaustive engine on hand-counted toy machines: exact state counts per depth, the
// shortest counterexample, a planted fingerprint bug, bounds, determinism.

import { describe, expect, it } from 'vitest';
import { UnstatedReductionError } from '../explore/canonical.ts';
import { explore } from '../explore/engine.ts';
import { armedCounters, counterMod5, registers } from '../explore/toys.ts';
import type { Explorable, ExploreResult } from '../explore/types.ts';

/** Everything but the timing. */
const stable = (r: ExploreResult): unknown => ({ ...r, timeMs: undefined });

describe('explore: counter mod 5 (ops +1, +2, reset)', () => {
  // depth 0: {0}; depth 1: {1, 2} (reset gives 0 again); depth 2: {3, 4} (1+2, 2+2; 1+1 = 2 seen);
  // depth 3: nothing new (3+1 = 4, 3+2 = 0, 4+1 = 0, 4+2 = 1). 5 states, 3 levels expanded x 3 ops.
  it('finds the 5 states level by level and knows the space is complete', () => {
    const r = explore(counterMod5(), { maxDepth: 10 });
    expect(r.outcome).toBe('holds');
    expect(r.outcome === 'holds' && r.complete).toBe(true);
    expect(r.levels).toEqual([1, 2, 2]);
    expect(r.distinct).toBe(5);
    expect(r.generated).toBe(5 * 3);
    expect(r.depthCompleted).toBe(3);
  });

  it('stops at maxDepth without claiming completeness', () => {
    const r = explore(counterMod5(), { maxDepth: 1 });
    expect(r).toMatchObject({ outcome: 'holds', complete: false, levels: [1, 2], distinct: 3, generated: 3, depthCompleted: 1 });
    expect(explore(counterMod5(), { maxDepth: 0 })).toMatchObject({ outcome: 'holds', complete: false, levels: [1], distinct: 1, generated: 0, depthCompleted: 0 });
  });
});

describe('explore: armed counters (a in Z5, b in Z3, a monitor armed by reset)', () => {
  // Explored state (a, b, armed). Unarmed (a, b) is first reached at depth a + b by increments:
  // per depth 0..6: 1, 2, 3, 3, 3, 2, 1 (15 states). Armed states need a reset first, from which
  // (0, 0, armed) is at depth 1 and (a, b, armed) at depth 1 + a + b: per depth 1..7: 1, 2, 3, 3,
  // 3, 2, 1. So per depth: 1, 3, 5, 6, 6, 5, 3, and the violation (4, 2, armed) is at depth 7.
  // In BFS order (ops incA, incB, reset) level 6 is [(4,2), (4,1,armed), (3,2,armed)]; (4,2)
  // is not armed; (4,1,armed) incA reaches (0,1,armed), seen; incB violates. Its trace:
  // reset, then incA x4 to (4,0,armed), then incB, incB.
  // Transitions: levels 0..5 hold 26 states x 3 ops = 78, then 3 from (4,2) and 2 from (4,1,armed).
  it('finds the shortest violation, at depth 7, with the hand-derived trace and counts', () => {
    const r = explore(armedCounters(), { maxDepth: 20 });
    expect(r.outcome).toBe('violated');
    if (r.outcome !== 'violated') return;
    expect(r.counterexample).toEqual({ init: 0, ops: [2, 0, 0, 0, 0, 1, 1], message: 'an armed trace reached a = 4, b = 2' });
    expect(r.depthCompleted).toBe(6);
    expect(r.levels).toEqual([1, 3, 5, 6, 6, 5, 3]);
    expect(r.distinct).toBe(29);
    expect(r.generated).toBe(78 + 3 + 2);
  });

  it('holds up to depth 6, with every state of depth <= 6 counted', () => {
    const r = explore(armedCounters(), { maxDepth: 6 });
    expect(r).toMatchObject({ outcome: 'holds', complete: false, depthCompleted: 6, levels: [1, 3, 5, 6, 6, 5, 3], distinct: 29 });
  });

  it('a false reduction (the monitor keeps `armed` out of the fingerprint) merges states, and the result says so', () => {
    // (0,0,armed) has the fingerprint of (0,0) and is dropped as seen, so no armed state is ever
    // explored: the 15 unarmed states only, and the search ends "complete" without the violation.
    // notState is the only way to leave something out, and every result carries its reason.
    const r = explore(armedCounters({ forgetArmed: true }), { maxDepth: 20 });
    expect(r).toMatchObject({ outcome: 'holds', complete: true, distinct: 15, levels: [1, 2, 3, 3, 3, 2, 1] });
    expect(r.reductions).toEqual(['armed is left out (wrongly: the property reads it)']);
    expect(explore(armedCounters(), { maxDepth: 20 }).reductions).toEqual([]);
  });

  it('a snapshot with notState parts and no stated reduction is refused, not explored', () => {
    const x = armedCounters({ forgetArmed: true });
    expect(() => explore({ ...x, reductions: [] }, { maxDepth: 20 })).toThrow(UnstatedReductionError);
  });
});

describe('explore: bounds', () => {
  it('a deadline of 0 stops before expanding anything: bound reached at depth 0', () => {
    const r = explore(registers({ n: 4, m: 8 }), { maxDepth: 50, timeLimitMs: 0 });
    expect(r).toMatchObject({ outcome: 'bound reached', reason: 'deadline', depthCompleted: 0, distinct: 1, generated: 0, levels: [1] });
  });

  it('an abort flag set during the search stops it between chunks', () => {
    const flag = { aborted: false };
    const r = explore(registers({ n: 4, m: 8 }), {
      maxDepth: 50, chunkSize: 16, signal: flag,
      onLevel: p => { if (p.depthCompleted === 3) flag.aborted = true; },
    });
    expect(r).toMatchObject({ outcome: 'bound reached', reason: 'aborted', depthCompleted: 3 });
    expect(r.levels).toHaveLength(4);
  });

  it('maxStates stops exactly at the cap', () => {
    const r = explore(registers({ n: 4, m: 8 }), { maxDepth: 50, maxStates: 1000 });
    expect(r).toMatchObject({ outcome: 'bound reached', reason: 'max states', distinct: 1000 });
  });

  it('a throw in a step is a violation with its trace', () => {
    const x = counterMod5();
    const step = x.step.bind(x);
    const r = explore({ ...x, step: op => { if (op === 1 && x.snapshot() === 4) throw new Error('boom'); return step(op); } }, { maxDepth: 10 });
    // 4 is first reached at depth 2 by +2 +2; its +2 throws
    expect(r).toMatchObject({ outcome: 'violated', counterexample: { init: 0, ops: [1, 1, 1], message: 'threw: boom' } });
  });
});

describe('explore: determinism and the replay check', () => {
  it('gives the same result for the same scope, and the same with any chunk size', () => {
    const a = explore(registers({ n: 4, m: 8, target: 5 }), { maxDepth: 50 });
    const b = explore(registers({ n: 4, m: 8, target: 5 }), { maxDepth: 50 });
    const c = explore(registers({ n: 4, m: 8, target: 5 }), { maxDepth: 50, chunkSize: 7 });
    expect(a.outcome).toBe('violated');
    expect(stable(b)).toEqual(stable(a));
    expect(stable(c)).toEqual(stable(a));
  });

  it('explores all m^n states of the register machine', () => {
    const r = explore(registers({ n: 4, m: 8 }), { maxDepth: 100 });
    expect(r).toMatchObject({ outcome: 'holds', complete: true, distinct: 8 ** 4, generated: 8 ** 4 * 12 });
  });

  it('a restore that forgets a field is caught when the frontier is replayed', () => {
    // r[2] keeps whatever the previous state left there: successors depend on the order of work
    const x = registers({ n: 3, m: 4 });
    const broken: Explorable<Uint8Array> = { ...x, restore: s => { const now = x.snapshot(); x.restore(s.map((v, i) => (i === 2 ? now[2]! : v))); } };
    expect(() => explore(broken, { maxDepth: 10 })).toThrow(/replaying its trace gives another fingerprint/);
  });
});
