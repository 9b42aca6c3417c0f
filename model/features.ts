// The feature words each kernel device advertises, and what each vDPA parent supports. Values are
// from include/uapi/linux/*.h (types/uapi.ts).

import * as U from '../types/uapi.ts';
import type { KernelPolicy, ParentKind } from '../types/policy.ts';
import { bit, U64_MAX } from '../types/bits.ts';

/** VHOST_FEATURES (drivers/vhost/vhost.h): what every vhost device supports. */
export const VHOST_FEATURES = bit(U.VIRTIO_F_NOTIFY_ON_EMPTY) | bit(U.VIRTIO_RING_F_INDIRECT_DESC) |
  bit(U.VIRTIO_RING_F_EVENT_IDX) | bit(U.VHOST_F_LOG_ALL) | bit(U.VIRTIO_F_ANY_LAYOUT) | bit(U.VIRTIO_F_VERSION_1);

/** VHOST_VSOCK_FEATURES (drivers/vhost/vsock.c); ACCESS_PLATFORM since e13a6915a03f. */
export function vhostVsockFeatures(k: KernelPolicy): bigint {
  const ap = k.vsockAccessPlatform ? bit(U.VIRTIO_F_ACCESS_PLATFORM) : 0n;
  return VHOST_FEATURES | ap | bit(U.VIRTIO_VSOCK_F_SEQPACKET) | iotlbSplitBit(k);
}

/**
 * vhost_net_features (drivers/vhost/net.c): the 64-bit VHOST_NET_FEATURES word, and since
 * 333c515d1896 + bbca931fce26 a second word with the UDP tunnel GSO bits (word 1 = 0xa).
 */
export function vhostNetFeatures(k: KernelPolicy): bigint {
  const word0 = VHOST_FEATURES | bit(U.VHOST_NET_F_VIRTIO_NET_HDR) | bit(U.VIRTIO_NET_F_MRG_RXBUF) |
    bit(U.VIRTIO_F_ACCESS_PLATFORM) | vhostNetLaterBits(k) | iotlbSplitBit(k);
  return k.featuresArray === 'absent' ? word0 : word0 | bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) | bit(U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO);
}

/** The bits vhost-net gained after 6.1 (netFeatures; the lab's 6.1, 6.12 and 7.2 answered each set). */
function vhostNetLaterBits(k: KernelPolicy): bigint {
  switch (k.netFeatures) {
    case 'base': return 0n;
    case 'ring-reset': return bit(U.VIRTIO_F_RING_RESET);
    case 'ring-reset-in-order': return bit(U.VIRTIO_F_RING_RESET) | bit(U.VIRTIO_F_IN_ORDER);
  }
}

/** Under Linus's split the kernel advertises the separate IOTLB bit too. */
function iotlbSplitBit(k: KernelPolicy): bigint {
  return k.iotlbEnable === 'separate-bit' ? bit(U.VHOST_F_IOTLB_SPLIT) : 0n;
}

/** vdpa_sim's VDPASIM_FEATURES plus VIRTIO_NET_F_MAC (drivers/vdpa/vdpa_sim/vdpa_sim_net.c). */
export const VDPA_PARENT_FEATURES = bit(U.VIRTIO_F_ANY_LAYOUT) | bit(U.VIRTIO_F_VERSION_1) |
  bit(U.VIRTIO_F_ACCESS_PLATFORM) | bit(5);

/** What VHOST_GET_FEATURES returns for the opened device. */
export function vhostDeviceFeatures(k: KernelPolicy): bigint {
  switch (k.device) {
    case 'vhost-vsock': return vhostVsockFeatures(k);
    case 'vhost-net': return vhostNetFeatures(k);
    case 'vhost-vdpa': return VDPA_PARENT_FEATURES;
  }
}

/** VHOST_NET_BACKEND_FEATURES / VHOST_VSOCK_BACKEND_FEATURES: IOTLB_MSG_V2 only. */
export const VHOST_GENERIC_BACKEND_FEATURES = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2);

/**
 * What VHOST_SET_BACKEND_FEATURES lets through on vhost-vdpa before v6.7 (v6.6 drivers/vhost/vdpa.c,
 * blob 78379ffd2336, vhost_vdpa_unlocked_ioctl): VHOST_VDPA_BACKEND_FEATURES | SUSPEND | RESUME |
 * ENABLE_AFTER_DRIVER_OK; any other bit is -EOPNOTSUPP.
 */
export const VHOST_VDPA_V6_6_BACKEND_FEATURES = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(U.VHOST_BACKEND_F_IOTLB_BATCH) |
  bit(U.VHOST_BACKEND_F_IOTLB_ASID) | bit(U.VHOST_BACKEND_F_SUSPEND) | bit(U.VHOST_BACKEND_F_RESUME) |
  bit(U.VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK);

/** Since v6.7 also DESC_ASID (7db0d6027e69) and IOTLB_PERSIST (4398776f7a6d). */
export const VHOST_VDPA_V6_7_BACKEND_FEATURES = VHOST_VDPA_V6_6_BACKEND_FEATURES | bit(U.VHOST_BACKEND_F_DESC_ASID) |
  bit(U.VHOST_BACKEND_F_IOTLB_PERSIST);

/**
 * Whether this vhost-vdpa is the one before v6.7: 'plain-reset' is v6.6 and earlier. The v6.7 merge
 * (77fa2fbe87fc) brought DESC_ASID, IOTLB_PERSIST and compat_reset (a26f2e4e68ee, bc91df5c70ac) in
 * together; every other reset rule is that uAPI with a different reset.
 */
export function vdpaBeforeV6_7(k: KernelPolicy): boolean {
  return k.vdpaReset === 'plain-reset';
}

/** The bits VHOST_SET_BACKEND_FEATURES accepts on this kernel's vhost-vdpa. */
export function vdpaAcceptedBackendFeatures(k: KernelPolicy): bigint {
  return vdpaBeforeV6_7(k) ? VHOST_VDPA_V6_6_BACKEND_FEATURES : VHOST_VDPA_V6_7_BACKEND_FEATURES;
}

/** The parent ops each parent kind has (include/linux/vdpa.h struct vdpa_config_ops). */
export interface ParentOps {
  readonly setMap: boolean;
  /** dma_map/dma_unmap: each map and unmap reaches the parent at once (vhost_vdpa_map, vhost_vdpa_general_unmap) */
  readonly dmaMap: boolean;
  readonly resetMap: boolean;
  readonly compatReset: boolean;
  readonly suspend: boolean;
  readonly resume: boolean;
  /** vdpa_config_ops.get_iova_range, inclusive */
  readonly iovaFirst: bigint;
  readonly iovaLast: bigint;
  /** vdpasim_set_driver_features: "DMA mapping must be done by driver" */
  readonly requiresAccessPlatform: boolean;
  /** an on-chip IOMMU that starts (and resets to) a 1:1 passthrough (mlx5_vdpa, vdpa_sim); else no map at all */
  readonly initialIdentity: boolean;
}

export function parentOps(kind: ParentKind): ParentOps {
  switch (kind) {
    // ifcvf/vp_vdpa: vhost-vdpa owns an iommu_domain; the aperture is the IOMMU's (48-bit here)
    case 'platform-iommu':
      return { setMap: false, dmaMap: false, resetMap: false, compatReset: false, suspend: false, resume: false,
        iovaFirst: 0n, iovaLast: (1n << 48n) - 1n, requiresAccessPlatform: false, initialIdentity: false };
    // a compliant on-chip IOMMU parent: .reset keeps maps, .reset_map restores 1:1
    case 'onchip-reset-map':
      return { setMap: true, dmaMap: false, resetMap: true, compatReset: false, suspend: true, resume: true,
        iovaFirst: 0n, iovaLast: U64_MAX, requiresAccessPlatform: false, initialIdentity: true };
    // mlx5_vdpa / vdpa_sim: set_map, reset_map and compat_reset
    case 'vendor-clears':
      return { setMap: true, dmaMap: false, resetMap: true, compatReset: true, suspend: true, resume: true,
        iovaFirst: 0n, iovaLast: U64_MAX, requiresAccessPlatform: true, initialIdentity: true };
    // VDUSE: set_map only; vduse_vdpa_get_iova_range is [0, ULLONG_MAX]; no suspend/resume ops
    case 'vduse':
      return { setMap: true, dmaMap: false, resetMap: false, compatReset: false, suspend: false, resume: false,
        iovaFirst: 0n, iovaLast: U64_MAX, requiresAccessPlatform: false, initialIdentity: false };
    // vdpa_sim with batch_mapping=0 (vdpasim_config_ops): dma_map/dma_unmap, no set_map
    case 'vendor-dma-map':
      return { setMap: false, dmaMap: true, resetMap: true, compatReset: true, suspend: true, resume: true,
        iovaFirst: 0n, iovaLast: U64_MAX, requiresAccessPlatform: true, initialIdentity: true };
  }
}

/** vhost_vdpa_has_persistent_map: (!set_map && !dma_map) || reset_map. */
export function parentHasPersistentMap(p: ParentOps): boolean {
  return (!p.setMap && !p.dmaMap) || p.resetMap;
}

/**
 * VHOST_GET_BACKEND_FEATURES on vhost-vdpa (vhost_vdpa_unlocked_ioctl); IOTLB_PERSIST when the
 * iotlbPersistOffered rule says so (since 4398776f7a6d, v6.7: a parent with a persistent map).
 */
export function vdpaBackendFeatures(p: ParentOps, persistOffered: boolean): bigint {
  let f = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(U.VHOST_BACKEND_F_IOTLB_BATCH) | bit(U.VHOST_BACKEND_F_IOTLB_ASID);
  if (p.suspend) f |= bit(U.VHOST_BACKEND_F_SUSPEND);
  if (p.resume) f |= bit(U.VHOST_BACKEND_F_RESUME);
  if (persistOffered) f |= bit(U.VHOST_BACKEND_F_IOTLB_PERSIST);
  return f;
}
