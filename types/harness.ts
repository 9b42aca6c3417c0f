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
