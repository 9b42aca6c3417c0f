// The kernel/virtio ABI numbers both the model and the implementation speak.
// These are interface, not behaviour: bit numbers, message types, status bits,
// errno values and struct layouts, each as its header defines it.

// --- errno (include/uapi/asm-generic/errno-base.h, errno.h) -------------------
export const EPERM = 1;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOTTY = 25;
export const EAGAIN = 11;
export const ENODEV = 19;
export const ENOMEM = 12;
export const ENOBUFS = 105;
export const EOPNOTSUPP = 95;
export const EBADFD = 77;
export const ENOTSOCK = 88;

export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  [EPERM]: 'EPERM', [EFAULT]: 'EFAULT', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL', [ENOTTY]: 'ENOTTY', [EAGAIN]: 'EAGAIN', [ENODEV]: 'ENODEV',
  [ENOMEM]: 'ENOMEM', [ENOBUFS]: 'ENOBUFS', [EOPNOTSUPP]: 'EOPNOTSUPP', [EBADFD]: 'EBADFD',
  [ENOTSOCK]: 'ENOTSOCK',
};

// --- virtio reserved feature bits (include/uapi/linux/virtio_config.h, virtio spec 1.3 §6) ---
export const VIRTIO_F_NOTIFY_ON_EMPTY = 24;
export const VIRTIO_F_ANY_LAYOUT = 27;
export const VIRTIO_RING_F_INDIRECT_DESC = 28;
export const VIRTIO_RING_F_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_F_ACCESS_PLATFORM = 33;
export const VIRTIO_F_RING_PACKED = 34;
export const VIRTIO_F_IN_ORDER = 35;
export const VIRTIO_F_ORDER_PLATFORM = 36;
export const VIRTIO_F_SR_IOV = 37;
export const VIRTIO_F_NOTIFICATION_DATA = 38;
export const VIRTIO_F_NOTIF_CONFIG_DATA = 39;
export const VIRTIO_F_RING_RESET = 40;
export const VIRTIO_F_ADMIN_VQ = 41;

// --- device-specific bits used by the seeds -----------------------------------
/** include/uapi/linux/virtio_blk.h: "Block size of disk is available" */
export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
/** include/uapi/linux/virtio_net.h */
export const VIRTIO_NET_F_MRG_RXBUF = 15;
/** include/uapi/linux/virtio_net.h (3b17aa13015c): UDP tunnel GSO, the first virtio-net bits above 63 */
export const VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO = 65;
export const VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM = 66;
export const VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO = 67;
export const VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM = 68;
/** include/uapi/linux/virtio_vsock.h */
export const VIRTIO_VSOCK_F_SEQPACKET = 1;

// --- vhost feature bits (include/uapi/linux/vhost_types.h) ---------------------
export const VHOST_F_LOG_ALL = 26;
export const VHOST_NET_F_VIRTIO_NET_HDR = 27;

// --- vhost backend feature bits: bit numbers, used as 1ULL << n (vhost_types.h) ---
export const VHOST_BACKEND_F_IOTLB_MSG_V2 = 0x1;
export const VHOST_BACKEND_F_IOTLB_BATCH = 0x2;
export const VHOST_BACKEND_F_IOTLB_ASID = 0x3;
export const VHOST_BACKEND_F_SUSPEND = 0x4;
export const VHOST_BACKEND_F_RESUME = 0x5;
export const VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK = 0x6;
export const VHOST_BACKEND_F_DESC_ASID = 0x7;
export const VHOST_BACKEND_F_IOTLB_PERSIST = 0x8;

// --- vhost IOTLB messages (vhost_types.h) ---------------------------------------
export const VHOST_IOTLB_MSG = 0x1;
export const VHOST_IOTLB_MSG_V2 = 0x2;

export const VHOST_IOTLB_MISS = 1;
export const VHOST_IOTLB_UPDATE = 2;
export const VHOST_IOTLB_INVALIDATE = 3;
export const VHOST_IOTLB_ACCESS_FAIL = 4;
export const VHOST_IOTLB_BATCH_BEGIN = 5;
export const VHOST_IOTLB_BATCH_END = 6;

export const IOTLB_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'MISS', 2: 'UPDATE', 3: 'INVALIDATE', 4: 'ACCESS_FAIL', 5: 'BATCH_BEGIN', 6: 'BATCH_END',
};

export const VHOST_ACCESS_RO = 0x1;
export const VHOST_ACCESS_WO = 0x2;
export const VHOST_ACCESS_RW = 0x3;

// --- the vqs of vhost-net and vhost-vsock (kernel constants userspace meets as -ENOBUFS) ---
/** drivers/vhost/net.c: VHOST_NET_VQ_RX 0, VHOST_NET_VQ_TX 1, VHOST_NET_VQ_MAX 2 */
export const VHOST_NET_VQ_MAX = 2;
/** drivers/vhost/vsock.c: struct vhost_vsock { ... struct vhost_virtqueue vqs[2]; } (VSOCK_VQ_RX 0, VSOCK_VQ_TX 1) */
export const VHOST_VSOCK_NVQS = 2;

/**
 * Byte layout of `struct vhost_msg` / `struct vhost_msg_v2` per ABI.
 * `struct vhost_iotlb_msg` is iova@0 size@8 uaddr@16 perm@24 type@25; its sizeof is 32
 * where u64 is 8-aligned (LP64) and 28 on i386 (u64 4-aligned inside structs).
 * v1 `struct vhost_msg { int type; union { iotlb; u8 padding[64]; } }` puts the union at 8
 * on LP64 (a 4-byte hole) and at 4 on i386: the unstable ABI that v2 fixed. v2 puts
 * `u32 asid` in that slot, so the union is at 8 everywhere.
 */
export const ABIS = ['lp64', 'i386'] as const;
export type Abi = (typeof ABIS)[number];
export interface MsgLayout {
  /** offset of the vhost_iotlb_msg inside the v1 message */
  v1IotlbOffset: number;
  /** sizeof(struct vhost_iotlb_msg) */
  iotlbMsgSize: number;
  /** sizeof(struct vhost_msg) */
  v1Size: number;
  /** sizeof(struct vhost_msg_v2) */
  v2Size: number;
}
export const MSG_LAYOUT: Readonly<Record<Abi, MsgLayout>> = {
  lp64: { v1IotlbOffset: 8, iotlbMsgSize: 32, v1Size: 72, v2Size: 72 },
  i386: { v1IotlbOffset: 4, iotlbMsgSize: 28, v1Size: 68, v2Size: 72 },
};
export const V2_IOTLB_OFFSET = 8;

// --- virtio device status (include/uapi/linux/virtio_config.h, spec 1.3 §2.1) ---
export const VIRTIO_CONFIG_S_ACKNOWLEDGE = 1;
export const VIRTIO_CONFIG_S_DRIVER = 2;
export const VIRTIO_CONFIG_S_DRIVER_OK = 4;
export const VIRTIO_CONFIG_S_FEATURES_OK = 8;
export const VIRTIO_CONFIG_S_NEEDS_RESET = 0x40;
export const VIRTIO_CONFIG_S_FAILED = 0x80;

// --- arm-smmu-v3 ID registers (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h) ----
/** A named field of an SMMU IDR word: word index, low bit, width. */
export interface IdrField { readonly name: string; readonly word: number; readonly shift: number; readonly width: number }
export const SMMU_IDR_FIELDS: readonly IdrField[] = [
  // IDR0 (ARM_SMMU_IDR0)
  { name: 'S2P', word: 0, shift: 0, width: 1 },
  { name: 'S1P', word: 0, shift: 1, width: 1 },
  { name: 'TTF', word: 0, shift: 2, width: 2 },
  { name: 'COHACC', word: 0, shift: 4, width: 1 },
  { name: 'BTM', word: 0, shift: 5, width: 1 },
  { name: 'HTTU', word: 0, shift: 6, width: 2 },
  { name: 'DORMHINT', word: 0, shift: 8, width: 1 },
  { name: 'HYP', word: 0, shift: 9, width: 1 },
  { name: 'ATS', word: 0, shift: 10, width: 1 },
  { name: 'ASID16', word: 0, shift: 12, width: 1 },
  { name: 'MSI', word: 0, shift: 13, width: 1 },
  { name: 'SEV', word: 0, shift: 14, width: 1 },
  { name: 'ATOS', word: 0, shift: 15, width: 1 },
  { name: 'PRI', word: 0, shift: 16, width: 1 },
  { name: 'VMID16', word: 0, shift: 18, width: 1 },
  { name: 'CD2L', word: 0, shift: 19, width: 1 },
  { name: 'VATOS', word: 0, shift: 20, width: 1 },
  { name: 'TTENDIAN', word: 0, shift: 21, width: 2 },
  { name: 'STALL_MODEL', word: 0, shift: 24, width: 2 },
  { name: 'TERM_MODEL', word: 0, shift: 26, width: 1 },
  { name: 'ST_LEVEL', word: 0, shift: 27, width: 2 },
  // IDR1
  { name: 'SIDSIZE', word: 1, shift: 0, width: 6 },
  { name: 'SSIDSIZE', word: 1, shift: 6, width: 5 },
  { name: 'PRIQS', word: 1, shift: 11, width: 5 },
  { name: 'EVTQS', word: 1, shift: 16, width: 5 },
  { name: 'CMDQS', word: 1, shift: 21, width: 5 },
  { name: 'ATTR_PERMS_OVR', word: 1, shift: 26, width: 1 },
  { name: 'ATTR_TYPES_OVR', word: 1, shift: 27, width: 1 },
  { name: 'REL', word: 1, shift: 28, width: 1 },
  { name: 'QUEUES_PRESET', word: 1, shift: 29, width: 1 },
  { name: 'TABLES_PRESET', word: 1, shift: 30, width: 1 },
  // IDR3
  { name: 'HAD', word: 3, shift: 2, width: 1 },
  { name: 'MPAM', word: 3, shift: 7, width: 1 },
  { name: 'FWB', word: 3, shift: 8, width: 1 },
  { name: 'RIL', word: 3, shift: 10, width: 1 },
  { name: 'BBML', word: 3, shift: 11, width: 2 },
  // IDR5
  { name: 'OAS', word: 5, shift: 0, width: 3 },
  { name: 'GRAN4K', word: 5, shift: 4, width: 1 },
  { name: 'GRAN16K', word: 5, shift: 5, width: 1 },
  { name: 'GRAN64K', word: 5, shift: 6, width: 1 },
  { name: 'VAX', word: 5, shift: 10, width: 2 },
  { name: 'STALL_MAX', word: 5, shift: 16, width: 16 },
];
export const SMMU_IDR_WORDS = 6;

/**
 * Not upstream: the vhost-only "enable the device IOTLB" bit of Linus's split (seed 000,
 * "have that odd 'platform access' be one bit, and the 'enable iommu' be an entirely different
 * bit"). Bit 63 is free in every vhost feature word; only the `separate-bit` policy uses it.
 */
export const VHOST_F_IOTLB_SPLIT = 63;

/** VDPA_RESET_F_CLEAN_MAP (include/linux/vdpa.h, v6.7) */
export const VDPA_RESET_F_CLEAN_MAP = 1;
