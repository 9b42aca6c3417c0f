// Constants of the modelled machine that are negcheck's choice, not an ABI: both the model
// and the implementation must use the same ones.

/** The one VHOST_SET_MEM_TABLE region the VMM registers: guest RAM [0, 4 GiB) at this HVA. */
export const GUEST_RAM_GPA = 0n;
export const GUEST_RAM_SIZE = 1n << 32n;
export const GUEST_RAM_HVA = 0x7f00_0000_0000n;

/** Size of the iovec array a virtqueue access fills before translate_desc says -ENOBUFS. */
export const VQ_IOV_MAX = 16;

/** vdpa parent address spaces (vdpa->nas): one, so any asid but 0 is -EINVAL. */
export const VDPA_NAS = 1;

/**
 * The used ring (struct vring_used: __virtio16 flags @0, idx @2) of vq 0 and vq 1, in guest RAM:
 * two 128-entry split rings whose used rings share a page, so one map can cover both.
 */
export const VRING_USED_GPA: readonly bigint[] = [0x3000n, 0x3800n];

/** The rest of those two rings (VHOST_SET_VRING_NUM, VHOST_SET_VRING_ADDR): set for real by the lab's agent; the model reads them where vhost's worker prefetches a started vq's rings. */
export const VRING_NUM = 128;
export const VRING_DESC_GPA: readonly bigint[] = [0x1000n, 0x1800n];
export const VRING_AVAIL_GPA: readonly bigint[] = [0x2000n, 0x2800n];

/**
 * The used-ring address the VMM gave VHOST_SET_VRING_ADDR for each vq: the ring's GPA looked up
 * in the VMM's own memory table (the one it gave VHOST_SET_MEM_TABLE), i.e. a user virtual
 * address, as crosvm and QEMU without a vIOMMU pass it. With the device IOTLB on, vhost reads the
 * same number as an IOVA (vq_access_ok: "the vring addresses are GIOVAs"); an IOTLB-speaking
 * script maps it like any other IOVA.
 */
export const VRING_USED_ADDR: readonly bigint[] = VRING_USED_GPA.map(gpa => GUEST_RAM_HVA + gpa - GUEST_RAM_GPA);
/** The desc and avail rings' addresses, likewise. */
export const VRING_DESC_ADDR: readonly bigint[] = VRING_DESC_GPA.map(gpa => GUEST_RAM_HVA + gpa - GUEST_RAM_GPA);
export const VRING_AVAIL_ADDR: readonly bigint[] = VRING_AVAIL_GPA.map(gpa => GUEST_RAM_HVA + gpa - GUEST_RAM_GPA);

/** The one tap the VMM opened for VHOST_NET_SET_BACKEND; every other fd but -1 is not a socket. */
export const NET_TAP_FD = 3;

/** vqs of the modelled vDPA device (vdpa->nvqs): one rx/tx pair, no control vq. */
export const VDPA_NVQS = 2;

/**
 * The VMM's struct vhost_features_array for VHOST_GET/SET_FEATURES_ARRAY: `count` at this user
 * address (below every architecture's user limit), then FEATURES_ARRAY_WORDS u64 words; the next
 * byte is unmapped, so the kernel reading or clearing past them faults (-EFAULT). The buffer ends
 * where a page ends (0x0800_0000), so the lab's agent lays out the same addresses with mmap.
 */
export const FEATURES_ARRAY_WORDS = 4;
export const FEATURES_ARRAY_ADDR = 0x0800_0000n - 8n * BigInt(1 + FEATURES_ARRAY_WORDS);
/** The page that buffer lives in: VMM memory too (the agent maps it read-write). */
export const FEATURES_ARRAY_PAGE = FEATURES_ARRAY_ADDR & ~0xfffn;
export const FEATURES_ARRAY_END = FEATURES_ARRAY_ADDR + 8n * BigInt(1 + FEATURES_ARRAY_WORDS);
