// u64 feature words as bigint: the word masks above 64 bits and below, and subset (bit, bits, hasBit
// and U64_MAX are types/bits.ts).

/** VIRTIO_FEATURES_BITS (128) since e7d4c1c5a546: four 32-bit select words. */
export const U128_MASK = (1n << 128n) - 1n;
/** Legacy devices have one 32-bit feature register (spec, Virtio Over PCI Bus, "Legacy Interfaces: A Note on PCI Device Layout"). */
export const U32_MASK = 0xffff_ffffn;

/** a ⊆ b */
export const isSubset = (a: bigint, b: bigint): boolean => (a & ~b) === 0n;
