// The same N mappings in every structure a benchmark compares: the implementation's IotlbIndex,
// the model's Iotlb, a bare Float64Array binary search (the floor for a lookup in JS) and
// @flatten-js/interval-tree (what a user would pick off the shelf).
// Map i is [i * STRIDE, i * STRIDE + MAP_LEN - 1] -> UADDR + i * STRIDE, read-write: half the
// space mapped, so a lookup can hit or fall in a hole.

import IntervalTree from '@flatten-js/interval-tree';
import { IotlbIndex } from '../impl/iotlbIndex.ts';
import { iotlbAddRange, iotlbCreate, type Iotlb } from '../model/iotlb.ts';

export const STRIDE = 0x2000;
export const MAP_LEN = 0x1000;
export const UADDR = 0x7f00_0000_0000;
export const SIZES = [10, 1_000, 10_000, 100_000] as const;

export function buildIndex(n: number): IotlbIndex {
  const t = new IotlbIndex(0, false, n);
  for (let i = 0; i < n; i++) {
    const s = i * STRIDE;
    // values stay below 2^53, so hi/lo split by division is exact
    t.add(Math.floor(s / 2 ** 32), s >>> 0, Math.floor((s + MAP_LEN - 1) / 2 ** 32), (s + MAP_LEN - 1) >>> 0,
      Math.floor((UADDR + s) / 2 ** 32), (UADDR + s) >>> 0, 3);
  }
  return t;
}

export function buildModel(n: number): Iotlb {
  const t = iotlbCreate(0, false);
  for (let i = 0; i < n; i++) iotlbAddRange(t, BigInt(i * STRIDE), BigInt(i * STRIDE + MAP_LEN - 1), BigInt(UADDR + i * STRIDE), 3);
  return t;
}

/** Sorted starts and lasts; a lookup is one binary search. */
export interface Floor { readonly starts: Float64Array; readonly lasts: Float64Array; readonly addrs: Float64Array }

export function buildFloor(n: number): Floor {
  const starts = new Float64Array(n);
  const lasts = new Float64Array(n);
  const addrs = new Float64Array(n);
  for (let i = 0; i < n; i++) { starts[i] = i * STRIDE; lasts[i] = i * STRIDE + MAP_LEN - 1; addrs[i] = UADDR + i * STRIDE; }
  return { starts, lasts, addrs };
}

/** The uaddr for x, or -1: the last start <= x, then x <= its last. */
export function floorLookup(f: Floor, x: number): number {
  let lo = 0;
  let hi = f.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (f.starts[mid]! <= x) lo = mid + 1; else hi = mid;
  }
  const i = lo - 1;
  return i >= 0 && x <= f.lasts[i]! ? f.addrs[i]! + (x - f.starts[i]!) : -1;
}

export function buildTree(n: number): IntervalTree<number> {
  const t = new IntervalTree<number>();
  for (let i = 0; i < n; i++) t.insert([i * STRIDE, i * STRIDE + MAP_LEN - 1], UADDR + i * STRIDE);
  return t;
}

/** Query addresses, fixed by a small LCG so every run asks the same questions. */
export function queries(n: number, count: number, kind: 'hit' | 'miss' | 'mix'): Float64Array {
  const out = new Float64Array(count);
  let s = 12345;
  const rnd = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  let i = Math.floor(rnd() * n);
  for (let k = 0; k < count; k++) {
    if (kind === 'mix') {
      // a virtqueue walks buffers: mostly the next bytes of the same map, now and then elsewhere
      if (rnd() < 0.1) i = Math.floor(rnd() * n);
      const miss = rnd() < 0.05;
      out[k] = i * STRIDE + (miss ? MAP_LEN + Math.floor(rnd() * MAP_LEN) : Math.floor(rnd() * MAP_LEN));
      continue;
    }
    i = Math.floor(rnd() * n);
    out[k] = i * STRIDE + (kind === 'hit' ? Math.floor(rnd() * MAP_LEN) : MAP_LEN + Math.floor(rnd() * MAP_LEN));
  }
  return out;
}
