// Measurements of the model as an explored machine (not a gate: absolute numbers on a shared
// machine drift). Run: npx tsx bench/explore-model.ts [maxDepth] [workers...]
// (node --expose-gc --import tsx bench/explore-model.ts ... also prints a snapshot's retained heap)
//  - BFS under the trivial monitor over an I6-like scope (vhost-net and vhost-vdpa, upstream
//    policies; 20 ops: SET_FEATURES(ACCESS_PLATFORM), v2 UPDATE/INVALIDATE at the page edges,
//    a size-0 INVALIDATE, one-byte accesses, a read, a vdpa reset, a batch): distinct states/s,
//    transitions/s and bytes per state, on the calling thread (twice: cold, then warm) and with
//    the given worker counts;
//  - what one transition costs, split: restore, apply, fingerprint (over the states of depth 2).

import { createModelStack } from '../model/stack.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit, U64_MAX } from '../types/bits.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VhostDevice } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { explore } from '../explore/engine.ts';
import { fingerprintSnapshot } from '../explore/canonical.ts';
import { Fingerprinter } from '../explore/fingerprint.ts';
import { exploreParallel } from '../explore/parallel.ts';
import { type StackScopeArgs, stackUnderTrivialMonitor } from '../explore/stackMachine.ts';
import type { ExploreResult } from '../explore/types.ts';

const TOP_PAGE = (1n << 64n) - 0x1000n;

const profileFor = (device: VhostDevice): Profile => ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device } });
const write = (type: number, iova: bigint, size: bigint): Op => ({
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr: 0x7f00_0000_0000n, perm: U.VHOST_ACCESS_RW, type },
});
const access = (iova: bigint): Op => ({ kind: 'VQ_ACCESS', iova, len: 1, access: U.VHOST_ACCESS_RO });

/** The I6-like scope: 2 profiles x 20 ops. */
const I6_LIKE_SCOPE: StackScopeArgs = {
  profiles: [profileFor('vhost-net'), profileFor('vhost-vdpa')],
  alphabet: [
    { kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) },
    write(U.VHOST_IOTLB_UPDATE, 0n, 0x1000n),
    write(U.VHOST_IOTLB_UPDATE, 0xfffn, 1n),
    write(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n),
    write(U.VHOST_IOTLB_UPDATE, 0x1000n, 1n),
    write(U.VHOST_IOTLB_UPDATE, TOP_PAGE, 0x1000n),
    write(U.VHOST_IOTLB_UPDATE, 0n, U64_MAX),
    write(U.VHOST_IOTLB_INVALIDATE, 0n, 0x1000n),
    write(U.VHOST_IOTLB_INVALIDATE, 0x1000n, 0x1000n),
    write(U.VHOST_IOTLB_INVALIDATE, TOP_PAGE, 0x1000n),
    write(U.VHOST_IOTLB_INVALIDATE, 0n, U64_MAX),
    write(U.VHOST_IOTLB_INVALIDATE, 0n, 0n),
    access(0n),
    access(0xfffn),
    access(0x1000n),
    access(TOP_PAGE),
    { kind: 'IOTLB_READ', len: 72 },
    { kind: 'VDPA_SET_STATUS', status: 0 },
    write(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n),
    write(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
  ],
};

function line(label: string, r: ExploreResult): void {
  const s = r.timeMs / 1000;
  console.log(`${label.padEnd(16)} ${r.outcome}${r.outcome === 'holds' && r.complete ? ' (complete)' : ''}: ` +
    `${r.distinct.toLocaleString('en')} states (levels ${r.levels.join(' ')}), ${r.generated.toLocaleString('en')} transitions, ` +
    `${s.toFixed(2)} s -> ${Math.round(r.distinct / s).toLocaleString('en')} distinct states/s, ` +
    `${Math.round(r.generated / s).toLocaleString('en')} transitions/s (${(r.timeMs * 1000 / r.generated).toFixed(2)} us each); ` +
    `${r.bytesPerState.toFixed(1)} B/state; P(collision) TLC ${r.collision.tlc.toExponential(1)}`);
}

/**
 * Per profile: restore, apply and fingerprint timed apart over every op from a spread of states
 * (each op pair from the initial state); the least of 5 repetitions, each part minus the restore
 * it needs. And a snapshot's retained heap (run with node --expose-gc to see it).
 */
function breakdown(scope: StackScopeArgs): void {
  const fp = new Fingerprinter();
  for (const profile of scope.profiles) {
    const stack = createModelStack(profile);
    const base = stack.snapshot();
    const states: unknown[] = [];
    for (const a of scope.alphabet) for (const b of scope.alphabet) {
      stack.restore(base);
      stack.apply(a);
      stack.apply(b);
      states.push(stack.snapshot());
    }
    const rounds = 10;
    const n = rounds * states.length * scope.alphabet.length;
    const time = (body: (s: unknown, op: Op) => void): number => {
      let best = Infinity;
      for (let rep = 0; rep < 5; rep++) {
        const t = performance.now();
        for (let r = 0; r < rounds; r++) for (const s of states) for (const op of scope.alphabet) body(s, op);
        best = Math.min(best, ((performance.now() - t) * 1e6) / n);
      }
      return best;
    };
    time((s, op) => { stack.restore(s); stack.apply(op); fingerprintSnapshot(fp, stack.snapshot()); }); // warm up
    const restore = time(s => stack.restore(s));
    const apply = time((s, op) => { stack.restore(s); stack.apply(op); }) - restore;
    const snapshot = time(s => { stack.restore(s); stack.snapshot(); }) - restore;
    const fingerprint = time(s => { stack.restore(s); fingerprintSnapshot(fp, stack.snapshot()); }) - restore - snapshot;
    console.log(`${profile.kernel.device.padEnd(10)} per transition: restore ${restore.toFixed(0)} ns, apply ${apply.toFixed(0)} ns, ` +
      `snapshot ${snapshot.toFixed(0)} ns, fingerprint of the snapshot ${fingerprint.toFixed(0)} ns${snapshotBytes(stack, states)}`);
  }
}

/** Heap retained by one more snapshot of a state (its records: the arrays are the live state's, shared). */
function snapshotBytes(stack: ReturnType<typeof createModelStack>, states: readonly unknown[]): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return '';
  const keep: unknown[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let r = 0; r < 50; r++) for (const s of states) { stack.restore(s); keep.push(stack.snapshot()); }
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / keep.length;
  return `, ${bytes.toFixed(0)} B retained each`;
}

const [maxDepth = 5, ...workerCounts] = process.argv.slice(2).map(Number);
console.log(`I6-like scope: ${I6_LIKE_SCOPE.profiles.length} profiles x ${I6_LIKE_SCOPE.alphabet.length} ops, depth ${maxDepth}`);
breakdown(I6_LIKE_SCOPE);
// the first run pays for compiling the engine and the model's cold paths and the store's first pages
line('calling thread', explore(stackUnderTrivialMonitor(I6_LIKE_SCOPE), { maxDepth }));
line('  again (warm)', explore(stackUnderTrivialMonitor(I6_LIKE_SCOPE), { maxDepth }));
const spec = { module: new URL('../explore/stackMachine.ts', import.meta.url).href, export: 'stackUnderTrivialMonitor', args: I6_LIKE_SCOPE };
for (const workers of workerCounts) line(`${workers} worker${workers > 1 ? 's' : ''}`, await exploreParallel(spec, { maxDepth, workers }));
