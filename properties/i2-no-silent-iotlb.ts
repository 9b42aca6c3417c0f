// I2 no silent IOTLB enable (seeds 000/001): a userspace that never asked for the device IOTLB
// never has it in force: every virtqueue access into guest RAM goes through the memory table.

import fc from 'fast-check';
import { GUEST_RAM_SIZE } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
import type { Profile, VmmProfile } from '../types/profile.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { bit, crosvmFixed, crosvmOld, qemuVmm, upstreamProfile } from './profiles.ts';
import { onBothSides, type PropertyDef, type Violation } from './property.ts';
import type { Stack } from '../types/stack.ts';

/** QEMU without a vIOMMU: its known list has no ACCESS_PLATFORM and it sends no IOTLB messages. */
export const qemuNoIommu: VmmProfile = {
  ...qemuVmm,
  knownFeatures: qemuVmm.knownFeatures & ~bit(U.VIRTIO_F_ACCESS_PLATFORM),
  speaksIotlb: false,
};

/** Virtio bits a guest may ack (never a vhost-only bit). */
const GUEST_BITS = [U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1, U.VIRTIO_RING_F_EVENT_IDX,
  U.VIRTIO_RING_F_INDIRECT_DESC, U.VIRTIO_F_RING_PACKED, U.VIRTIO_VSOCK_F_SEQPACKET, U.VIRTIO_F_IN_ORDER];
export const guestAckedArb = fc.subarray(GUEST_BITS).map(bs => bs.reduce((a, b) => a | bit(b), 0n));

/** What a VMM that does not speak the IOTLB protocol does with its vhost fd. */
export const nonIotlbOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: guestAckedArb.map((guestFeatures): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'GET_FEATURES' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      iova: fc.bigInt({ min: 0n, max: GUEST_RAM_SIZE - 0x1000n }),
      len: fc.integer({ min: 1, max: 0x1000 }),
      access: fc.constantFrom(1, 2, 3),
    }).map((a): Op => ({ kind: 'VQ_ACCESS', ...a })),
  },
);

export const i2ProfileArb = (vmms: fc.Arbitrary<VmmProfile>): fc.Arbitrary<Profile> =>
  fc.record({
    device: fc.constantFrom<Profile['kernel']['device']>('vhost-vsock', 'vhost-net'),
    iotlbEnable: fc.constantFrom<Profile['kernel']['iotlbEnable']>('access-platform', 'access-platform-after-msg-v2-ack', 'separate-bit'),
    vsockAccessPlatform: fc.boolean(),
    vmm: vmms,
  }).map(r => ({
    ...upstreamProfile,
    kernel: { ...upstreamProfile.kernel, device: r.device, iotlbEnable: r.iotlbEnable, vsockAccessPlatform: r.vsockAccessPlatform },
    vmm: r.vmm,
  }));

export function checkNoSilentIotlb(stack: Stack, profile: Profile, ops: readonly Op[]): Violation | null {
  if (profile.vmm.speaksIotlb) return null;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const o = stack.apply(op);
    if (op.kind === 'VQ_ACCESS' && o.kind === 'access' && o.outcome !== 'ok' && op.iova + BigInt(op.len) <= GUEST_RAM_SIZE) {
      return { step: i, message: `${formatOp(op)} -> ${formatObservation(o)} for a VMM that never asked for the IOTLB` };
    }
  }
  return null;
}

export const I2: PropertyDef = {
  id: 'I2',
  title: 'no silent IOTLB enable',
  statement: 'for a userspace that did not knowingly ask for the device IOTLB, no virtqueue access into guest RAM misses or faults',
  source: 'seeds 000/001 (crosvm on e13a6915a03f); drivers/vhost/vsock.c vhost_vsock_set_features',
  profiles: i2ProfileArb(fc.constantFrom(crosvmFixed, qemuNoIommu)),
  judges: ['kernel.iotlbEnable', 'kernel.vsockAccessPlatform', 'vmm.features', 'vmm.knownFeatures', 'vmm.speaksIotlb'],
  // every VMM the seeds name, crosvm before its fix included
  scope: i2ProfileArb(fc.constantFrom(crosvmOld, crosvmFixed, qemuNoIommu, qemuVmm)),
  scripts: fc.array(nonIotlbOpArb, { maxLength: 12 }),
  check: onBothSides(checkNoSilentIotlb),
};
