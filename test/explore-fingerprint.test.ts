// The 64-bit state fingerprint: canonical framing, exactness for u64 edges, no collisions where
// an ideal 64-bit hash would have none, both 32-bit lanes uniform, avalanche; the estimates.

import { describe, expect, it } from 'vitest';
import { collisionEstimates, fingerprintOf, type FingerprintSink } from '../explore/fingerprint.ts';
import { PRESENT, StateStore } from '../explore/store.ts';

const key = (write: (s: FingerprintSink) => void): string => { const f = fingerprintOf(write); return `${f.hi}:${f.lo}`; };

/** Colliding pairs among 32-bit values (sorted, equal neighbours). */
function collisions32(words: Uint32Array): number {
  const s = words.slice().sort();
  let n = 0;
  for (let i = 1; i < s.length; i++) if (s[i] === s[i - 1]) n++;
  return n;
}

describe('fingerprint', () => {
  it('is a function of the serialisation, and each framing is self-delimiting', () => {
    expect(key(s => { s.u32(7); s.str('ab'); })).toBe(key(s => { s.u32(7); s.str('ab'); }));
    const allDistinct = (keys: string[]): void => expect(new Set(keys).size).toBe(keys.length);
    // within one layout, different values never serialise alike
    allDistinct([['ab', 'c'], ['a', 'bc'], ['', 'abc'], ['abc', ''], ['', '']].map(([a, b]) => key(s => { s.str(a!); s.str(b!); })));
    allDistinct([[[1, 2], [3]], [[1], [2, 3]], [[], [1, 2, 3]], [[1, 2, 3], []], [[0], []], [[], [0]], [[], []]]
      .map(([a, b]) => key(s => { s.bytes(a!); s.bytes(b!); })));
    allDistinct([[0], [], [0, 0, 0, 0], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0], [255, 0, 0, 0], [0, 0, 0, 255]].map(b => key(s => s.bytes(b))));
    allDistinct([0, -0, 1, 1.5, 2 ** 53, 2 ** 53 + 2, -1, Infinity].map(x => key(s => s.f64(x))));
    allDistinct([key(() => undefined), key(s => s.u32(0)), key(s => { s.u32(0); s.u32(0); })]);
    // the sink is untyped: the part's fixed layout, not the sink, keeps a string apart from a number
    expect(key(s => s.str(''))).toBe(key(s => s.u32(0)));
    // u32 takes the low 32 bits: -1 and 2^32 - 1 are the same word
    expect(key(s => s.u32(-1))).toBe(key(s => s.u32(0xffffffff)));
  });

  it('u64 is exact at the edges and agrees with the hi/lo form', () => {
    const edges = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 0x1_0000_0000_0000n];
    expect(new Set(edges.map(x => key(s => s.u64(x)))).size).toBe(edges.length);
    for (const x of edges) expect(key(s => s.u64(x))).toBe(key(s => s.u64hl(Number(x >> 32n), Number(x & 0xffffffffn))));
  });

  it('no 64-bit collision among 2^21 near-identical inputs; each 32-bit half collides as a uniform hash would', () => {
    // families of two-word inputs that keep a simple combination constant or vary in a few low
    // bits: [i, j] for i, j < 1024; [x, -x] (sum 0); [x, x] (xor 0), x < 2^19 each. An ideal
    // 64-bit hash collides here with probability ~ (2^21)^2 / 2^65 = 1e-7; a hash with one weak
    // lane collides ~ 2^38 / 2^32 = 64 times within a family. Each 32-bit half alone is expected
    // to collide n(n-1)/2 / 2^32 ~ 512 times among n = 2^21.
    const store = new StateStore({ initialSlots: 1 << 23 });
    const n = 1 << 21;
    const his = new Uint32Array(n);
    const los = new Uint32Array(n);
    let k = 0;
    let dup = 0;
    const add = (a: number, b: number): void => {
      const f = fingerprintOf(s => { s.u32(a); s.u32(b); });
      his[k] = f.hi; los[k] = f.lo; k++;
      if (store.insert(f.hi, f.lo, 0, 0, 0) === PRESENT) dup++;
    };
    for (let i = 0; i < 1024; i++) for (let j = 0; j < 1024; j++) add(i, j);
    for (let x = 1; x <= 1 << 19; x++) add(x, -x);
    for (let x = 1 << 20; x < (1 << 20) + (1 << 19); x++) add(x, x);
    expect(k).toBe(n);
    expect(dup).toBe(0);
    for (const half of [his, los]) {
      const c = collisions32(half);
      expect(c).toBeGreaterThan(400);
      expect(c).toBeLessThan(640);
    }
  });

  it('avalanches: flipping any one input bit flips every output bit with probability 1/2 +- 0.1', () => {
    // per (input bit, output bit) cell, 1000 random 4-word inputs: a fair cell deviates by more
    // than 0.1 with probability ~1e-9 (6 sigma); a weak last mixing step shows here
    let seed = 99;
    const rnd = (): number => { seed = (Math.imul(seed, 1664525) + 1013904223) | 0; return seed >>> 0; };
    const samples = 1000;
    const flips = new Uint32Array(128 * 64);
    for (let t = 0; t < samples; t++) {
      const w = [rnd(), rnd(), rnd(), rnd()];
      const base = fingerprintOf(s => w.forEach(x => s.u32(x)));
      for (let bit = 0; bit < 128; bit++) {
        const v = w.slice();
        v[bit >> 5] = (w[bit >> 5]! ^ (1 << (bit & 31))) >>> 0;
        const f = fingerprintOf(s => v.forEach(x => s.u32(x)));
        const dh = base.hi ^ f.hi;
        const dl = base.lo ^ f.lo;
        for (let k = 0; k < 32; k++) {
          flips[bit * 64 + k] = flips[bit * 64 + k]! + ((dh >>> k) & 1);
          flips[bit * 64 + 32 + k] = flips[bit * 64 + 32 + k]! + ((dl >>> k) & 1);
        }
      }
    }
    const worst = Math.max(...[...flips].map(c => Math.abs(c / samples - 0.5)));
    expect(worst).toBeLessThan(0.1);
  });

  it('estimates the collision probability as TLC and the birthday bound do', () => {
    const e = collisionEstimates(1e6, 2e7);
    expect(e.birthday).toBeCloseTo((1e6 * (1e6 - 1)) / 2 / 2 ** 64, 20);
    expect(e.tlc).toBeCloseTo((1e6 * (2e7 - 1e6)) / 2 ** 64, 20);
    expect(e.birthday).toBeGreaterThan(2.7e-8);
    expect(e.birthday).toBeLessThan(2.72e-8);
    expect(collisionEstimates(1, 1)).toEqual({ birthday: 0, tlc: 0 });
    expect(collisionEstimates(1e12, 1e13).birthday).toBe(1);
  });
});
