// The fingerprint of a whole snapshot (explore/canonical.ts): equal as data when equal
// fingerprints (for any plain data fast-check makes), the edges that a weaker framing would merge,
// the values it refuses (with where they are), notState, and that the bulk mixer is word() exactly.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprintSnapshot, notState, UnfingerprintableError } from '../explore/canonical.ts';
import { Fingerprinter } from '../explore/fingerprint.ts';

const f = new Fingerprinter();
const fp = (v: unknown): string => {
  fingerprintSnapshot(f, v);
  return `${f.hi}:${f.lo}`;
};

/**
 * Plain data as a snapshot may hold it: no holes in arrays (a hole reads as undefined) and no
 * null-prototype objects (they fingerprint as plain ones; the model makes neither).
 */
const plainData = fc.anything({
  withBigInt: true, withTypedArray: true, withNullPrototype: false, withObjectString: false,
  withBoxedValues: false, withMap: false, withSet: false, withDate: false, withSparseArray: false, maxDepth: 4,
});

describe('the fingerprint of a snapshot', () => {
  it('equal fingerprints mean equal as data, and a copy fingerprints alike', () => {
    fc.assert(fc.property(plainData, plainData, (a, b) => {
      if (fp(a) === fp(b)) expect(isDeepStrictEqual(a, b)).toBe(true);
      expect(fp(structuredClone(a))).toBe(fp(a));
    }), { numRuns: 3000 });
  });

  it('keeps apart what a framing without tags, key names or lengths would merge', () => {
    const values: unknown[] = [
      undefined, null, false, true, 0, -0, 1, -1, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1.5, NaN, Infinity,
      0n, 1n, -1n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n + 5n, '', '0', 'a', 'ab',
      [], [0], [[]], [0, 0], [[0], 0], [0, [0]], {}, { a: 0 }, { b: 0 }, { a: undefined }, { a: 0, b: 0 },
      { a: { b: 0 } }, { a: [0] }, [{}], new Uint8Array([1, 0, 0, 0]), new Uint32Array([1]), new Uint8Array([]),
      { a: notState(0) }, { a: null },
    ];
    const prints = values.map(fp);
    for (let i = 0; i < values.length; i++) {
      for (let j = i + 1; j < values.length; j++) {
        if (prints[i] === prints[j]) throw new Error(`${i} and ${j} fingerprint alike`);
      }
    }
  });

  it('a 128-bit feature set is whole: bits above 63 count', () => {
    expect(fp({ features: 1n << 100n })).not.toBe(fp({ features: 0n }));
    expect(fp({ features: (1n << 64n) + 1n })).not.toBe(fp({ features: 1n }));
  });

  it('notState is carried, not fingerprinted', () => {
    expect(fp({ impl: notState({ trace: [1, 2] }), model: 3 })).toBe(fp({ impl: notState({ trace: [] }), model: 3 }));
    expect(fp({ impl: notState(0), model: 3 })).not.toBe(fp({ impl: notState(0), model: 4 }));
  });

  it('the same data with keys in another order fingerprints apart (fewer merges, never a wrong one)', () => {
    expect(fp({ a: 1, b: 2 })).not.toBe(fp({ b: 2, a: 1 }));
  });

  it('refuses what could hide state, naming where it is', () => {
    const refused = (v: unknown): string => {
      try {
        fp(v);
      } catch (e) {
        expect(e).toBeInstanceOf(UnfingerprintableError);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused({ vhost: { rules: { sizeZero: () => 0 } } })).toMatch(/holds a function at vhost\.rules\.sizeZero/);
    expect(refused({ a: [1, new Map([[1, 2]])] })).toMatch(/holds a Map at a\.1/);
    expect(refused({ s: new Set() })).toMatch(/holds a Set at s/);
    expect(refused(new (class Part { x = 1; })())).toMatch(/holds a Part at its root/);
    expect(refused({ t: Symbol('x') })).toMatch(/holds a symbol at t/);
    // and the next snapshot is fingerprinted from scratch
    expect(fp({ a: 1 })).toBe(fp({ a: 1 }));
  });

  it('the bulk mixer is word() word for word', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 64 }), ws => {
      const a = new Fingerprinter();
      ws.forEach(w => a.word(w));
      a.finish();
      const b = new Fingerprinter();
      b.words(Int32Array.from(ws), ws.length);
      b.finish();
      expect([b.hi, b.lo]).toEqual([a.hi, a.lo]);
    }));
  });
});
