// Worker threads share each level's frontier; the result must not depend on how many.

import { describe, expect, it } from 'vitest';
import { explore } from '../explore/engine.ts';
import { RuleFaultInSearch } from '../explore/expand.ts';
import { exploreParallel } from '../explore/parallel.ts';
import type { ExplorableSpec } from '../explore/spec.ts';
import { armedCounters, faultRace, registers, type RegistersArgs } from '../explore/toys.ts';
import type { ExploreResult } from '../explore/types.ts';

const TOYS = new URL('../explore/toys.ts', import.meta.url).href;
const spec = (exp: string, args?: unknown): ExplorableSpec => ({ module: TOYS, export: exp, args });
/** Everything that must not depend on timing or the worker count. */
const stable = (r: ExploreResult): unknown => ({ ...r, timeMs: undefined, workers: undefined });

describe('exploreParallel', () => {
  it('a proposal\'s rule failing in a later chunk does not beat an earlier chunk\'s violation, however fast it comes', async () => {
    const args = { slowMs: 300 };
    const one = explore(faultRace(args), { maxDepth: 3, chunkSize: 1 });
    expect(one).toMatchObject({ outcome: 'violated', counterexample: { init: 0, ops: [0, 0] } });
    const r = await exploreParallel(spec('faultRace', args), { maxDepth: 3, chunkSize: 1, workers: 2 });
    expect(stable(r)).toEqual(stable(one));
    // and where no violation comes first, the fault is the result, with its trace, on one thread or two
    const fault = { error: { rule: 'invalidateRange', args: ['0x0n', '0x1000n'], problem: 'threw: planted' }, init: 0, ops: [2, 0] };
    expect(() => explore(faultRace({ slowMs: 0, violate: false }), { maxDepth: 3, chunkSize: 1 })).toThrow(RuleFaultInSearch);
    await expect(exploreParallel(spec('faultRace', { slowMs: 0, violate: false }), { maxDepth: 3, chunkSize: 1, workers: 2 }))
      .rejects.toMatchObject(fault);
  });

  it('1 and 2 workers give the single-threaded result on a space explored in full', async () => {
    const args: RegistersArgs = { n: 4, m: 8 };
    const one = explore(registers(args), { maxDepth: 100, chunkSize: 5 });
    expect(one).toMatchObject({ outcome: 'holds', complete: true, distinct: 4096 });
    for (const workers of [1, 2]) {
      const r = await exploreParallel(spec('registers', args), { maxDepth: 100, chunkSize: 5, workers });
      expect(r.workers).toBe(workers);
      expect(stable(r)).toEqual(stable(one));
    }
  });

  it('1 and 2 workers find the same shortest violation with the same counts', async () => {
    const args: RegistersArgs = { n: 4, m: 8, target: 3 };
    const one = explore(registers(args), { maxDepth: 100, chunkSize: 3 });
    expect(one.outcome).toBe('violated');
    const [w1, w2] = await Promise.all([1, 2].map(workers => exploreParallel(spec('registers', args), { maxDepth: 100, chunkSize: 3, workers })));
    expect(stable(w1!)).toEqual(stable(one));
    expect(stable(w2!)).toEqual(stable(one));
  });

  it('finds the hand-derived trace of the armed counters with a monitor', async () => {
    const r = await exploreParallel(spec('armedCounters'), { maxDepth: 20, chunkSize: 1, workers: 2 });
    expect(stable(r)).toEqual(stable(explore(armedCounters(), { maxDepth: 20 })));
    expect(r).toMatchObject({ outcome: 'violated', counterexample: { ops: [2, 0, 0, 0, 0, 1, 1] }, distinct: 29, generated: 83 });
  });

  it('a deadline of 0 is bound reached at depth 0; a bad spec is an error, not a hang', async () => {
    expect(await exploreParallel(spec('registers', { n: 4, m: 8 }), { maxDepth: 50, timeLimitMs: 0, workers: 2 }))
      .toMatchObject({ outcome: 'bound reached', reason: 'deadline', depthCompleted: 0, distinct: 1 });
    await expect(exploreParallel(spec('noSuchToy'), { maxDepth: 5, workers: 1 })).rejects.toThrow(/exports no factory noSuchToy/);
    await expect(exploreParallel(spec('registers', { n: 2, m: 4 }), { maxDepth: 5, workers: 0 })).rejects.toThrow(/positive integer/);
  });
});
