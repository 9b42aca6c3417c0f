// The model stack as an explored machine: snapshot/restore round trips (a planted restore fault is
// caught), the snapshot holds every field of each part's state but the profile's, fingerprints
// (of the whole snapshot) merge only states equal as data, and a hand-counted BFS over a small
// scope.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { explore } from '../explore/engine.ts';
import { fingerprintSnapshot } from '../explore/canonical.ts';
import { Fingerprinter } from '../explore/fingerprint.ts';
import { withMonitor } from '../explore/monitor.ts';
import { exploreParallel } from '../explore/parallel.ts';
import { stackMachine, type StackScopeArgs, stackUnderTrivialMonitor, trivialMonitor } from '../explore/stackMachine.ts';
import type { ExploreResult } from '../explore/types.ts';
import { createModelStack, type ModelStackSnapshot } from '../model/stack.ts';
import { rulesOf } from '../model/rules.ts';
import { vdpaCreate, vdpaSnapshot, type VdpaState } from '../model/vdpa.ts';
import { vhostCreate, vhostSnapshot, type VhostSnapshot, type VhostState } from '../model/vhost.ts';
import { createDevice, deviceSnapshot } from '../model/virtio/device.ts';
import { vhostOpArb } from '../generators/vhost.ts';
import { namedStackUnderTrivialMonitor } from '../harness/explore-coverage.ts';
import { anyOpArb, anyProfileArb, P0 } from '../properties/p0-differential.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit, bits } from '../types/bits.ts';
import { NET_TAP_FD, VRING_USED_ADDR } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VhostDevice } from '../types/policy.ts';
import type { SnapshottingStack } from '../types/stack.ts';
import { formatOp } from '../types/trace.ts';
import * as U from '../types/uapi.ts';

type Make = (profile: Profile) => SnapshottingStack;

const fp = new Fingerprinter();
const fpOfSnapshot = (snap: unknown): string => {
  fingerprintSnapshot(fp, snap);
  return `${fp.hi}:${fp.lo}`;
};
const fpOf = (s: Pick<SnapshottingStack, 'snapshot'>): string => fpOfSnapshot(s.snapshot());
const run = (s: SnapshottingStack, ops: readonly Op[]): Observation[] => ops.map(op => s.apply(op));
const isVdpa = (p: Profile): boolean => p.kernel.device === 'vhost-vdpa';

const write = (type: number, iova: bigint, size: bigint, perm = U.VHOST_ACCESS_RW, uaddr = 0x7f00_0000_0000n): Op => ({
  kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr, perm, type },
});
const access = (iova: bigint, len = 1, acc = U.VHOST_ACCESS_RO): Op => ({ kind: 'VQ_ACCESS', iova, len, access: acc });
const AP: Op = { kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) };
const V2: Op = { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) };
const READ: Op = { kind: 'IOTLB_READ', len: 72 };

/** UPDATEs at three starts, one of them twice (equal starts: lookup takes the older map). */
const UPDATES: readonly Op[] = [
  write(U.VHOST_IOTLB_UPDATE, 0n, 0x1000n),
  write(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, U.VHOST_ACCESS_RO),
  write(U.VHOST_IOTLB_UPDATE, 0n, 0x2000n, U.VHOST_ACCESS_WO, 0x7f00_0001_0000n),
  write(U.VHOST_IOTLB_UPDATE, VRING_USED_ADDR[0]!, 0x1000n, U.VHOST_ACCESS_RW, VRING_USED_ADDR[0]!),
];

/** With AP and UPDATES: ops that reach every field of some device (the merge checks' vocabulary). */
const OTHER_OPS: readonly Op[] = [
  { kind: 'SET_FEATURES', features: bits(U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1) },
  V2,
  { kind: 'SET_BACKEND_FEATURES', features: bits(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH, U.VHOST_BACKEND_F_IOTLB_PERSIST) },
  write(U.VHOST_IOTLB_INVALIDATE, 0n, 0x1000n),
  write(U.VHOST_IOTLB_INVALIDATE, 0n, 0n),
  write(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n),
  write(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
  access(0n),
  access(0xfffn, 2, U.VHOST_ACCESS_RW),
  access(0x1000n, 1, U.VHOST_ACCESS_WO),
  READ,
  { kind: 'VDPA_SET_STATUS', status: 0 },
  { kind: 'VDPA_SET_STATUS', status: 0xb },
  { kind: 'VSOCK_SET_RUNNING', start: 1 },
  { kind: 'VSOCK_SET_RUNNING', start: 0 },
  { kind: 'NET_SET_BACKEND', index: 0, fd: NET_TAP_FD },
  { kind: 'NET_SET_BACKEND', index: 0, fd: -1 },
  { kind: 'FEATURES_WRITE', features: bits(U.VIRTIO_F_VERSION_1) },
  { kind: 'STATUS_WRITE', status: 0xb },
];

/** A P0 script cut in two: the prefix to snapshot after, and the suffix to run from there. */
const splitScriptArb = fc.tuple(P0.scripts, P0.scripts).map(([prefix, suffix]) => ({ prefix, suffix: suffix.slice(0, 20) }));

// --- snapshot / restore ------------------------------------------------------------------------

/** prefix, snapshot, suffix; restore, suffix again; restore into a fresh stack, suffix: all alike. */
function roundTrip(make: Make): fc.IPropertyWithHooks<[Profile, { prefix: Op[]; suffix: Op[] }]> {
  return fc.property(anyProfileArb, splitScriptArb, (profile, { prefix, suffix }) => {
    const stack = make(profile);
    run(stack, prefix);
    const fp = fpOf(stack);
    const snap = stack.snapshot();
    const first = run(stack, suffix);
    stack.restore(snap);
    expect(fpOf(stack)).toBe(fp);
    expect(run(stack, suffix)).toStrictEqual(first);
    // the snapshot stays usable: once more into the same stack, then into a fresh one
    stack.restore(snap);
    expect(run(stack, suffix)).toStrictEqual(first);
    const fresh = make(profile);
    fresh.restore(snap);
    expect(fpOf(fresh)).toBe(fp);
    expect(run(fresh, suffix)).toStrictEqual(first);
  });
}

/** The model, except that restore keeps the live read list instead of the snapshot's (a forgotten field). */
const restoreForgetsReadList: Make = profile => {
  const real = createModelStack(profile);
  return {
    apply: op => real.apply(op),
    snapshot: () => real.snapshot(),
    restore(s) {
      const want = s as ModelStackSnapshot;
      if (isVdpa(profile)) return real.restore(want);
      const live = (real.snapshot() as ModelStackSnapshot).vhost as VhostSnapshot;
      real.restore({ ...want, vhost: { ...(want.vhost as VhostSnapshot), readList: live.readList } });
    },
  };
};

describe('snapshot and restore', () => {
  it('round trip: the suffix observes the same after restore, again, and in a fresh stack of the profile', () => {
    fc.assert(roundTrip(createModelStack), { numRuns: 300 });
  });

  it('the round trip catches a restore that forgets the read list', () => {
    // caught within 18 runs on each of 25 seeds
    const r = fc.check(roundTrip(restoreForgetsReadList), { numRuns: 2000, endOnFailure: true });
    expect(r.failed).toBe(true);
  });

  it('a snapshot restored into a fresh stack continues exactly as replaying its prefix there', () => {
    fc.assert(fc.property(anyProfileArb, splitScriptArb, (profile, { prefix, suffix }) => {
      const a = createModelStack(profile);
      run(a, prefix);
      const b = createModelStack(profile);
      b.restore(a.snapshot());
      const replayed = createModelStack(profile);
      run(replayed, prefix);
      expect(fpOf(b)).toBe(fpOf(replayed));
      expect(run(b, suffix)).toStrictEqual(run(replayed, suffix));
    }), { numRuns: 200 });
  });
});

// --- fingerprints --------------------------------------------------------------------------------

/**
 * Breadth first over `alphabet` to `depth` as the engine does (only new fingerprints are
 * expanded), collecting each merge: a state whose fingerprint was already seen, with the state
 * first seen under it. A sound fingerprint only merges states no op sequence tells apart.
 */
function merges(make: Make, profile: Profile, alphabet: readonly Op[], depth: number): [unknown, unknown, string][] {
  const stack = make(profile);
  const seen = new Map<string, unknown>([[fpOf(stack), stack.snapshot()]]);
  const out: [unknown, unknown, string][] = [];
  let frontier: { snap: unknown; trace: string }[] = [{ snap: stack.snapshot(), trace: '' }];
  for (let d = 0; d < depth; d++) {
    const next: typeof frontier = [];
    for (const { snap, trace } of frontier) {
      for (const op of alphabet) {
        stack.restore(snap);
        stack.apply(op);
        const fp = fpOf(stack);
        const here = { snap: stack.snapshot(), trace: `${trace}${formatOp(op)}; ` };
        const first = seen.get(fp);
        if (first === undefined) {
          seen.set(fp, here.snap);
          next.push(here);
        } else {
          out.push([first, here.snap, here.trace]);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Ops of a suffix: mostly the run's alphabet (by index), sometimes any op the P0 generators make. */
const suffixArb = fc.array(fc.oneof({ weight: 4, arbitrary: fc.nat() }, { weight: 1, arbitrary: anyOpArb }), { maxLength: 8 });

interface MergeStats { runs: number; merges: number; distinctMerges: number }

/**
 * Half of the profiles: vhost-net/vsock with a device IOTLB that ACCESS_PLATFORM turns on and
 * that retires after 1-3 maps, so that three ops can fill it (in anyProfileArb a limit below 4
 * with the IOTLB on is rare).
 */
const mergeProfileArb: fc.Arbitrary<Profile> = fc.oneof(
  anyProfileArb,
  fc.tuple(anyProfileArb, fc.constantFrom<VhostDevice>('vhost-net', 'vhost-vsock'), fc.constantFrom(1, 2, 3))
    .map(([p, device, maxIotlbEntries]): Profile => ({
      ...p, kernel: { ...p.kernel, device, maxIotlbEntries, iotlbEnable: 'access-platform', vsockAccessPlatform: true },
    })),
);

/**
 * Equal fingerprints, equal futures: every merge the BFS makes to depth 3 over a random alphabet
 * (ACCESS_PLATFORM, 1-3 UPDATEs, 2-4 of OTHER_OPS, up to 2 generated ops) is run on random
 * suffixes from both states, which must observe alike. `stats` counts merges of states whose
 * snapshots differ.
 */
function mergesAreSound(make: Make, stats?: MergeStats): fc.IPropertyWithHooks<[Profile, Op[], Op[], Op[], (number | Op)[][]]> {
  return fc.property(
    mergeProfileArb,
    fc.subarray([...UPDATES], { minLength: 1, maxLength: 3 }),
    fc.subarray([...OTHER_OPS], { minLength: 2, maxLength: 4 }),
    fc.array(vhostOpArb, { maxLength: 2 }),
    fc.array(suffixArb, { minLength: 3, maxLength: 3 }),
    (profile, updates, others, extra, suffixes) => {
      // without ACCESS_PLATFORM a vhost-net/vsock alphabet hardly leaves the initial state
      const alphabet = [AP, ...updates, ...others, ...extra];
      const pairs = merges(make, profile, alphabet, 3);
      const stack = make(profile);
      if (stats) stats.runs++;
      for (const [a, b, trace] of pairs) {
        if (stats) {
          stats.merges++;
          if (!isDeepStrictEqual(a, b)) stats.distinctMerges++;
        }
        for (const s of suffixes) {
          const ops = s.map(x => (typeof x === 'number' ? alphabet[x % alphabet.length]! : x));
          stack.restore(a);
          const fromA = run(stack, ops);
          stack.restore(b);
          const fromB = run(stack, ops);
          if (!isDeepStrictEqual(fromA, fromB)) {
            throw new Error(`merged with an earlier state: ${trace}then ${ops.map(formatOp).join('; ')} observes differently`);
          }
        }
      }
    },
  );
}

describe('fingerprints', () => {
  it('replaying the same prefix twice gives the same fingerprint', () => {
    fc.assert(fc.property(anyProfileArb, P0.scripts, (profile, ops) => {
      const a = createModelStack(profile);
      const b = createModelStack(profile);
      run(a, ops);
      run(b, ops);
      expect(fpOf(a)).toBe(fpOf(b));
    }), { numRuns: 200 });
  });

  it('merges only states equal as data, which observe alike on random suffixes (every BFS merge to depth 3)', () => {
    const stats: MergeStats = { runs: 0, merges: 0, distinctMerges: 0 };
    fc.assert(mergesAreSound(createModelStack, stats), { numRuns: 300 });
    console.log(`merge checks: ${stats.runs} runs, ${stats.merges} merges, ${stats.distinctMerges} of states whose snapshots differ`);
    // not vacuous: states are merged, and never two that differ in any field or in map order
    expect(stats.merges).toBeGreaterThan(stats.runs);
    expect(stats.distinctMerges).toBe(0);
  });
});

// --- the snapshot is the whole state --------------------------------------------------------------

/** What each part's profile fixes (model/vhost.ts VhostFixed, model/vdpa.ts VdpaFixed, model/virtio/device.ts DeviceFixed). */
const FIXED = { vhost: ['kernel', 'rules', 'umem'], vdpa: ['kernel', 'rules', 'parent'], virtio: ['guest', 'transport', 'offered'] };

describe('the snapshot holds every field a later op can read', () => {
  it('each part\'s snapshot has every key of its live state but the profile\'s (the types say so at compile time, this at run time)', () => {
    for (const device of ['vhost-net', 'vhost-vsock', 'vhost-vdpa'] as const) {
      const profile = profileFor(device);
      const state = device === 'vhost-vdpa' ? vdpaCreate(profile.kernel, rulesOf(profile)) : vhostCreate(profile.kernel, rulesOf(profile));
      const snap = device === 'vhost-vdpa' ? vdpaSnapshot(state as VdpaState) : vhostSnapshot(state as VhostState);
      const fixed = device === 'vhost-vdpa' ? FIXED.vdpa : FIXED.vhost;
      expect(Object.keys(snap).sort()).toEqual(Object.keys(state).filter(k => !fixed.includes(k)).sort());
    }
    const dev = createDevice(upstreamProfile.guest);
    expect(Object.keys(deviceSnapshot(dev)).sort()).toEqual(Object.keys(dev).filter(k => !FIXED.virtio.includes(k)).sort());
  });

  it('what the profile fixes is frozen or never reassigned: vhost\'s memory table throws when changed', () => {
    const s = vhostCreate(upstreamProfile.kernel, rulesOf(upstreamProfile));
    expect(Object.isFrozen(s.umem)).toBe(true);
    expect(() => { (s.umem as { maps: unknown }).maps = []; }).toThrow(TypeError);
  });

  it('a field no rule reads (vdpa\'s driver features, vhost\'s pending MISS list) still tells states apart', () => {
    // the hand-written fingerprints left both out; a rule that came to read one gave a false "holds" (issue 23)
    const vdpa = createModelStack(profileFor('vhost-vdpa'));
    const before = fpOf(vdpa);
    expect(vdpa.apply(AP)).toEqual({ kind: 'ret', ret: 0 });
    expect(fpOf(vdpa)).not.toBe(before);
    const net = createModelStack(profileFor('vhost-net'));
    run(net, [AP, access(0n)]);
    const queued = fpOf(net);
    run(net, [READ]);
    expect(fpOf(net)).not.toBe(queued);
  });
});

// --- BFS over a small scope ----------------------------------------------------------------------

const profileFor = (device: VhostDevice): Profile => ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device } });

/** vhost-net and vhost-vdpa (upstream policies) x 8 ops. */
const SMALL_SCOPE: StackScopeArgs = {
  profiles: [profileFor('vhost-net'), profileFor('vhost-vdpa')],
  alphabet: [
    AP,
    write(U.VHOST_IOTLB_UPDATE, 0n, 0x1000n),
    write(U.VHOST_IOTLB_INVALIDATE, 0n, 0x1000n),
    access(0n),
    READ,
    V2,
    { kind: 'VDPA_SET_STATUS', status: 0 },
    { kind: 'GET_FEATURES' },
  ],
};
const stable = (r: ExploreResult): unknown => ({ ...r, timeMs: undefined, workers: undefined });

describe('explore over the model', () => {
  it('counts the hand-derived states of a small scope to depth 3', () => {
    // vhost-net, state (IOTLB: none/empty/maps, backend V2 acked?, read list, pending list), 1 + 2 + 3 + 7
    // (AP also sets the acked features, but only with the IOTLB, and again AP makes a fresh empty one):
    //  d1: AP -> (empty), V2 -> (none, v2); the rest change nothing without an IOTLB
    //  d2: from (empty): UPDATE -> [m], ACCESS -> MISS queued [v1], V2 -> (empty, v2); from (none, v2): nothing new
    //  d3: from [m]: UPDATE -> [m, m], V2 -> ([m], v2); from [v1]: UPDATE -> ([m], [v1]), ACCESS -> [v1, v1],
    //      READ -> (read [], pending [v1]), V2 -> (empty, v2, [v1]); from (empty, v2): ACCESS -> [v2]
    // vhost-vdpa, state (driver features, backend V2 acked?, AS, parent view), 1 + 3 + 5 + 6;
    // INVALIDATE before an AS is -EINVAL; a reset zeroes the driver features and puts back the 1:1 view:
    //  d1: AP -> (ap), UPDATE -> (AS [m], view [m]), V2 -> (v2)
    //  d2: from (ap): UPDATE -> (ap, [m], [m]), V2 -> (ap, v2); from [m]: INVALIDATE -> (AS [], view []),
    //      V2 -> (v2, [m], [m]), reset -> ([m], view 1:1)
    //  d3: from (ap, [m], [m]): INVALIDATE -> (ap, [], []), V2 -> (ap, v2, [m], [m]); from ([], []):
    //      V2 -> (v2, [], []), reset -> ([], 1:1); from (v2, [m], [m]): reset -> (v2, [m], 1:1);
    //      from ([m], 1:1): AP -> (ap, [m], 1:1)
    const r = explore(withMonitor(stackMachine(SMALL_SCOPE.profiles, SMALL_SCOPE.alphabet), trivialMonitor), { maxDepth: 3 });
    expect(r).toMatchObject({ outcome: 'holds', complete: false, depthCompleted: 3, levels: [2, 5, 8, 13], distinct: 28, generated: 120 });
    const deeper = explore(stackUnderTrivialMonitor(SMALL_SCOPE), { maxDepth: 6 });
    console.log(`small scope to depth 6: ${deeper.distinct} states (levels ${deeper.levels.join(' ')}), ${deeper.generated} transitions, ` +
      `${Math.round(deeper.distinct / (deeper.timeMs / 1000))} states/s, ${Math.round(deeper.generated / (deeper.timeMs / 1000))} transitions/s`);
  });

  it('1 and 2 workers give the calling thread\'s result', async () => {
    const spec = { module: new URL('../explore/stackMachine.ts', import.meta.url).href, export: 'stackUnderTrivialMonitor', args: SMALL_SCOPE };
    const one = explore(stackUnderTrivialMonitor(SMALL_SCOPE), { maxDepth: 5, chunkSize: 7 });
    for (const workers of [1, 2]) {
      expect(stable(await exploreParallel(spec, { maxDepth: 5, chunkSize: 7, workers }))).toEqual(stable(one));
    }
  });

  it('names every transition of every trace within the depth, the same for 0, 1 and 2 workers', async () => {
    // the small scope with IOTLB_PERSIST acked too, so a reset is named with and without it
    const PERSIST: Op = { kind: 'SET_BACKEND_FEATURES', features: bits(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_PERSIST) };
    const scope: StackScopeArgs = { profiles: SMALL_SCOPE.profiles, alphabet: [...SMALL_SCOPE.alphabet, PERSIST] };
    const depth = 4;
    // by brute force: every trace of `depth` ops (its prefixes are traces too) from a fresh stack
    const expected = new Set<string>();
    const A = scope.alphabet.length;
    for (const [i, profile] of scope.profiles.entries()) {
      for (let code = 0; code < A ** depth; code++) {
        const x = namedStackUnderTrivialMonitor(scope);
        x.init(i);
        for (let k = 0, c = code; k < depth; k++, c = Math.floor(c / A)) x.step(c % A);
        for (const t of x.transitions!()) expected.add(t);
        if (profile.kernel.device === 'vhost-vdpa') expect(expected.has(`vdpa parent ${profile.kernel.parent}`)).toBe(true);
      }
    }
    expect(expected).toContain('vdpa reset with IOTLB_PERSIST on vendor-clears');
    expect(expected).toContain('vdpa reset without IOTLB_PERSIST on vendor-clears');
    const one = explore(namedStackUnderTrivialMonitor(scope), { maxDepth: depth, collectTransitions: true });
    expect(one.transitions).toEqual([...expected].sort());
    const spec = { module: new URL('../harness/explore-coverage.ts', import.meta.url).href, export: 'namedStackUnderTrivialMonitor', args: scope };
    for (const workers of [1, 2]) {
      expect((await exploreParallel(spec, { maxDepth: depth, chunkSize: 5, workers, collectTransitions: true })).transitions).toEqual(one.transitions);
    }
    // not asked for, or a search that did not hold: no transitions in the result
    expect(explore(namedStackUnderTrivialMonitor(scope), { maxDepth: depth }).transitions).toBeUndefined();
    expect(explore(namedStackUnderTrivialMonitor(scope), { maxDepth: depth, maxStates: 3, collectTransitions: true }).transitions).toBeUndefined();
  });

  it('a machine restored to another profile\'s snapshot switches to that profile', () => {
    const m = stackMachine(SMALL_SCOPE.profiles, SMALL_SCOPE.alphabet);
    m.init(1);
    m.apply(1); // vdpa: UPDATE creates the AS
    const vdpa = m.snapshot();
    const before = fpOf(m);
    m.init(0);
    m.restore(vdpa);
    expect(fpOf(m)).toEqual(before);
    expect(m.apply(6)).toEqual({ kind: 'ret', ret: 0 }); // VDPA_SET_STATUS 0 is a vdpa reset, not -ENOTTY
  });
});
