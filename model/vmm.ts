// The VMM's feature plumbing: how it turns guest-acked features into VHOST_SET_FEATURES
// (seeds 000/001: crosvm intersects; QEMU masks to a known list).

import type { VmmProfile } from '../types/profile.ts';
import { VIRTIO_F_ACCESS_PLATFORM } from '../types/uapi.ts';
import { bit } from './features.ts';

/**
 * crosvm (before 4e7d00be): guest ∩ VHOST_GET_FEATURES.
 * crosvm (after): the same with ACCESS_PLATFORM masked.
 * QEMU (vhost_get_features/vhost_ack_features): only bits on its known list pass.
 */
export function vmmVhostFeatures(vmm: VmmProfile, guest: bigint, host: bigint): bigint {
  switch (vmm.features) {
    case 'intersect': return guest & host;
    case 'intersect-mask-access-platform': return guest & host & ~bit(VIRTIO_F_ACCESS_PLATFORM);
    case 'allowlist': return guest & host & vmm.knownFeatures;
  }
}
