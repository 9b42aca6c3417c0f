// I4 mapping persistence follows the contract (seed 002): with VHOST_BACKEND_F_IOTLB_PERSIST
// acked, what the device can reach is unchanged by a reset; without it, a reset does what it
// did before v6.7 for that parent: mlx5_vdpa/vdpa_sim fall back to the 1:1 passthrough, every
// other parent keeps its mappings.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { Observation, Segment } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { ParentKind } from '../types/policy.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { KERNEL_VALUES, kernelPolicyArb, vhostOpWith, vocabularyArb } from '../generators/vhost.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { driveLaw, onBothSides, type PropertyDef, type StepLaw, type Violation } from '../types/property.ts';
import type { Stack } from '../types/stack.ts';

const TOP = 1n << 64n;
const HALF = 1n << 63n;

/**
 * The 1:1 passthrough's answer to an access (vdpa_sim's identity map, stored as the two halves
 * vhost_iotlb_add_range splits [0, U64_MAX] into). translate_desc queries with a `last` fixed
 * up front, so an access that wraps past 2^64 finds no map and faults.
 */
export function identityAccess(iova: bigint, len: number): Observation {
  if (iova + BigInt(len) > TOP) return { kind: 'access', outcome: 'fault', errno: U.EFAULT };
  return { kind: 'access', outcome: 'ok', segments: identitySegments(iova, len) };
}

function identitySegments(iova: bigint, len: number): Segment[] {
  const out: Segment[] = [];
  let addr = iova;
  let left = BigInt(len);
  while (left > 0n) {
    const end = addr < HALF ? HALF : TOP;
    const n = end - addr < left ? end - addr : left;
    out.push([addr, Number(n)]);
    left -= n;
    addr = (addr + n) % TOP;
  }
  return out;
}

/** What an old userspace saw after a reset, before v6.7: mlx5_vdpa and vdpa_sim (either map op) dropped the maps. */
export function legacyResetClears(parent: ParentKind): boolean {
  return parent === 'vendor-clears' || parent === 'vendor-dma-map';
}

const PERSIST = bit(U.VHOST_BACKEND_F_IOTLB_PERSIST);

type Access = Extract<Op, { kind: 'VQ_ACCESS' }>;

/** VDPA_SET_STATUS with a status byte of 0: vhost-vdpa resets the device. */
export const isReset = (op: Op): boolean => op.kind === 'VDPA_SET_STATUS' && (op.status & 0xff) === 0;

/** What I4 judges of one op: its observation and, around a reset, what the probe accesses saw. */
export interface ResetProbed {
  readonly o: Observation;
  readonly probes: readonly Access[];
  /** the probes just before a reset (else empty) */
  readonly before: readonly Observation[];
  /** the probes just after a reset that succeeded (else empty) */
  readonly after: readonly Observation[];
}

/**
 * Apply an op, and around a reset the probes. vhost-vdpa accesses have no side effect, so
 * probing around a reset observes, never steers. `P` names an op: an Op for the script checker,
 * an alphabet index for explore's machine.
 */
export function probeAroundReset<P>(
  apply: (p: P) => Observation, op: P, reset: boolean, probes: readonly P[],
): Pick<ResetProbed, 'o' | 'before' | 'after'> {
  const before = reset ? probes.map(apply) : [];
  const o = apply(op);
  const after = reset && o.kind === 'ret' && o.ret === 0 ? probes.map(apply) : [];
  return { o, before, after };
}

/** Whether IOTLB_PERSIST was acked last: the only state the contract reads. */
export const persistenceLaw: StepLaw<{ persist: boolean }, ResetProbed> = {
  start: () => ({ persist: false }),
  step(s, op, { o, probes, before, after }, profile) {
    if (op.kind === 'SET_BACKEND_FEATURES' && o.kind === 'ret' && o.ret === 0) s.persist = (op.features & PERSIST) !== 0n;
    if (!isReset(op) || o.kind !== 'ret' || o.ret !== 0) return null;
    for (let k = 0; k < probes.length; k++) {
      const p = probes[k]!;
      const expected: Observation = !s.persist && legacyResetClears(profile.kernel.parent)
        ? identityAccess(p.iova, p.len)
        : before[k]!;
      if (!isDeepStrictEqual(after[k], expected)) {
        const why = s.persist ? 'IOTLB_PERSIST acked' : `old userspace on ${profile.kernel.parent}`;
        return `${why}: after reset ${formatOp(p)} -> ${formatObservation(after[k]!)}, contract says ${formatObservation(expected)}`;
      }
    }
    return null;
  },
};

/** The script checker probes with every access of the script, around every reset. */
export function checkPersistence(stack: Stack, profile: Profile, ops: readonly Op[]): Violation | null {
  const probes = ops.filter((o): o is Access => o.kind === 'VQ_ACCESS');
  return driveLaw(persistenceLaw, profile, ops, op => ({ ...probeAroundReset(p => stack.apply(p), op, isReset(op), probes), probes }));
}

/** vhost-vdpa on this parent with this reset rule; the rest upstream. */
export const i4Profile = (r: { parent: ParentKind; reset: Profile['kernel']['vdpaReset'] }): Profile =>
  ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vdpa', parent: r.parent, vdpaReset: r.reset } });

export const i4ProfileArb = (reset: fc.Arbitrary<Profile['kernel']['vdpaReset']>): fc.Arbitrary<Profile> =>
  fc.record({ parent: fc.constantFrom<ParentKind>(...KERNEL_VALUES.parent), reset }).map(i4Profile);

const i4Setup = fc.constantFrom<Op[]>(
  [],
  [{ kind: 'SET_BACKEND_FEATURES', features: PERSIST | bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) }],
  [{ kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(U.VHOST_BACKEND_F_IOTLB_BATCH) }],
);

export const I4: PropertyDef = {
  id: 'I4',
  title: 'mapping persistence follows the contract',
  statement: 'with IOTLB_PERSIST acked mappings survive a vDPA reset; without it, a reset does what that parent did for old userspace',
  source: 'seed 002; drivers/vhost/vdpa.c _compat_vdpa_reset, include/linux/vdpa.h compat_reset (v6.7)',
  profiles: i4ProfileArb(fc.constant('compat-reset')),
  judges: ['kernel.vdpaReset', 'kernel.parent'],
  scope: i4ProfileArb(kernelPolicyArb.map(k => k.vdpaReset)),
  scripts: fc.tuple(i4Setup, vocabularyArb().chain(v => fc.array(vhostOpWith(v), { maxLength: 24, size: 'max' })))
    .map(([a, b]) => [...a, ...b]),
  check: onBothSides(checkPersistence),
};
