// u64 values as two uint32 numbers (hi, lo): exact for every u64, no bigint on hot paths.
// bigint appears only here, at the boundary where ops come in and observations go out.

export const TWO32 = 4294967296;

export const hiOf = (v: bigint): number => Number(BigInt.asUintN(64, v) >> 32n);
export const loOf = (v: bigint): number => Number(v & 0xffff_ffffn);
export const toBig = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

/** (ah,al) < (bh,bl) */
export const lt = (ah: number, al: number, bh: number, bl: number): boolean => ah < bh || (ah === bh && al < bl);
/** (ah,al) <= (bh,bl) */
export const le = (ah: number, al: number, bh: number, bl: number): boolean => ah < bh || (ah === bh && al <= bl);

/** A mutable u64 register for results, so arithmetic allocates nothing. */
export class U64Reg {
  hi = 0;
  lo = 0;
  set(hi: number, lo: number): this { this.hi = hi; this.lo = lo; return this; }
  /** this = a + b mod 2^64 */
  add(ah: number, al: number, bh: number, bl: number): this {
    const lo = al + bl;
    this.lo = lo >>> 0;
    this.hi = (ah + bh + (lo >= TWO32 ? 1 : 0)) >>> 0;
    return this;
  }
  /** this = a - b mod 2^64 */
  sub(ah: number, al: number, bh: number, bl: number): this {
    const lo = al - bl;
    this.lo = lo >>> 0;
    this.hi = (ah - bh - (lo < 0 ? 1 : 0)) >>> 0;
    return this;
  }
  big(): bigint { return toBig(this.hi, this.lo); }
}
