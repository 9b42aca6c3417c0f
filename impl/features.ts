// Feature words as (hi, lo) uint32 pairs, and the per-device words the kernel advertises
// (the same tables as drivers/vhost/{vhost.h,net.c,vsock.c,vdpa.c}, built without bigint).

import type { KernelPolicy, ParentKind } from '../types/policy.ts';
import * as U from '../types/uapi.ts';

/** A 64-bit feature word. */
export interface Word { readonly hi: number; readonly lo: number }

export function word(...bits: number[]): Word {
  let hi = 0;
  let lo = 0;
  for (const b of bits) {
    if (b < 32) lo = (lo | (1 << b)) >>> 0;
    else hi = (hi | (1 << (b - 32))) >>> 0;
  }
  return { hi, lo };
}

export const or = (a: Word, b: Word): Word => ({ hi: (a.hi | b.hi) >>> 0, lo: (a.lo | b.lo) >>> 0 });
export const and = (a: Word, b: Word): Word => ({ hi: (a.hi & b.hi) >>> 0, lo: (a.lo & b.lo) >>> 0 });

export function testBit(hi: number, lo: number, b: number): boolean {
  return b < 32 ? ((lo >>> b) & 1) === 1 : ((hi >>> (b - 32)) & 1) === 1;
}

/** (hi, lo) has a bit outside `allowed` */
export const outside = (hi: number, lo: number, allowed: Word): boolean =>
  ((hi & ~allowed.hi) | (lo & ~allowed.lo)) !== 0;

const VHOST_FEATURES = word(U.VIRTIO_F_NOTIFY_ON_EMPTY, U.VIRTIO_RING_F_INDIRECT_DESC, U.VIRTIO_RING_F_EVENT_IDX,
  U.VHOST_F_LOG_ALL, U.VIRTIO_F_ANY_LAYOUT, U.VIRTIO_F_VERSION_1);

export const VDPA_PARENT_WORD = word(U.VIRTIO_F_ANY_LAYOUT, U.VIRTIO_F_VERSION_1, U.VIRTIO_F_ACCESS_PLATFORM, 5);

const NET_LATER_WORDS: Readonly<Record<KernelPolicy['netFeatures'], Word>> = {
  'base': word(),
  'ring-reset': word(U.VIRTIO_F_RING_RESET),
  'ring-reset-in-order': word(U.VIRTIO_F_RING_RESET, U.VIRTIO_F_IN_ORDER),
};

export function deviceWord(k: KernelPolicy): Word {
  const split = k.iotlbEnable === 'separate-bit' ? word(U.VHOST_F_IOTLB_SPLIT) : word();
  switch (k.device) {
    case 'vhost-vsock':
      return or(or(VHOST_FEATURES, split),
        word(U.VIRTIO_VSOCK_F_SEQPACKET, ...(k.vsockAccessPlatform ? [U.VIRTIO_F_ACCESS_PLATFORM] : [])));
    case 'vhost-net':
      return or(or(VHOST_FEATURES, split), or(word(U.VHOST_NET_F_VIRTIO_NET_HDR, U.VIRTIO_NET_F_MRG_RXBUF,
        U.VIRTIO_F_ACCESS_PLATFORM), NET_LATER_WORDS[k.netFeatures]));
    case 'vhost-vdpa':
      return VDPA_PARENT_WORD;
  }
}

export const GENERIC_BACKEND_WORD = word(U.VHOST_BACKEND_F_IOTLB_MSG_V2);

/** vhost_net_features[1] since bbca931fce26: UDP tunnel GSO, bits 65 and 67. */
export const NET_WORD1 = word(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO - 64, U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO - 64);
/** vhost-vdpa's SET_BACKEND_FEATURES mask before v6.7 ('plain-reset'), and since (+ DESC_ASID, IOTLB_PERSIST). */
const VDPA_V6_6_BACKEND_WORD = word(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH,
  U.VHOST_BACKEND_F_IOTLB_ASID, U.VHOST_BACKEND_F_SUSPEND, U.VHOST_BACKEND_F_RESUME,
  U.VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK);
const VDPA_V6_7_BACKEND_WORD = or(VDPA_V6_6_BACKEND_WORD, word(U.VHOST_BACKEND_F_DESC_ASID, U.VHOST_BACKEND_F_IOTLB_PERSIST));

const beforeV6_7 = (k: KernelPolicy): boolean => k.vdpaReset === 'plain-reset';

export function vdpaAcceptedBackendWord(k: KernelPolicy): Word {
  return beforeV6_7(k) ? VDPA_V6_6_BACKEND_WORD : VDPA_V6_7_BACKEND_WORD;
}

/**
 * How a map reaches the parent, in vhost_vdpa_map's order: its dma_map op (one by one, batch or
 * not), else its set_map op (the whole table, at the batch's end), else the platform IOMMU.
 */
export type ParentMapOps = 'dma_map' | 'set_map' | 'iommu';

/** Parent capabilities as flags: which vdpa_config_ops it has and its iova range's last page. */
export interface ParentCaps {
  readonly map: ParentMapOps;
  readonly resetMap: boolean;
  readonly compatReset: boolean;
  readonly suspendResume: boolean;
  /** inclusive iova range end (start is 0 for every modelled parent) */
  readonly lastHi: number;
  readonly lastLo: number;
  readonly needsAccessPlatform: boolean;
  /** starts (and resets to) the 1:1 passthrough */
  readonly initialIdentity: boolean;
}

export function parentCaps(kind: ParentKind): ParentCaps {
  switch (kind) {
    case 'platform-iommu':
      return { map: 'iommu', resetMap: false, compatReset: false, suspendResume: false, lastHi: 0xffff, lastLo: 0xffffffff, needsAccessPlatform: false, initialIdentity: false };
    case 'onchip-reset-map':
      return { map: 'set_map', resetMap: true, compatReset: false, suspendResume: true, lastHi: 0xffffffff, lastLo: 0xffffffff, needsAccessPlatform: false, initialIdentity: true };
    case 'vendor-clears':
      return { map: 'set_map', resetMap: true, compatReset: true, suspendResume: true, lastHi: 0xffffffff, lastLo: 0xffffffff, needsAccessPlatform: true, initialIdentity: true };
    case 'vduse':
      return { map: 'set_map', resetMap: false, compatReset: false, suspendResume: false, lastHi: 0xffffffff, lastLo: 0xffffffff, needsAccessPlatform: false, initialIdentity: false };
    case 'vendor-dma-map':
      return { map: 'dma_map', resetMap: true, compatReset: true, suspendResume: true, lastHi: 0xffffffff, lastLo: 0xffffffff, needsAccessPlatform: true, initialIdentity: true };
  }
}

export function vdpaBackendWord(k: KernelPolicy, p: ParentCaps): Word {
  const bits = [U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH, U.VHOST_BACKEND_F_IOTLB_ASID];
  if (p.suspendResume) bits.push(U.VHOST_BACKEND_F_SUSPEND, U.VHOST_BACKEND_F_RESUME);
  if (!beforeV6_7(k) && (p.map === 'iommu' || p.resetMap)) bits.push(U.VHOST_BACKEND_F_IOTLB_PERSIST);
  return word(...bits);
}
