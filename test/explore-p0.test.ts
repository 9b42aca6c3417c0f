// P0 in explore: the implementation replayed beside the model over each invariant's scope. The
// replayed machine restores exactly; a planted implementation bug is found with a shortest trace
// that P0's own check confirms; the real implementation holds on the small scopes.

import { describe, expect, it } from 'vitest';
import { explore } from '../explore/engine.ts';
import { withMonitor } from '../explore/monitor.ts';
import { stackMachine } from '../explore/stackMachine.ts';
import { createImplStack } from '../impl/stack.ts';
import { createModelStack } from '../model/stack.ts';
import { exploreEntry, scopeFor } from '../properties/index.ts';
import { differenceMonitor, replayedImplMachine, sideBySide } from '../properties/p0-differential.explore.ts';
import { firstDifference } from '../properties/p0-differential.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Stack } from '../types/stack.ts';
import { negcheck } from './negcheck.ts';

/** An implementation that answers an access at iova 0xfff as if it were at 0x0 (a dropped page offset). */
const droppedOffset = (p: Profile): Stack => {
  const inner = createImplStack(p);
  return { apply: (op: Op) => inner.apply(op.kind === 'VQ_ACCESS' && op.iova === 0xfffn ? { ...op, iova: 0n } : op) };
};

describe('P0 in explore', () => {
  it('the replayed implementation restores to the state its snapshot was taken in', () => {
    const scope = scopeFor('I6', { depth: 3 });
    const m = replayedImplMachine(scope.profiles, scope.alphabet);
    const vdpa = scope.profiles.findIndex(p => p.kernel.device === 'vhost-vdpa');
    m.init(vdpa);
    m.apply(2); // UPDATE [0, 0xfff]
    const s = m.snapshot();
    const before = m.apply(9); // access 0xfff: a hit
    m.apply(1); // INVALIDATE the page
    expect(m.apply(9)).not.toEqual(before);
    m.restore(s);
    expect(m.apply(9)).toEqual(before);
    expect(m.snapshot().value).toEqual({ profile: vdpa, trace: [2, 9] });
  });

  it('finds a planted implementation bug with a shortest trace that P0\'s own check confirms', () => {
    const scope = scopeFor('I6', { depth: 4 });
    const x = withMonitor(sideBySide(stackMachine(scope.profiles, scope.alphabet), replayedImplMachine(scope.profiles, scope.alphabet, droppedOffset)),
      differenceMonitor(scope.alphabet));
    const r = explore(x, { maxDepth: 4 });
    expect(r.outcome).toBe('violated');
    if (r.outcome !== 'violated') return;
    const ops = r.counterexample.ops.map(i => scope.alphabet[i]!);
    expect(ops.at(-1)).toMatchObject({ kind: 'VQ_ACCESS', iova: 0xfffn });
    // one op: without an IOTLB, vhost translates through the memory table, so the access alone differs
    expect(ops).toHaveLength(1);
    const profile = scope.profiles[r.counterexample.init]!;
    const v = firstDifference({ model: createModelStack, impl: droppedOffset }, profile, ops);
    expect(v).toEqual({ step: ops.length - 1, message: r.counterexample.message });
    // and the real implementation has no such difference on the same trace
    expect(firstDifference({ model: createModelStack, impl: createImplStack }, profile, ops)).toBeNull();
  });

  it('each invariant\'s scope has a P0 entry judging P0, and the real implementation holds on the small ones', () => {
    for (const id of ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7']) expect(exploreEntry(`P0@${id}`).property).toBe('P0');
    const r = negcheck('explore', '--property', 'P0@I4', 'P0@I5', '--workers', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const targets = (JSON.parse(r.stdout) as { targets: { label: string; property: string; result: { outcome: string; distinct: number } }[] }).targets;
    expect(targets.map(t => [t.label, t.result.outcome])).toEqual([['P0@I4', 'holds'], ['P0@I5', 'holds']]);
  });

  it('--property P0 means P0 over every scope, its own wire scope included', () => {
    const r = negcheck('explore', '--property', 'p0', '--describe');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/^P0@\w+$/gm)).toEqual(['P0@I1', 'P0@I2', 'P0@I3', 'P0@I4', 'P0@I5', 'P0@I6', 'P0@I7', 'P0@wire']);
  });
});
