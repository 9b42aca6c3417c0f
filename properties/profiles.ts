// Named profiles: today's upstream stack, and the userspaces/kernels the seeds talk about.
// Properties and tests build on these with spread-overrides.

import type { GuestProfile, KernelPolicy, Profile, SmmuProfile, VmmProfile } from '../types/profile.ts';
import {
  VHOST_F_LOG_ALL, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_F_RING_RESET, VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_VSOCK_F_SEQPACKET,
} from '../types/uapi.ts';

export const bit = (n: number): bigint => 1n << BigInt(n);
export const bits = (...ns: number[]): bigint => ns.reduce((a, n) => a | bit(n), 0n);

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
  hwInfo: 'raw',
  kernelIdrFields: SMMU_BASELINE_FIELDS,
};

/** QEMU's vhost allowlist (hw/virtio/vhost-user / vhost_net feature_bits), the bits negcheck models. */
export const QEMU_KNOWN_VHOST_FEATURES = bits(
  VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_RING_RESET, VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_VSOCK_F_SEQPACKET, VHOST_F_LOG_ALL,
);

export const qemuVmm: VmmProfile = {
  features: 'allowlist',
  knownFeatures: QEMU_KNOWN_VHOST_FEATURES,
  speaksIotlb: true,
  idr: 'mask-baseline',
  knownIdrFields: SMMU_BASELINE_FIELDS,
};

/** crosvm before 4e7d00be: intersects, knows nothing of the IOTLB. */
export const crosvmOld: VmmProfile = {
  features: 'intersect',
  knownFeatures: 0n,
  speaksIotlb: false,
  idr: 'mask-baseline',
  knownIdrFields: SMMU_BASELINE_FIELDS,
};

/** crosvm after 4e7d00be: masks ACCESS_PLATFORM before VHOST_SET_FEATURES. */
export const crosvmFixed: VmmProfile = { ...crosvmOld, features: 'intersect-mask-access-platform' };

export const upstreamGuest: GuestProfile = {
  endian: 'le',
  deviceType: 'blk',
  transport: 'modern',
  transitionalConfig: 'native-until-version1-written',
  probeFlow: 'ack-before-access',
  offered: bits(VIRTIO_F_VERSION_1, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_RING_F_EVENT_IDX),
  driverFeatures: bits(VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX),
  deviceRequires: 0n,
  restrictedMemory: false,
  config: { capacity: 0x20_0000n, blkSize: 4096, guestCid: 3n },
  checksFeaturesOk: true,
};

/** An SMMU with the baseline plus BTM and HTTU, which the kernel does not support for nesting. */
export const exampleSmmu: SmmuProfile = {
  // IDR0: ST_LEVEL=1, TERM_MODEL, STALL_MODEL=0, TTENDIAN=2 (LE), CD2L, VMID16, ASID16, ATS,
  // HTTU=2, BTM, COHACC, TTF=2, S1P, S2P
  idr: [0x0c4b_14ff >>> 0, 0x0000_0a94, 0, 0x0000_0c00, 0, 0x0000_0475],
};

export const upstreamProfile: Profile = {
  kernel: upstreamKernel,
  vmm: qemuVmm,
  guest: upstreamGuest,
  smmu: exampleSmmu,
};
