// I7 for explore: vhost-net with and without the array ioctls (the merged one, clear_user from
// features[0], when a proposal pins it), vhost-vsock and vhost-vdpa where they are unknown; ops:
// the 64-bit GET, GET_FEATURES_ARRAY at counts 0 to 5 and 2^32 + 2 (narrow: 2 and 3), SET with
// offered bits, with a bit no one offers above 63, with a nonzero word past the kernel's. The
// monitor keeps the words the VMM has learnt. The VMM: one with the 64-bit ioctls only, QEMU with
// the array ones first (f412c1f57ab5), and one that falls back on -ENOTTY only (P0 over this scope
// is where that VMM's -ENOBUFS is reached); VMM_SET_FEATURES with a guest that acks the UDP tunnel GSO bits, and one that acks none above 63;
// the raw 64-bit SET, the backend pair and vhost-vdpa's status (default values and up).

import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { KernelPolicy, VmmProfile } from '../types/policy.ts';
import { VHOST_BACKEND_F_IOTLB_ASID, VHOST_BACKEND_F_IOTLB_MSG_V2, VHOST_BACKEND_F_SUSPEND, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_F_VERSION_1 } from '../types/uapi.ts';
import { qemuEnottyFallbackVmm } from '../generators/vhost.ts';
import { AP, byLevel } from '../generators/values.ts';
import { axis, describeAxes, labelled, lawEntry, makeScope, product, withDefaults, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { featureViewsLaw } from './i7-feature-views.ts';
import { qemuExtendedVmm, qemuVmm, upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';

const FILL = 0x5a5a_5a5a_5a5a_5a5an;
const get = (count: bigint): Op => ({ kind: 'GET_FEATURES_ARRAY', count, fill: FILL });
const set = (count: bigint, words: bigint[]): Op => ({ kind: 'SET_FEATURES_ARRAY', count, words });
const vmmSet = (guestFeatures: bigint): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures });
const GUEST_WORD0 = AP | bit(VIRTIO_F_VERSION_1);
const ASID_V2 = bit(VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(VHOST_BACKEND_F_IOTLB_ASID);
const GUEST_TUNNEL = bit(VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) | bit(VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO);

export function i7Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const axes = {
    device: axis<KernelPolicy['device']>('vhost-net', 'vhost-vsock', 'vhost-vdpa'),
    // as I7's scope: the merged kernel only when a proposal pins it
    featuresArray: axis<KernelPolicy['featuresArray']>('absent', 'clear-after-copied'),
    vmm: labelled<VmmProfile>(v => `QEMU ${v.featuresIoctls}`,
      [qemuVmm, qemuExtendedVmm, qemuEnottyFallbackVmm]),
  };
  const profiles = product(axes).map(({ device, featuresArray, vmm }): Profile =>
    ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device, featuresArray }, vmm }));
  const alphabet = byLevel<Op>(options.values,
    [{ kind: 'GET_FEATURES' }, get(2n), get(3n), set(2n, [AP, 0xan]), set(3n, [0n, 0n, 1n]), vmmSet(GUEST_WORD0 | GUEST_TUNNEL)],
    // 2^32 + 2: a 32-bit kernel's size_t keeps the low half of count - copied (0)
    [get(1n), get(5n), get((1n << 32n) + 2n), set(2n, [0n, 0x4n]), set(0n, []), set(5n, [0n, 0n]), vmmSet(GUEST_WORD0),
      // the raw 64-bit SET with a bit vsock does not offer; the backend view with IOTLB_ASID (vdpa's alone)
      // and with SUSPEND (a vdpa parent's with the op)
      { kind: 'SET_FEATURES', features: GUEST_WORD0 | bit(VIRTIO_NET_F_MRG_RXBUF) }, { kind: 'GET_BACKEND_FEATURES' },
      { kind: 'SET_BACKEND_FEATURES', features: ASID_V2 }, { kind: 'SET_BACKEND_FEATURES', features: bit(VHOST_BACKEND_F_SUSPEND) },
      // vhost-vdpa's device status with FEATURES_OK, and the look at it that tells the law
      // (and one that would clear FEATURES_OK without a reset)
      { kind: 'VDPA_SET_STATUS', status: 0xb }, { kind: 'VDPA_GET_STATUS' }, { kind: 'SET_FEATURES', features: GUEST_WORD0 }, { kind: 'VDPA_SET_STATUS', status: 0x3 }],
    [get(0n), get(4n), get((1n << 61n) + 2n), set(1n, [AP, 0xan])],
  );
  return makeScope({ property: 'I7', options, profiles, alphabet, profileLines: [`${describeAxes(axes)} (upstreamProfile otherwise)`] });
}

export const I7_EXPLORE = lawEntry('I7', i7Scope, featureViewsLaw);
