// Where a part of the model writes its canonical serialisation for the exhaustive engine
// (explore/fingerprint.ts hashes it). Here in types/ so that model/ can implement it without
// depending on explore/.

/**
 * Where a part writes its canonical serialisation. The sink does not tag types: a part's layout
 * must be fixed by the part (same fields in the same order), and anything of variable length
 * must be written after its length, so that no two different states serialise alike.
 */
export interface FingerprintSink {
  /** the low 32 bits of an integer (booleans, enums, small counters, u32 fields) */
  u32(x: number): void;
  /** a u64 held as a bigint: its low 64 bits, as two words */
  u64(x: bigint): void;
  /** a u64 held as two u32 halves (the implementation's representation) */
  u64hl(hi: number, lo: number): void;
  bool(b: boolean): void;
  /** any JS number, bit-exact (as its IEEE-754 double): for values that may exceed 32 bits */
  f64(x: number): void;
  /** length, then the UTF-16 code units two to a word */
  str(s: string): void;
  /** length, then the bytes four to a word */
  bytes(b: ArrayLike<number>): void;
}
