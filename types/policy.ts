// Every party's policy: the kernel, the VMM, the guest and the hardware, and the value each policy
// field can take. Each set of values is one `as const` array the type is derived from, so the
// generators draw from the same list (generators/vhost.ts KERNEL_VALUES and the like) and a new
// value is in both at once. A profile (types/profile.ts) is one policy of each party.

import type { Abi } from './uapi.ts';

/** The vhost character device userspace opened. */
export const VHOST_DEVICES = ['vhost-net', 'vhost-vsock', 'vhost-vdpa'] as const;
export type VhostDevice = (typeof VHOST_DEVICES)[number];

/**
 * What a vDPA parent does with its DMA translation (seed 002, Si-Wei Liu's three cases):
 * - `platform-iommu`: no set_map/dma_map; vhost-vdpa programs the platform IOMMU; reset never
 *   touches mappings (ifcvf, vp_vdpa, octeon).
 * - `onchip-reset-map`: set_map + reset_map, a compliant on-chip IOMMU whose initial state is a
 *   1:1 passthrough; .reset keeps the maps.
 * - `vendor-clears`: set_map + reset_map + compat_reset; the historical .reset dropped the maps
 *   back to the 1:1 passthrough (mlx5_vdpa, vdpa_sim).
 * - `vduse`: set_map and no reset_map (drivers/vdpa/vdpa_user/vduse_dev.c vduse_vdpa_config_ops):
 *   no 1:1 passthrough to start from, .reset (vduse_dev_reset) resets only the bounce map and keeps
 *   the set_map maps, and vhost_vdpa_has_persistent_map is false, so IOTLB_PERSIST is not offered.
 * - `vendor-dma-map`: vdpa_sim loaded with batch_mapping=0 (vdpasim_config_ops): dma_map/dma_unmap
 *   instead of set_map, so each UPDATE reaches the parent at once, batch or not, and each shadow map
 *   an INVALIDATE removes is one dma_unmap; the first dma_map/dma_unmap drops the 1:1 passthrough
 *   (iommu_pt); reset_map and compat_reset as `vendor-clears`.
 */
export const PARENT_KINDS = ['platform-iommu', 'onchip-reset-map', 'vendor-clears', 'vduse', 'vendor-dma-map'] as const;
export type ParentKind = (typeof PARENT_KINDS)[number];

/** What turns the device IOTLB on in vhost-net/vsock `*_set_features`. */
export const IOTLB_ENABLE_RULES = [
  /** upstream since the device IOTLB exists: ACCESS_PLATFORM acked ⇒ vhost_init_device_iotlb */
  'access-platform',
  /** discussed and rejected in seed 000/001: only if userspace acked IOTLB_MSG_V2 first */
  'access-platform-after-msg-v2-ack',
  /** Linus's split (seed 000): a separate vhost-only bit turns the IOTLB on */
  'separate-bit',
] as const;
export type IotlbEnableRule = (typeof IOTLB_ENABLE_RULES)[number];

/** Which size-0 IOTLB messages `vhost_chr_write_iter` rejects with -EINVAL. */
export const SIZE_ZERO_RULES = [
  /** before e2ae38cf3d91: no check; UPDATE iova 0 size 0 maps [0, U64_MAX] (the syzbot report) */
  'accept-all',
  /** e2ae38cf3d91 (v5.17): every message type */
  'reject-all',
  /** 95932ab2ea07: UPDATE and INVALIDATE (batch hints carry no size) */
  'reject-update-invalidate',
  /** ca50ec377c2e (v6.6): UPDATE only; INVALIDATE iova 0 size 0 is the whole space */
  'reject-update',
] as const;
export type SizeZeroRule = (typeof SIZE_ZERO_RULES)[number];

/** What vhost-vdpa does to the parent's mappings on reset (SET_STATUS 0). */
export const VDPA_RESET_RULES = [
  /** v6.7 merged: vdpa_reset(flags = IOTLB_PERSIST acked ? 0 : VDPA_RESET_F_CLEAN_MAP);
   *  only parents with .compat_reset honour CLEAN_MAP */
  'compat-reset',
  /** before v6.7 (v6.6 drivers/vhost/vdpa.c): plain .reset, whatever the parent does with it;
   *  no VHOST_BACKEND_F_IOTLB_PERSIST, which 4398776f7a6d (v6.7) introduced */
  'plain-reset',
  /** rejected (seed 002): IOTLB_PERSIST offered and accepted as in 4398776f7a6d, but no
   *  compat_reset: the plain .reset of v6.6, so mlx5_vdpa/vdpa_sim still drop the maps */
  'persist-bit-without-compat-reset',
  /** Jason's first pseudo-code: reset(); if (!IOTLB_PERSIST && reset_map) reset_map() */
  'reset-then-reset-map',
  /** mappings always survive reset (the first version of the series; also a module
   *  parameter once an admin sets it: host-wide, so every userspace gets it) */
  'unconditional-persist',
  /** a `buggy_virtio_reset_map` parent op, implemented by mlx5_vdpa/vdpa_sim and called on
   *  reset unless IOTLB_PERSIST is acked; .reset itself keeps the maps */
  'buggy-reset-map-op',
  /** the parent advertises persistent maps; it clears them on reset unless IOTLB_PERSIST is acked */
  'parent-negotiation',
  /** .reset(clean_map) on every parent, clean_map = !IOTLB_PERSIST; only mlx5_vdpa/vdpa_sim clear */
  'reset-clean-map-flag',
] as const;
export type VdpaResetRule = (typeof VDPA_RESET_RULES)[number];

/**
 * access_ok() of the kernel's architecture, which umem_access_ok applies to an UPDATE's user
 * range (an architecture fact, not a version): see model/uaccess.ts.
 */
export const ACCESS_OK_RULES = [
  /** x86-64 with 4-level paging: the range must end at or below 2^47 - 4096 */
  'x86-64',
  /** s390: user space is a separate address space, access_ok is always true */
  'alternate-address-space',
  /** x86-32 with the 3G/1G split: the range must end at or below 0xC0000000 */
  'x86-32',
] as const;
export type AccessOkRule = (typeof ACCESS_OK_RULES)[number];

/**
 * vhost-net's extended feature negotiation (feature bits above 63):
 * - `absent`: before 333c515d1896 (v6.17 merge window), no VHOST_GET/SET_FEATURES_ARRAY: they are
 *   unknown ioctls, and vhost-net offers 64 bits;
 * - `clear-at-start`: 333c515d1896 + bbca931fce26 as merged (two u64 words; bits 65 and 67, UDP
 *   tunnel GSO, offered): GET's clear_user of the words past the kernel's starts at features[0],
 *   wiping the words it has just copied;
 * - `clear-after-copied`: with "vhost/net: fix clear_user start address in VHOST_GET_FEATURES_ARRAY".
 */
export const FEATURES_ARRAY_RULES = ['absent', 'clear-at-start', 'clear-after-copied'] as const;
export type FeaturesArrayRule = (typeof FEATURES_ARRAY_RULES)[number];

/**
 * What an IOTLB coming on or going off does to the rings (vhost_net_set_features,
 * vhost_vsock_set_features, vhost_init_device_iotlb):
 * - `keep-rings`: 6.1.176: the ring addresses the VMM set stay in force, and features acked without
 *   the enabling bit leave the IOTLB on;
 * - `invalidate-rings`: 6.12.117 and 7.2.13 ("vhost: invalidate vring access on IOTLB transitions",
 *   CVE-2026-97988, in 6.12.114 and 7.2.7): the first IOTLB makes every vq forget its desc/avail/used
 *   addresses (vhost_vq_invalidate_access: NULL, so a start touches address 0), and features acked
 *   without the bit turn it off (vhost_clear_device_iotlb: the maps, the read and pending lists and
 *   the ring addresses go). The lab's 6.12 and 7.2 answered so (docs/lab.md).
 */
export const IOTLB_TRANSITION_RULES = ['keep-rings', 'invalidate-rings'] as const;
export type IotlbTransitionRule = (typeof IOTLB_TRANSITION_RULES)[number];

/**
 * What vhost-net offers beyond VHOST_FEATURES, MRG_RXBUF and ACCESS_PLATFORM (drivers/vhost/net.c
 * VHOST_NET_FEATURES, later vhost_net_bits[]), as the lab's kernels answered VHOST_GET_FEATURES:
 * - `base`: 6.1.176 net.c:73-77, 0x33d008000;
 * - `ring-reset`: + VIRTIO_F_RING_RESET (6.12.117 net.c:77), 0x1033d008000;
 * - `ring-reset-in-order`: + VIRTIO_F_IN_ORDER (7.2.13 net.c:78), 0x10b3d008000.
 */
export const NET_FEATURE_SETS = ['base', 'ring-reset', 'ring-reset-in-order'] as const;
export type NetFeatureSet = (typeof NET_FEATURE_SETS)[number];

/** arm-smmu-v3 IOMMU_GET_HW_INFO: the raw registers (merged), or sanitised to what the kernel supports (seed 003) */
export const HW_INFO_POLICIES = ['raw', 'sanitise'] as const;
export type HwInfoPolicy = (typeof HW_INFO_POLICIES)[number];

export interface KernelPolicy {
  readonly device: VhostDevice;
  readonly parent: ParentKind;
  readonly iotlbEnable: IotlbEnableRule;
  /** vhost-vsock advertises ACCESS_PLATFORM since e13a6915a03f (v5.11) */
  readonly vsockAccessPlatform: boolean;
  readonly sizeZero: SizeZeroRule;
  readonly vdpaReset: VdpaResetRule;
  /** max_iotlb_entries module parameter (default 2048); FIFO retirement at the limit */
  readonly maxIotlbEntries: number;
  /** the kernel's own ABI: where it looks for the v1 message body, and the width of its unsigned long */
  readonly abi: Abi;
  /** the architecture's access_ok() for the user range of an UPDATE */
  readonly accessOk: AccessOkRule;
  /** arm-smmu-v3 IOMMU_GET_HW_INFO: raw registers (merged) or sanitised to kernel support */
  readonly hwInfo: HwInfoPolicy;
  /** fields the kernel supports for nesting besides S1P/COHACC (a sanitising kernel reports those too) */
  readonly kernelIdrFields: readonly string[];
  /** vhost-net's VHOST_GET/SET_FEATURES_ARRAY (absent before 333c515d1896) */
  readonly featuresArray: FeaturesArrayRule;
  /** what vhost-net offers besides the bits every version has */
  readonly netFeatures: NetFeatureSet;
  /** what the IOTLB coming on or going off does to the rings */
  readonly iotlbTransitions: IotlbTransitionRule;
}

/** How a VMM turns guest-acked features into VHOST_SET_FEATURES (seeds 000/001). */
export const VMM_FEATURE_POLICIES = [
  /** crosvm before 4e7d00be: guest ∩ VHOST_GET_FEATURES */
  'intersect',
  /** crosvm after 4e7d00be: guest ∩ host, ACCESS_PLATFORM masked */
  'intersect-mask-access-platform',
  /** QEMU: host &= known list; SET_FEATURES(host & guest) */
  'allowlist',
] as const;
export type VmmFeaturePolicy = (typeof VMM_FEATURE_POLICIES)[number];

/**
 * Which vhost feature ioctls a VMM issues for VMM_SET_FEATURES:
 * - `64-bit`: VHOST_GET/SET_FEATURES only, a u64 end to end (QEMU before f412c1f57ab5, crosvm);
 * - `array-then-64-bit`: QEMU f412c1f57ab5 ("vhost-backend: implement extended features support",
 *   hw/virtio/vhost-backend.c): VHOST_GET_FEATURES_ARRAY with count 2 first, VHOST_GET_FEATURES on
 *   any error; VHOST_SET_FEATURES_ARRAY first, then, if no bit above 63 is to be set,
 *   VHOST_SET_FEATURES (else -EINVAL, "Trying to set extended features without kernel support");
 * - `array-then-64-bit-on-enotty`: the check QEMU's comment rules out ("Can't check for ENOTTY, as
 *   the kernel for unknown ioctls interprets the argument as a virtio queue id"): fall back only
 *   when the array ioctl says -ENOTTY.
 */
export const VMM_FEATURES_IOCTLS = ['64-bit', 'array-then-64-bit', 'array-then-64-bit-on-enotty'] as const;
export type VmmFeaturesIoctls = (typeof VMM_FEATURES_IOCTLS)[number];

/** How a VMM fills its guest's vSMMU IDR from IOMMU_GET_HW_INFO (seed 003). */
export const VMM_IDR_POLICIES = ['mask-baseline', 'forward-raw'] as const;
export type VmmIdrPolicy = (typeof VMM_IDR_POLICIES)[number];

export interface VmmProfile {
  readonly features: VmmFeaturePolicy;
  /** the feature ioctls it knows (the array ones since QEMU f412c1f57ab5) */
  readonly featuresIoctls: VmmFeaturesIoctls;
  /** QEMU's known vhost feature list (allowlist policy only); bits above 63 for a VMM with the array ioctls */
  readonly knownFeatures: bigint;
  /** whether this VMM sends IOTLB updates and answers MISS messages */
  readonly speaksIotlb: boolean;
  /** the ABI the VMM binary was built for: where it puts a v1 message's body (seed 002: v1 is
   *  "in-stable ABI in 32bit archs") */
  readonly userAbi: Abi;
  /** writes IOTLB messages as struct vhost_msg_v2 (one layout on every ABI), else v1 */
  readonly iotlbMsgV2: boolean;
  /** how it fills the guest's vSMMU IDR from IOMMU_GET_HW_INFO (seed 003) */
  readonly idr: VmmIdrPolicy;
  /** IDR fields this VMM knows how to support (its baseline) */
  readonly knownIdrFields: readonly string[];
}

/** Probe flow of the guest's virtio core (drivers/virtio/virtio.c, seed 004). */
export const PROBE_FLOWS = [
  /** mst, Jan 2022 (upstream today): write all features before validate, again if it changed them */
  'ack-before-access',
  /** 2f9a174f918e: BE guests write VERSION_1 alone before validate */
  'write-version1-first',
  /** 404123c2db79 + 82e89ea077b9 (v5.15-rc): validate() reads config before any feature write */
  'validate-before-write',
  /** Halil Pasic's RFC (seed 004): finalize_features before validate when VERSION_1 is offered,
   *  then validate and finalize again (finalize runs twice) */
  'finalize-before-validate',
] as const;
export type ProbeFlow = (typeof PROBE_FLOWS)[number];

/** Whether virtio-blk has a validate() that reads blk_size (seed 004). */
export const BLK_VALIDATE_POLICIES = [
  /** 82e89ea077b9 (v5.15-rc): virtblk_validate reads blk_size and clears BLK_SIZE if out of range */
  'blk-size',
  /** the band-aid floated in the thread: the check compiled out on s390 (the big-endian guest) */
  'blk-size-not-on-be',
  /** ff63198850f3: the validation reverted, virtio-blk has no validate() */
  'none',
] as const;
export type BlkValidatePolicy = (typeof BLK_VALIDATE_POLICIES)[number];

/** How a transitional device decides config endianness before FEATURES_OK. */
export const TRANSITIONAL_CONFIGS = [
  /** QEMU <= 6.1: legacy (guest-native) until the driver has written VERSION_1 */
  'native-until-version1-written',
  /** modern as soon as VERSION_1 is offered */
  'le-if-offered',
] as const;
export type TransitionalConfig = (typeof TRANSITIONAL_CONFIGS)[number];

export const GUEST_DEVICE_TYPES = ['blk', 'vsock'] as const;
export type GuestDeviceType = (typeof GUEST_DEVICE_TYPES)[number];

export const ENDIANS = ['le', 'be'] as const;
export type Endian = (typeof ENDIANS)[number];

/** The guest's virtio transport generation. */
export const TRANSPORTS = ['modern', 'transitional', 'legacy'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface GuestProfile {
  readonly endian: Endian;
  readonly deviceType: GuestDeviceType;
  readonly transport: Transport;
  readonly transitionalConfig: TransitionalConfig;
  readonly probeFlow: ProbeFlow;
  readonly blkValidate: BlkValidatePolicy;
  /** device features offered (VERSION_1 is forced on for modern, off for legacy) */
  readonly offered: bigint;
  /** the driver's feature_table */
  readonly driverFeatures: bigint;
  /** features the device requires before it accepts FEATURES_OK (spec 2.2.2: it MAY refuse) */
  readonly deviceRequires: bigint;
  /** restricted memory access (pKVM, SEV): the core requires ACCESS_PLATFORM */
  readonly restrictedMemory: boolean;
  /** the device-specific config values the device means (blk: capacity, blk_size; vsock: guest_cid) */
  readonly config: GuestConfig;
  /** whether the driver honours a failed FEATURES_OK re-read (always, upstream) */
  readonly checksFeaturesOk: boolean;
  /**
   * u32 feature select words the guest's transport reads and writes: 4 for virtio_pci_modern since
   * 69b946151224 (vp_modern_get_extended_features, select 0 to 3), 2 before it and for transports
   * without get_extended_features (virtio_get_features zeroes the words above 63, e7d4c1c5a546)
   */
  readonly driverFeatureWords: FeatureWords;
  /**
   * u32 feature select words the device presents and stores: 4 for a device with extended features
   * (QEMU 10.1's virtio-pci), 2 for one that reads 0 for device_feature_select > 1 and ignores
   * driver_feature writes there (QEMU's virtio_pci_common_read/write before it)
   */
  readonly deviceFeatureWords: FeatureWords;
}

/** Feature select words of 32 bits each: 64 or 128 feature bits (VIRTIO_FEATURES_BITS). */
export const FEATURE_WORDS = [2, 4] as const;
export type FeatureWords = (typeof FEATURE_WORDS)[number];

export interface GuestConfig {
  readonly capacity: bigint;
  readonly blkSize: number;
  readonly guestCid: bigint;
}

export interface SmmuProfile {
  /** raw IDR0..IDR5 of the hardware */
  readonly idr: readonly number[];
}

/** One policy field of a profile, named `party.field` (what a proposal can change). */
export type PolicyField =
  | `kernel.${keyof KernelPolicy & string}`
  | `vmm.${keyof VmmProfile & string}`
  | `guest.${keyof GuestProfile & string}`;
