// u64 feature words as bigint: one bit, a set of bits, membership, the word masks.

export const U64_MASK = (1n << 64n) - 1n;
/** VIRTIO_FEATURES_BITS (128) since e7d4c1c5a546: four 32-bit select words. */
export const U128_MASK = (1n << 128n) - 1n;
/** Legacy devices have one 32-bit feature register (spec, Virtio Over PCI Bus, "Legacy Interfaces: A Note on PCI Device Layout"). */
export const U32_MASK = 0xffff_ffffn;

export const bit = (n: number): bigint => 1n << BigInt(n);
export const bits = (...ns: readonly number[]): bigint => ns.reduce((acc, n) => acc | bit(n), 0n);
export const hasBit = (word: bigint, n: number): boolean => (word & bit(n)) !== 0n;
/** a ⊆ b */
export const isSubset = (a: bigint, b: bigint): boolean => (a & ~b) === 0n;
