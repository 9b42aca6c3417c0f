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

/** Every place in a value a variant can change: the root, each array element, each object member. */
function places(v: unknown): ((x: unknown) => unknown)[] {
  const out: ((x: unknown) => unknown)[] = [x => x];
  if (Array.isArray(v)) {
    v.forEach((e, i) => { for (const at of places(e)) out.push(x => v.map((f, j) => (j === i ? at(x) : f))); });
  } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
    for (const [k, e] of Object.entries(v)) for (const at of places(e)) out.push(x => ({ ...v, [k]: at(x) }));
  }
  return out;
}

/**
 * A value and a near variant of it: one place replaced by another value, or one member added or
 * deleted. Two independent values almost never fingerprint alike, so a collision the encoding
 * could make would hide there; variants that differ in one leaf, one type or one key are where a
 * weak framing (no tags, no lengths, no key names) collides.
 */
const nearPair = fc.tuple(plainData, plainData, fc.nat(), fc.constantFrom('replace', 'add key', 'delete key', 'rename key'), fc.string({ maxLength: 3 }))
  .map(([a, x, at, how, key]) => {
    const ps = places(a);
    const put = ps[at % ps.length]!;
    if (how === 'replace') return [a, put(x)] as const;
    const objects = (typeof a === 'object' && a !== null && !Array.isArray(a) && !ArrayBuffer.isView(a)) ? a as Record<string, unknown> : null;
    if (objects === null) return [a, x] as const;
    if (how === 'add key') return [a, { ...objects, [key]: x }] as const;
    if (how === 'rename key') return [a, Object.fromEntries(Object.entries(objects).map(([k, v], i) => [i === 0 ? key : k, v]))] as const;
    const { [Object.keys(objects)[0] ?? '']: _gone, ...rest } = objects;
    return [a, rest] as const;
  });

describe('the fingerprint of a snapshot', () => {
  it('values that differ as data fingerprint apart, however near (and a copy fingerprints alike)', () => {
    let apart = 0;
    fc.assert(fc.property(nearPair, ([a, b]) => {
      expect(fp(structuredClone(a))).toBe(fp(a));
      if (isDeepStrictEqual(a, b)) return;
      apart++;
      expect(fp(b)).not.toBe(fp(a));
    }), { numRuns: 5000 });
    // not vacuous: most pairs differ
    expect(apart).toBeGreaterThan(3000);
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
    const before = fp({ a: 1, b: [2n] });
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
    // and the next snapshot is fingerprinted from scratch: a refusal midway leaves nothing behind
    expect(fp({ a: 1, b: [2n] })).toBe(before);
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
