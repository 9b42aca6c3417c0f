// I2 no silent IOTLB enable (seeds 000/001): a userspace that never asked for the device IOTLB
// never has it in force: starting the vrings works (crosvm's VHOST_VSOCK_SET_RUNNING got -EFAULT,
// seed 000) and every virtqueue access into guest RAM goes through the memory table.

import fc from 'fast-check';
import { GUEST_RAM_SIZE, NET_TAP_FD } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VmmProfile } from '../types/policy.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { crosvmFixed, crosvmOld, qemuVmm, upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { lawCheck, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';

/** QEMU without a vIOMMU: its known list has no ACCESS_PLATFORM and it sends no IOTLB messages. */
export const qemuNoIommu: VmmProfile = {
  ...qemuVmm,
  knownFeatures: qemuVmm.knownFeatures & ~bit(U.VIRTIO_F_ACCESS_PLATFORM),
  speaksIotlb: false,
};

/** Virtio bits a guest may ack (never a vhost-only bit). */
export const GUEST_BITS = [U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1, U.VIRTIO_RING_F_EVENT_IDX,
  U.VIRTIO_RING_F_INDIRECT_DESC, U.VIRTIO_F_RING_PACKED, U.VIRTIO_VSOCK_F_SEQPACKET, U.VIRTIO_F_IN_ORDER];
export const guestAckedArb = fc.subarray(GUEST_BITS).map(bs => bs.reduce((a, b) => a | bit(b), 0n));

const vmmSetFeaturesArb = guestAckedArb.map((guestFeatures): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures }));

/** Every vring start a VMM issues for vhost-vsock or vhost-net (the other device says -ENOTTY). */
export const VRING_STARTS: readonly Op[] = [
  { kind: 'VSOCK_SET_RUNNING', start: 1 },
  { kind: 'NET_SET_BACKEND', index: 0, fd: NET_TAP_FD },
  { kind: 'NET_SET_BACKEND', index: 1, fd: NET_TAP_FD },
];
export const VRING_STOPS: readonly Op[] = [
  { kind: 'VSOCK_SET_RUNNING', start: 0 },
  { kind: 'NET_SET_BACKEND', index: 0, fd: -1 },
  { kind: 'NET_SET_BACKEND', index: 1, fd: -1 },
];

/** Each op of a list kept with probability 63/64 (unbiased); a kept one shrinks to dropped (0). */
const mostOf = (ops: readonly Op[]): fc.Arbitrary<Op[]> =>
  fc.tuple(...ops.map(() => fc.noBias(fc.integer({ min: 0, max: 63 })))).map(keep => ops.filter((_, i) => keep[i] !== 0));

const vqAccessArb: fc.Arbitrary<Op> = fc.record({
  iova: fc.bigInt({ min: 0n, max: GUEST_RAM_SIZE - 0x1000n }),
  len: fc.integer({ min: 1, max: 0x1000 }),
  access: fc.constantFrom(1, 2, 3),
}).map((a): Op => ({ kind: 'VQ_ACCESS', ...a }));

/** While the device runs: accesses, features read back, a vring stopped and started again. */
const whileRunningArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'GET_FEATURES' }) },
  { weight: 2, arbitrary: fc.constantFrom(...VRING_STARTS, ...VRING_STOPS) },
  { weight: 4, arbitrary: vqAccessArb },
);

/**
 * A VMM's life with its device, one activation per guest reset: program the features, start the
 * vrings (each device's own start; the other's says -ENOTTY), run, stop them. A start that fails
 * is therefore met before the accesses that would fail too, as crosvm met it. Shrinking keeps that
 * story: the activations are generated last-first (fast-check drops leading items first, so those
 * after a failure go before the failing one is touched), and each lists its running part before
 * its starts (emptied before a start is tried for dropping: a failing start stays, the other
 * device's goes).
 */
export const i2ScriptArb: fc.Arbitrary<Op[]> = fc.array(
  fc.tuple(vmmSetFeaturesArb, fc.array(whileRunningArb, { maxLength: 4 }), mostOf(VRING_STARTS), mostOf(VRING_STOPS))
    .map(([features, running, starts, stops]) => [features, ...starts, ...running, ...stops]),
  { maxLength: 3 },
).map(lastFirst => [...lastFirst].reverse().flat());

/** What an I2 profile varies (the rest is upstream); fast-check and explore build profiles from it. */
export interface I2Choice {
  readonly device: Profile['kernel']['device'];
  readonly iotlbEnable: Profile['kernel']['iotlbEnable'];
  readonly vsockAccessPlatform: boolean;
  readonly vmm: VmmProfile;
}

export const i2Profile = (r: I2Choice): Profile => ({
  ...upstreamProfile,
  kernel: { ...upstreamProfile.kernel, device: r.device, iotlbEnable: r.iotlbEnable, vsockAccessPlatform: r.vsockAccessPlatform },
  vmm: r.vmm,
});

export const i2ProfileArb = (vmms: fc.Arbitrary<VmmProfile>): fc.Arbitrary<Profile> =>
  fc.record({
    device: fc.constantFrom<Profile['kernel']['device']>('vhost-vsock', 'vhost-net'),
    iotlbEnable: fc.constantFrom<Profile['kernel']['iotlbEnable']>('access-platform', 'access-platform-after-msg-v2-ack', 'separate-bit'),
    vsockAccessPlatform: fc.boolean(),
    vmm: vmms,
  }).map(i2Profile);

/** Each step on its own: no state. Vacuous for a userspace that speaks the IOTLB protocol. */
export const noSilentIotlbLaw: StepLaw<object> = {
  start: () => ({}),
  vacuous: profile => profile.vmm.speaksIotlb,
  step(_s, op, o) {
    // vhost_vq_init_access fails only through the IOTLB here: without it the rings are the VMM's memory
    if (o.kind === 'vring' && (o.ret === -U.EFAULT || o.miss !== null)) {
      return `${formatOp(op)} -> ${formatObservation(o)}: the vring start failed for a VMM that never asked for the IOTLB`;
    }
    if (op.kind === 'VQ_ACCESS' && o.kind === 'access' && o.outcome !== 'ok' && op.iova + BigInt(op.len) <= GUEST_RAM_SIZE) {
      return `${formatOp(op)} -> ${formatObservation(o)} for a VMM that never asked for the IOTLB`;
    }
    return null;
  },
};

export const I2: PropertyDef = {
  id: 'I2',
  title: 'no silent IOTLB enable',
  statement: 'for a userspace that did not knowingly ask for the device IOTLB, the vring start does not fail and no virtqueue access into guest RAM misses or faults',
  source: 'seeds 000/001 (crosvm on e13a6915a03f); drivers/vhost/vsock.c vhost_vsock_set_features, vhost_vsock_start',
  profiles: i2ProfileArb(fc.constantFrom(crosvmFixed, qemuNoIommu)),
  judges: ['kernel.iotlbEnable', 'kernel.vsockAccessPlatform', 'vmm.features', 'vmm.knownFeatures', 'vmm.speaksIotlb'],
  // every VMM the seeds name, crosvm before its fix included
  scope: i2ProfileArb(fc.constantFrom(crosvmOld, crosvmFixed, qemuNoIommu, qemuVmm)),
  scripts: i2ScriptArb,
  check: onBothSides(lawCheck(noSilentIotlbLaw)),
};
