// The implementation's feature words as (hi, lo) u32 pairs against bigint: every bit position,
// the word boundary at bit 32 included.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outside, testBit, word } from '../impl/features.ts';
import { hiOf, loOf, toBig } from '../impl/u64.ts';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bitArb = fc.integer({ min: 0, max: 63 });

describe('feature words as (hi, lo)', () => {
  it('testBit reads bit b of the u64, at 31 and 32 too', () => {
    expect(testBit(1, 0, 32)).toBe(true);
    expect(testBit(0, 1, 32)).toBe(false);
    expect(testBit(0, 0x8000_0000, 31)).toBe(true);
    expect(testBit(0x8000_0000, 0, 63)).toBe(true);
    fc.assert(fc.property(u64, bitArb, (v, b) => {
      expect(testBit(hiOf(v), loOf(v), b)).toBe(((v >> BigInt(b)) & 1n) === 1n);
    }), { seed: 15 });
  });

  it('word sets exactly the bits given', () => {
    expect(word(32, 0)).toEqual({ hi: 1, lo: 1 });
    fc.assert(fc.property(fc.array(bitArb), bits => {
      const w = word(...bits);
      expect(toBig(w.hi, w.lo)).toBe(bits.reduce((a, b) => a | (1n << BigInt(b)), 0n));
    }), { seed: 15 });
  });

  it('outside: a bit of v not in allowed', () => {
    fc.assert(fc.property(u64, u64, (v, a) => {
      expect(outside(hiOf(v), loOf(v), { hi: hiOf(a), lo: loOf(a) })).toBe((v & ~a) !== 0n);
    }), { seed: 15 });
  });
});
