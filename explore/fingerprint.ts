// A 64-bit fingerprint of an explored state, from a canonical serialisation each part writes
// into a FingerprintSink. The visited set stores only fingerprints (TLC's design), so two
// distinct states with one fingerprint make the search skip the second one; the estimates
// below say how likely that was.
//
// The mix works on 32-bit words in two lanes with Math.imul (no bigint in the loop): lane a is
// a multiply-rotate lane, lane b a second multiply-rotate lane that also takes in a. For a fixed
// input word the step (a, b) -> (a', b') is a bijection of the 64-bit state, and so is the
// finaliser, so inputs of equal length that differ only in their last word never collide.

/**
 * The typed words a fingerprint is made of. The sink does not tag types: whoever writes must fix
 * the layout (canonical.ts tags every value of a snapshot), and anything of variable length goes
 * after its length, so that no two different values serialise alike.
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

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const C3 = 0x85ebca6b;
const C4 = 0xc2b2ae35;
const C5 = 0x27d4eb2f;
const SEED_A = 0x9e3779b9;
const SEED_B = 0x7f4a7c15;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** A bijective 32-bit avalanche (xorshift-multiply). */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, C3);
  h ^= h >>> 13;
  h = Math.imul(h, C4);
  return h ^ (h >>> 16);
}

// scratch views: a typed-array store converts without allocating (bigint: modulo 2^64)
const f64view = new Float64Array(1);
const f64words = new Uint32Array(f64view.buffer);
const u64view = new BigUint64Array(1);
const u64words = new Uint32Array(u64view.buffer);
/** index of the high word in u64words (platform byte order) */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The fingerprinting sink. Reuse one instance: `reset()`, let the parts write, `finish()`, then
 * read `hi` and `lo` (no allocation per state).
 */
export class Fingerprinter implements FingerprintSink {
  private a = SEED_A;
  private b = SEED_B;
  private n = 0;
  /** the result of the last finish(): the fingerprint's high and low words, unsigned */
  hi = 0;
  lo = 0;

  reset(): void {
    this.a = SEED_A;
    this.b = SEED_B;
    this.n = 0;
  }

  /** Mix one 32-bit word into both lanes. */
  word(w: number): void {
    let k = Math.imul(w, C1);
    k = Math.imul(rotl(k, 15), C2);
    let a = this.a ^ k;
    a = (Math.imul(rotl(a, 13), 5) + 0xe6546b64) | 0;
    // lane b sees the word through another bijection, and a: the pair stays a bijection of (a, b)
    let b = this.b ^ Math.imul(k ^ (k >>> 16), C5);
    b = (Math.imul(rotl(b, 17), C3) + a) | 0;
    this.a = a;
    this.b = b;
    this.n++;
  }

  /** Mix words[0 .. n-1], exactly as n calls of word() (one loop over locals: the bulk path). */
  words(words: Int32Array, n: number): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < n; i++) {
      let k = Math.imul(words[i]!, C1);
      k = Math.imul(rotl(k, 15), C2);
      a ^= k;
      a = (Math.imul(rotl(a, 13), 5) + 0xe6546b64) | 0;
      b ^= Math.imul(k ^ (k >>> 16), C5);
      b = (Math.imul(rotl(b, 17), C3) + a) | 0;
    }
    this.a = a;
    this.b = b;
    this.n += n;
  }

  u32(x: number): void { this.word(x | 0); }

  u64(x: bigint): void {
    u64view[0] = x;
    this.word(u64words[HI]! | 0);
    this.word(u64words[1 - HI]! | 0);
  }

  u64hl(hi: number, lo: number): void {
    this.word(hi | 0);
    this.word(lo | 0);
  }

  bool(b: boolean): void { this.word(b ? 1 : 0); }

  f64(x: number): void {
    f64view[0] = x;
    this.word(f64words[HI]! | 0);
    this.word(f64words[1 - HI]! | 0);
  }

  str(s: string): void {
    const n = s.length;
    this.word(n);
    let i = 0;
    for (; i + 1 < n; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.word(s.charCodeAt(i));
  }

  bytes(b: ArrayLike<number>): void {
    const n = b.length;
    this.word(n);
    let i = 0;
    for (; i + 3 < n; i += 4) this.word((b[i]! & 0xff) | ((b[i + 1]! & 0xff) << 8) | ((b[i + 2]! & 0xff) << 16) | ((b[i + 3]! & 0xff) << 24));
    if (i < n) {
      let w = 0;
      for (let s = 0; i < n; i++, s += 8) w |= (b[i]! & 0xff) << s;
      this.word(w);
    }
  }

  /** Finalise into `hi`/`lo`: the word count goes in, then a bijective cross-lane avalanche. */
  finish(): void {
    let a = this.a ^ this.n;
    let b = this.b ^ Math.imul(this.n, C1);
    a = (a + b) | 0;
    b = (b + a) | 0;
    a = avalanche(a);
    b = avalanche(b);
    a = (a + b) | 0;
    b = (b + a) | 0;
    this.hi = a >>> 0;
    this.lo = b >>> 0;
  }
}

/** Fingerprint of whatever `write` serialises (convenience for tests and one-off uses). */
export function fingerprintOf(write: (sink: FingerprintSink) => void): { hi: number; lo: number } {
  const f = new Fingerprinter();
  write(f);
  f.finish();
  return { hi: f.hi, lo: f.lo };
}

export const FINGERPRINT_BITS = 64;

/**
 * How likely it is that the search skipped a state because two distinct states shared a
 * fingerprint, with `distinct` states stored after `generated` lookups, for a fingerprint that
 * behaves like a uniform random 64-bit value. Both are first-order estimates (optimistic: they
 * assume the hash is ideal).
 *  - birthday: some two of the n distinct states share a fingerprint, n(n-1)/2 / 2^64;
 *  - tlc: TLC's "calculated (optimistic)" figure, n * (generated - n) / 2^64: each of the
 *    generated - n lookups that found a fingerprint already present could have hit the wrong state.
 */
export function collisionEstimates(distinct: number, generated: number): { birthday: number; tlc: number } {
  const space = 2 ** FINGERPRINT_BITS;
  return {
    birthday: Math.min(1, (distinct * (distinct - 1)) / 2 / space),
    tlc: Math.min(1, (distinct * Math.max(0, generated - distinct)) / space),
  };
}
