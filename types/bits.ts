// Bits of a bigint word, and the largest u64: one definition each, for every layer (the model, the
// implementation's tests, the laws, the generators).

export const U64_MAX = (1n << 64n) - 1n;

export const bit = (n: number): bigint => 1n << BigInt(n);
export const bits = (...ns: readonly number[]): bigint => ns.reduce((acc, n) => acc | bit(n), 0n);
export const hasBit = (word: bigint, n: number): boolean => (word & bit(n)) !== 0n;
