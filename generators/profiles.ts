// Named profiles: today's upstream stack, and the userspaces/kernels the seeds talk about.
// Properties and tests build on these with spread-overrides.

import type { Profile } from '../types/profile.ts';
import type { GuestProfile, KernelPolicy, SmmuProfile, VmmProfile } from '../types/policy.ts';
import { idrFromFields } from '../types/smmuIdr.ts';
import {
  VHOST_F_LOG_ALL, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_F_RING_RESET, VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_VSOCK_F_SEQPACKET, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO,
  VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO,
} from '../types/uapi.ts';
import { bits } from '../types/bits.ts';


/** The IDR fields the merged uapi kdoc lets a VMM read (include/uapi/linux/iommufd.h). */
export const SMMU_BASELINE_FIELDS: readonly string[] = [
  'ST_LEVEL', 'TERM_MODEL', 'STALL_MODEL', 'TTENDIAN', 'CD2L', 'ASID16', 'TTF',
  'SIDSIZE', 'SSIDSIZE', 'BBML', 'RIL', 'VAX', 'GRAN64K', 'GRAN16K', 'GRAN4K',
];

export const upstreamKernel: KernelPolicy = {
  device: 'vhost-vsock',
  parent: 'vendor-clears',
  iotlbEnable: 'access-platform',
  vsockAccessPlatform: true,
  sizeZero: 'reject-update',
  vdpaReset: 'compat-reset',
  maxIotlbEntries: 2048,
  abi: 'lp64',
  accessOk: 'x86-64',
  hwInfo: 'raw',
  kernelIdrFields: SMMU_BASELINE_FIELDS,
  featuresArray: 'clear-after-copied',
  netFeatures: 'ring-reset-in-order',
  iotlbTransitions: 'invalidate-rings',
};

/** QEMU's vhost allowlist (hw/virtio/vhost-user / vhost_net feature_bits), the bits negcheck models. */
export const QEMU_KNOWN_VHOST_FEATURES = bits(
  VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_RING_RESET, VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_VSOCK_F_SEQPACKET, VHOST_F_LOG_ALL,
);

export const qemuVmm: VmmProfile = {
  features: 'allowlist',
  featuresIoctls: '64-bit',
  knownFeatures: QEMU_KNOWN_VHOST_FEATURES,
  speaksIotlb: true,
  userAbi: 'lp64',
  iotlbMsgV2: true,
  idr: 'mask-baseline',
  knownIdrFields: SMMU_BASELINE_FIELDS,
};

/** crosvm before 4e7d00be: intersects, knows nothing of the IOTLB. */
export const crosvmOld: VmmProfile = {
  features: 'intersect',
  featuresIoctls: '64-bit',
  knownFeatures: 0n,
  speaksIotlb: false,
  userAbi: 'lp64',
  iotlbMsgV2: false,
  idr: 'mask-baseline',
  knownIdrFields: SMMU_BASELINE_FIELDS,
};

/** crosvm after 4e7d00be: masks ACCESS_PLATFORM before VHOST_SET_FEATURES. */
export const crosvmFixed: VmmProfile = { ...crosvmOld, features: 'intersect-mask-access-platform' };

/**
 * QEMU with extended features (f412c1f57ab5 and the virtio-net UDP tunnel series): the array
 * ioctls first, and the UDP tunnel GSO bits (65, 67) on its vhost-net allowlist.
 */
export const qemuExtendedVmm: VmmProfile = {
  ...qemuVmm,
  featuresIoctls: 'array-then-64-bit',
  knownFeatures: qemuVmm.knownFeatures | bits(VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO),
};

export const upstreamGuest: GuestProfile = {
  endian: 'le',
  deviceType: 'blk',
  transport: 'modern',
  transitionalConfig: 'native-until-version1-written',
  probeFlow: 'ack-before-access',
  // 82e89ea077b9's validate kept on (upstream reverted it) so the default guest still reads config in validate
  blkValidate: 'blk-size',
  offered: bits(VIRTIO_F_VERSION_1, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_RING_F_EVENT_IDX),
  driverFeatures: bits(VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX),
  deviceRequires: 0n,
  restrictedMemory: false,
  config: { capacity: 0x20_0000n, blkSize: 4096, guestCid: 3n },
  checksFeaturesOk: true,
  // a guest since 69b946151224 on a device with extended features (QEMU 10.1)
  driverFeatureWords: 4,
  deviceFeatureWords: 4,
};

/**
 * An SMMU with the kdoc baseline plus BTM and HTTU (and ATS, VMID16, S2P), which the kernel
 * does not support for nesting ("HTTU, BTM, MPAM and others", iommufd.h). Field values:
 * SMMUv3 IDR0/1/3/5; TTF=2 AArch64, TTENDIAN=2 LE, HTTU=2 access+dirty, OAS=5 48-bit, VAX=1 52-bit.
 */
export const exampleSmmu: SmmuProfile = {
  idr: idrFromFields({
    // IDR0
    S2P: 1, S1P: 1, TTF: 2, COHACC: 1, BTM: 1, HTTU: 2, ATS: 1, ASID16: 1, VMID16: 1, CD2L: 1,
    TTENDIAN: 2, STALL_MODEL: 0, TERM_MODEL: 1, ST_LEVEL: 1,
    // IDR1
    SIDSIZE: 20, SSIDSIZE: 10,
    // IDR3
    RIL: 1, BBML: 1,
    // IDR5
    OAS: 5, GRAN4K: 1, GRAN16K: 1, GRAN64K: 1, VAX: 1,
  }),
};

export const upstreamProfile: Profile = {
  kernel: upstreamKernel,
  vmm: qemuVmm,
  guest: upstreamGuest,
  smmu: exampleSmmu,
};
