// u64 feature words as two u32 halves (lo = bits 0-31, hi = bits 32-63; bits 64-127 as a second pair), no bigint.

/** A mask as [lo, hi] with the given bit numbers set. */
export function maskOf(...bitNumbers: readonly number[]): readonly [lo: number, hi: number] {
  let lo = 0;
  let hi = 0;
  for (const n of bitNumbers) {
    if (n < 32) lo |= 1 << n;
    else hi |= 1 << (n - 32);
  }
  return [lo >>> 0, hi >>> 0];
}

/** Bits [start, end) as [lo, hi]. */
export function rangeMask(start: number, end: number): readonly [lo: number, hi: number] {
  const ns: number[] = [];
  for (let n = start; n < end; n++) ns.push(n);
  return maskOf(...ns);
}

export function toHalves(word: bigint): readonly [lo: number, hi: number] {
  return [Number(word & 0xffff_ffffn), Number((word >> 32n) & 0xffff_ffffn)];
}

export function fromHalves(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Four u32 select words (bits 0-31, 32-63, 64-95, 96-127) as one feature set. */
export function featuresOf(lo: number, hi: number, extLo: number, extHi: number): bigint {
  return fromHalves(lo, hi) | (fromHalves(extLo, extHi) << 64n);
}
