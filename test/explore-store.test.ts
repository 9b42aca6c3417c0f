// The visited-state store: exact membership over millions of fingerprints (checked against a
// Set on a sample), ids and trace records, depth by level, and bytes per stored state.

import { describe, expect, it } from 'vitest';
import { NO_PARENT, PRESENT, StateStore } from '../explore/store.ts';

/** A bijection of u32 (odd multiplies and xorshifts): distinct i give distinct, random-looking words. */
function scramble(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return x >>> 0;
}
/** Key i: distinct for distinct i < 2^32, since lo alone is a bijection of i. */
const keyHi = (i: number): number => scramble(i, 0x1234567);
const keyLo = (i: number): number => scramble(i, 0x7654321);

describe('StateStore', () => {
  it('stores 3 million random fingerprints exactly (sample checked against a Set), duplicates answered PRESENT', () => {
    const N = 3_000_000;
    const store = new StateStore();
    const sample = new Map<string, number>(); // "hi:lo" -> id, for keys with (lo & 63) === 0
    let rng = 12345;
    const rand = (n: number): number => { rng = (Math.imul(rng, 1103515245) + 12345) >>> 0; return rng % n; };
    let dupes = 0;
    for (let i = 0; i < N; i++) {
      const hi = keyHi(i), lo = keyLo(i);
      const id = store.insert(hi, lo, i, i & 0xff, 0);
      if (id !== i) throw new Error(`key ${i}: id ${id}`);
      if ((lo & 63) === 0) sample.set(`${hi}:${lo}`, id);
      if (i % 4 === 3) { // re-insert an earlier key
        const j = rand(i + 1);
        if (store.insert(keyHi(j), keyLo(j), 0, 0, 0) !== PRESENT) throw new Error(`key ${j} inserted twice`);
        dupes++;
      }
    }
    expect(dupes).toBe(N / 4);
    expect(store.size).toBe(N);
    expect(sample.size).toBeGreaterThan(N / 80);
    const wrong: string[] = [];
    for (const [k, id] of sample) {
      const [hi, lo] = k.split(':').map(Number) as [number, number];
      if (store.find(hi, lo) !== id || store.fpHi(id) !== hi || store.fpLo(id) !== lo || store.parent(id) !== id || store.op(id) !== (id & 0xff)) wrong.push(k);
    }
    expect(wrong).toEqual([]);
    // absent keys: never inserted (i >= N), and half-matches of present ones
    let falseHits = 0;
    for (let i = N; i < N + 200_000; i++) if (store.has(keyHi(i), keyLo(i))) falseHits++;
    for (let i = 0; i < 200_000; i++) if (store.has(keyHi(i), keyLo(i + 1)) || store.has(keyHi(i + 1), keyLo(i))) falseHits++;
    expect(falseHits).toBe(0);
  });

  it('handles fingerprints that agree in one word, and zero', () => {
    const store = new StateStore({ initialSlots: 16 });
    const keys: [number, number][] = [[0, 0], [0, 1], [1, 0], [0xffffffff, 0xffffffff], [0xffffffff, 0]];
    for (let i = 0; i < 5000; i++) keys.push([i, 0x5a5a5a5a], [0x5a5a5a5a, i + 1]);
    expect(keys.map(([hi, lo], i) => store.insert(hi, lo, NO_PARENT, i, 0))).toEqual(keys.map((_, i) => i));
    expect(keys.filter(([hi, lo]) => store.insert(hi, lo, 0, 0, 0) !== PRESENT)).toEqual([]);
    expect(keys.filter(([hi, lo], i) => store.find(hi, lo) !== i)).toEqual([]);
    expect(store.size).toBe(keys.length);
    expect(store.find(1, 1)).toBe(-1);
  });

  it('keeps depth per level and rebuilds paths from parent links', () => {
    const store = new StateStore();
    // a tree: root 0 (init 7); depth 1: ids 1, 2 (ops 3, 4 from 0); depth 2: id 3 (op 5 from 2);
    // id 4 (op 6 from 3) inserted at depth 4, leaving depth 3 empty
    expect(store.insert(1, 1, NO_PARENT, 7, 0)).toBe(0);
    expect(store.insert(2, 2, 0, 3, 1)).toBe(1);
    expect(store.insert(3, 3, 0, 4, 1)).toBe(2);
    expect(store.insert(4, 4, 2, 5, 2)).toBe(3);
    expect(store.insert(5, 5, 3, 6, 4)).toBe(4);
    expect([0, 1, 2, 3, 4].map(id => store.depth(id))).toEqual([0, 1, 1, 2, 4]);
    expect(store.levels).toBe(5);
    expect([0, 1, 2, 3, 4, 5].map(d => store.levelStart(d))).toEqual([0, 1, 3, 4, 4, 5]);
    expect([...store.path(3)]).toEqual([7, 4, 5]);
    // by parent links: 3 ops (BFS never skips a level; this store does not check that)
    expect([...store.path(4)]).toEqual([7, 4, 5, 6]);
    expect([...store.path(0)]).toEqual([7]);
    expect(() => store.insert(6, 6, 0, 0, 1)).toThrow(/breadth-first/);
    expect(() => store.parent(9)).toThrow(RangeError);
  });

  it('holds at most 16 + 10.7 bytes per state plus one page of slack, and averages about 24', () => {
    // records 16 B; index 4 B / load, load between 0.375 (just after doubling) and 0.75; the last
    // record page (1 MiB) is at most one page of slack
    const store = new StateStore();
    const atGrowth: { size: number; bytesPerState: number }[] = [];
    const all: number[] = [];
    let cap = store.capacity;
    for (let i = 1; i <= 2_500_000; i++) {
      store.insert(keyHi(i), keyLo(i), 0, 0, 0);
      if (store.capacity !== cap) { cap = store.capacity; if (store.size >= 100_000) atGrowth.push({ size: store.size, bytesPerState: store.bytesPerState }); }
      if (i % 50_000 === 0 && i >= 500_000) all.push(store.bytesPerState);
    }
    console.log('bytes per state just after each index doubling:', atGrowth.map(s => `${s.size}: ${s.bytesPerState.toFixed(1)}`).join(', '),
      `| mean over 0.5M..2.5M states: ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(1)}`);
    expect(atGrowth.length).toBeGreaterThan(3);
    for (const { size, bytesPerState } of atGrowth) expect(bytesPerState).toBeLessThanOrEqual(16 + 4 / 0.375 + (1 << 20) / size + 0.01);
    expect(Math.max(...all)).toBeLessThanOrEqual(28);
    expect(all.reduce((a, b) => a + b, 0) / all.length).toBeLessThanOrEqual(25);
  });
});
