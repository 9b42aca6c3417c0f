// The blocked sorted view of the IOTLB index (impl/iotlbOrder.ts), white-box: after every insert,
// range delete, single remove, clear and copy, its blocks must hold exactly the live slots in
// (start, insertion) order, no block empty or full, and every stored running maximum of `last`
// (per position in a block, and through each block) must be exact. A running max that is too low
// makes a query skip an overlapping map; one that is too high only makes it scan further, which
// no observable shows, so the differential tests cannot see it (mutation testing, issue 15).
// u64 halves come from small sets so equal starts, equal low words under different high words,
// and maps spanning many later starts are common.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_MAX, BlockedOrder } from '../impl/iotlbOrder.ts';
import { scaledRuns, testSeed } from '../harness/run.ts';

/** The private fields the checks read (TypeScript's `private` is compile-time only). */
interface Internals {
  slots: Int32Array[];
  pmH: Uint32Array[];
  pmL: Uint32Array[];
  len: number[];
  gH: number[];
  gL: number[];
  count: number;
}

const CAP = 4096;

/** A BlockedOrder over its own slot arrays, and the reference: live slots in (start, insertion) order. */
class Harness {
  readonly sH = new Uint32Array(CAP);
  readonly sL = new Uint32Array(CAP);
  readonly lH = new Uint32Array(CAP);
  readonly lL = new Uint32Array(CAP);
  readonly order = new BlockedOrder(this.sH, this.sL, this.lH, this.lL);
  ref: number[] = [];
  private free: number[] = Array.from({ length: CAP }, (_, i) => CAP - 1 - i);

  private key(s: number): bigint { return (BigInt(this.sH[s]!) << 32n) | BigInt(this.sL[s]!); }
  last(s: number): bigint { return (BigInt(this.lH[s]!) << 32n) | BigInt(this.lL[s]!); }

  insert(start: bigint, last: bigint): void {
    const s = this.free.pop();
    if (s === undefined) return;
    this.sH[s] = Number(start >> 32n); this.sL[s] = Number(start & 0xffff_ffffn);
    this.lH[s] = Number(last >> 32n); this.lL[s] = Number(last & 0xffff_ffffn);
    this.order.insert(s);
    const k = this.key(s);
    let at = this.ref.length;
    while (at > 0 && this.key(this.ref[at - 1]!) > k) at--;
    this.ref.splice(at, 0, s);
  }

  /** vhost_iotlb_del_range: every map with start <= ql and last >= qs (the interval tree's query). */
  deleteRange(qs: bigint, ql: bigint): void {
    const freed: number[] = [];
    this.order.deleteRange(Number(qs >> 32n), Number(qs & 0xffff_ffffn), Number(ql >> 32n), Number(ql & 0xffff_ffffn), s => freed.push(s));
    const gone = this.ref.filter(s => this.key(s) <= ql && this.last(s) >= qs);
    expect([...freed].sort((a, b) => a - b)).toEqual([...gone].sort((a, b) => a - b));
    this.ref = this.ref.filter(s => !gone.includes(s));
    this.free.push(...gone);
  }

  remove(s: number): void {
    this.order.remove(s);
    this.ref = this.ref.filter(x => x !== s);
    this.free.push(s);
  }

  clear(): void {
    this.order.clear();
    this.free.push(...this.ref);
    this.ref = [];
  }

  /** The structure, exactly; and firstWithLastAtLeast/maxBefore against the reference at `probe`. */
  check(o: BlockedOrder, probe: bigint): void {
    const x = o as unknown as Internals;
    const live: number[] = [];
    let through = -1n;
    for (let b = 0; b < x.len.length; b++) {
      const n = x.len[b]!;
      expect(n, `block ${b} of ${x.len.length}`).toBeGreaterThan(0);
      expect(n).toBeLessThan(BLOCK_MAX);
      let local = -1n;
      for (let i = 0; i < n; i++) {
        const s = x.slots[b]![i]!;
        live.push(s);
        if (this.last(s) > local) local = this.last(s);
        expect((BigInt(x.pmH[b]![i]!) << 32n) | BigInt(x.pmL[b]![i]!), `running max at block ${b} position ${i}`).toBe(local);
      }
      if (local > through) through = local;
      expect((BigInt(x.gH[b]!) << 32n) | BigInt(x.gL[b]!), `running max through block ${b}`).toBe(through);
    }
    expect(live).toEqual(this.ref);
    expect(x.count).toBe(this.ref.length);
    expect(o.blocks).toBe(x.len.length);

    // the first position whose running max reaches `probe`, and the max before it
    let max = -1n;
    let at = -1;
    let before = -1n;
    for (let p = 0; p < this.ref.length; p++) {
      const l = this.last(this.ref[p]!);
      if (l > max) { before = max; max = l; }
      if (max >= probe) { at = p; break; }
    }
    if (at >= 0) before = this.ref.slice(0, at).reduce((m, s) => (this.last(s) > m ? this.last(s) : m), -1n);
    const found = o.firstWithLastAtLeast(Number(probe >> 32n), Number(probe & 0xffff_ffffn));
    expect(found).toBe(at >= 0);
    if (!found) return;
    expect(o.slotAt(o.fb, o.fi)).toBe(this.ref[at]);
    expect(o.maxBefore(o.fb, o.fi)).toBe(at > 0);
    if (at > 0) expect((BigInt(o.mbH) << 32n) | BigInt(o.mbL)).toBe(before);
  }
}

/** u64s whose halves repeat: equal low words under different high words, and the extremes. */
const HI = [0, 1, 2, 0xffff_ffff];
const LO = [0, 1, 0x1000, 0x8000_0000, 0xffff_f000, 0xffff_ffff];
const u64Arb = fc.tuple(fc.constantFrom(...HI), fc.constantFrom(...LO), fc.nat(0xfff))
  .map(([h, l, d]) => (BigInt(h) << 32n) | BigInt((l + (d & 0x30)) >>> 0));
const mapArb = fc.tuple(u64Arb, fc.oneof({ weight: 6, arbitrary: fc.constant(0n) }, { weight: 3, arbitrary: u64Arb }))
  .map(([start, span]) => [start, start + span > (1n << 64n) - 1n ? (1n << 64n) - 1n : start + span] as const);

type OrderOp =
  | { kind: 'insert'; start: bigint; last: bigint }
  | { kind: 'delete'; qs: bigint; ql: bigint }
  /** a live slot, by position in tree order (scaled to the live count); often a block's first */
  | { kind: 'remove'; at: number; blockFirst: boolean }
  | { kind: 'copy' };

const opArb: fc.Arbitrary<OrderOp> = fc.oneof(
  { weight: 10, arbitrary: mapArb.map(([start, last]): OrderOp => ({ kind: 'insert', start, last })) },
  { weight: 3, arbitrary: fc.tuple(u64Arb, u64Arb).map(([a, b]): OrderOp => ({ kind: 'delete', qs: a < b ? a : b, ql: a < b ? b : a })) },
  { weight: 1, arbitrary: fc.tuple(u64Arb, u64Arb).map(([qs, ql]): OrderOp => ({ kind: 'delete', qs, ql })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), blockFirst: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant<OrderOp>({ kind: 'copy' }) },
);

function run(h: Harness, ops: readonly OrderOp[], probe: bigint): void {
  for (const op of ops) {
    switch (op.kind) {
      case 'insert': h.insert(op.start, op.last); break;
      case 'delete': h.deleteRange(op.qs, op.ql); break;
      case 'remove': {
        if (h.ref.length === 0) break;
        const x = h.order as unknown as Internals;
        const b = Math.floor(op.at * x.len.length);
        h.remove(op.blockFirst ? x.slots[b]![0]! : h.ref[Math.floor(op.at * h.ref.length)]!);
        break;
      }
      case 'copy': {
        const c = new BlockedOrder(h.sH, h.sL, h.lH, h.lL);
        c.copyFrom(h.order);
        h.check(c, probe);
        break;
      }
    }
    h.check(h.order, probe);
  }
}

describe('BlockedOrder keeps its order and running maxima exact', () => {
  it('small tables: every op, every probe', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), u64Arb, (ops, probe) => run(new Harness(), ops, probe)),
      { numRuns: scaledRuns(400), seed: testSeed() });
  });

  it(`tables of several blocks of ${BLOCK_MAX}: a load of spanning maps and shared starts, then deletes, removes and copies`, () => {
    fc.assert(fc.property(fc.array(mapArb, { minLength: 600, maxLength: 2000 }), fc.array(opArb, { maxLength: 40 }), u64Arb, (load, ops, probe) => {
      const h = new Harness();
      for (const [start, last] of load) h.insert(start, last);
      h.check(h.order, probe);
      run(h, ops, probe);
    }), { numRuns: scaledRuns(12), seed: testSeed() });
  });

  it('removing the first slot of a block just split off (the block before still holds it past its length)', () => {
    const h = new Harness();
    for (let i = 0; i < BLOCK_MAX; i++) h.insert(BigInt(i), BigInt(i));
    expect(h.order.blocks).toBe(2);
    const x = h.order as unknown as Internals;
    h.remove(x.slots[1]![0]!);
    h.check(h.order, 0n);
  });

  it('a running max through a block that falls to one with the same low word ends no repair early', () => {
    const h = new Harness();
    const TOP1 = (1n << 32n) + 5n;
    const TOP2 = (2n << 32n) + 5n;
    h.insert(0n, TOP1);
    for (let i = 1; i < BLOCK_MAX; i++) h.insert(BigInt(i), BigInt(i));
    expect(h.order.blocks).toBe(2);
    h.insert(300n, TOP2);
    h.check(h.order, TOP2);
    // only the map ending at TOP2 meets [2 << 32, TOP2]: through block 1 the max falls back to TOP1
    h.deleteRange(2n << 32n, TOP2);
    h.check(h.order, TOP1);
  });

  it('clear empties it, and it is reusable', () => {
    const h = new Harness();
    for (let i = 0; i < BLOCK_MAX * 2; i++) h.insert(BigInt(i % 7) << 32n, (BigInt(i % 7) << 32n) + BigInt(i));
    expect(h.order.blocks).toBeGreaterThan(2);
    h.clear();
    h.check(h.order, 0n);
    expect(h.order.blocks).toBe(0);
    expect(h.order.count).toBe(0);
    h.insert(5n, 9n);
    h.check(h.order, 6n);
  });
});
