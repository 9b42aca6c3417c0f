// The VMM's feature ioctls (vmm.featuresIoctls), by hand on the model and the implementation:
// QEMU f412c1f57ab5's array-first flow and its fallback on every kernel, the -ENOTTY-only check an
// old kernel defeats (-ENOBUFS), bits above 63 through the array SET, and -EINVAL when they would
// be lost.

import { describe, expect, it } from 'vitest';
import { createImplStack } from '../impl/stack.ts';
import { createModelStack } from '../model/stack.ts';
import { qemuEnottyFallbackVmm } from '../properties/arbitraries/vhost.ts';
import { qemuExtendedVmm, qemuVmm, upstreamProfile } from '../properties/profiles.ts';
import type { Observation } from '../types/observation.ts';
import type { FeaturesArrayRule, Profile, VhostDevice, VmmProfile } from '../types/profile.ts';
import * as U from '../types/uapi.ts';

const bit = (b: number): bigint => 1n << BigInt(b);
const GUEST = bit(U.VIRTIO_F_VERSION_1) | bit(U.VIRTIO_F_ACCESS_PLATFORM) | bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) | bit(U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO);
const LOW = bit(U.VIRTIO_F_VERSION_1) | bit(U.VIRTIO_F_ACCESS_PLATFORM);

const profile = (vmm: VmmProfile, device: VhostDevice, featuresArray: FeaturesArrayRule): Profile =>
  ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device, featuresArray }, vmm });

/** VMM_SET_FEATURES on both sides; they must agree. */
function vmmSet(p: Profile, guestFeatures = GUEST): Observation {
  const [m, i] = [createModelStack(p), createImplStack(p)].map(s => s.apply({ kind: 'VMM_SET_FEATURES', guestFeatures }));
  expect(i, 'impl = model').toEqual(m);
  return m!;
}

describe('the VMM feature ioctls', () => {
  it('QEMU f412c1f57ab5 sets the UDP tunnel bits through the array ioctl on vhost-net with it', () => {
    for (const fa of ['clear-at-start', 'clear-after-copied'] as const) {
      expect(vmmSet(profile(qemuExtendedVmm, 'vhost-net', fa))).toEqual({ kind: 'vmm', ret: 0, set: GUEST });
    }
  });

  it('falls back to the 64-bit ioctls wherever the array ones are unknown, and sets what the old VMM set', () => {
    for (const [device, fa] of [['vhost-net', 'absent'], ['vhost-vsock', 'clear-after-copied'], ['vhost-vdpa', 'absent']] as const) {
      const o = vmmSet(profile(qemuExtendedVmm, device, fa));
      expect(o).toEqual(vmmSet(profile(qemuVmm, device, fa)));
      expect(o).toMatchObject({ ret: 0 });
      if (o.kind === 'vmm') expect(o.set >> 64n).toBe(0n);
    }
  });

  it('falling back only on -ENOTTY stops at the -ENOBUFS of count 2 read as a vq index', () => {
    for (const device of ['vhost-net', 'vhost-vsock'] as const) {
      expect(vmmSet(profile(qemuEnottyFallbackVmm, device, 'absent'))).toEqual({ kind: 'vmm', ret: -U.ENOBUFS, set: 0n });
    }
    // where the kernel has them, the check never runs
    expect(vmmSet(profile(qemuEnottyFallbackVmm, 'vhost-net', 'clear-after-copied'))).toMatchObject({ ret: 0, set: GUEST });
  });

  it('a 64-bit VMM never sees or sets a bit above 63', () => {
    expect(vmmSet(profile(qemuVmm, 'vhost-net', 'clear-after-copied'))).toEqual({ kind: 'vmm', ret: 0, set: LOW });
  });

  it('the array SET refused with bits above 63 to set: -EINVAL, no silent 64-bit retry (model: a VMM passing unoffered bits)', () => {
    // a proposal's VMM that forwards the guest's bits unmasked: bit 66 is offered by no kernel
    const p: Profile = { ...profile(qemuExtendedVmm, 'vhost-net', 'clear-after-copied'), rules: { vmmFeatures: g => g } };
    const o = createModelStack(p).apply({ kind: 'VMM_SET_FEATURES', guestFeatures: LOW | bit(66) });
    expect(o).toEqual({ kind: 'vmm', ret: -U.EINVAL, set: LOW | bit(66) });
    // without bits above 63 the same refusal is retried with VHOST_SET_FEATURES (which refuses bit 5 too)
    const o2 = createModelStack(p).apply({ kind: 'VMM_SET_FEATURES', guestFeatures: LOW | bit(5) });
    expect(o2).toEqual({ kind: 'vmm', ret: -U.EOPNOTSUPP, set: LOW | bit(5) });
  });
});
