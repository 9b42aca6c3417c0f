// The implementation's IOTLB index against the model's map store with thousands of maps, so the
// blocked sorted view splits, empties and drops blocks (P0's scripts rarely hold more than a few
// dozen maps). Overlapping maps, equal starts, retirement and whole-range deletes included.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IotlbIndex, XLATE_HOLE, XLATE_NOBUFS, XLATE_OK, XLATE_PERM } from '../impl/iotlbIndex.ts';
import { BLOCK_MAX } from '../impl/iotlbOrder.ts';
import { iotlbAddRange, iotlbCreate, iotlbDelRange, iotlbFirst } from '../model/iotlb.ts';
import { translateDesc } from '../model/translate.ts';
import { scaledRuns, testSeed } from '../harness/run.ts';
import { bigTableScriptArb } from '../generators/vhost.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { VHOST_IOTLB_BATCH_END } from '../types/uapi.ts';
import { createVhostImpl } from '../impl/stack.ts';

type IndexOp =
  | { kind: 'add'; start: number; len: number; addr: number; perm: number }
  | { kind: 'del'; start: number; len: number }
  | { kind: 'probe'; at: number; len: number; access: number };

const DOMAIN = 1 << 20;
/** Starts on a coarse grid as well as anywhere: many maps share a start (equal starts keep insertion order). */
const startArb = fc.oneof({ weight: 3, arbitrary: fc.nat(DOMAIN) }, { weight: 1, arbitrary: fc.nat(DOMAIN >> 12).map(k => k << 12) });
/**
 * Lengths: mostly short, sometimes spanning many later starts (up to the whole domain), so that a
 * block's running max of `last` is set by a map that starts far before the ones it covers: the
 * running-max repair after a delete and after a block split is then what decides the first overlap.
 */
const lenArb = fc.oneof(
  { weight: 28, arbitrary: fc.integer({ min: 1, max: 0x800 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0x800, max: 0x40000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x40000, max: DOMAIN }) },
);
const addArb: fc.Arbitrary<IndexOp> = fc.record({ kind: fc.constant('add' as const), start: startArb, len: lenArb, addr: fc.nat(2 ** 30), perm: fc.integer({ min: 1, max: 3 }) });
/** Short maps anywhere, small deletes and a rare whole-range one: tables grow past several blocks. */
const opArb: fc.Arbitrary<IndexOp> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ kind: fc.constant('add' as const), start: fc.nat(DOMAIN), len: fc.integer({ min: 1, max: 0x800 }), addr: fc.nat(2 ** 30), perm: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), start: fc.nat(DOMAIN), len: fc.oneof({ weight: 200, arbitrary: fc.integer({ min: 1, max: 0x2000 }) }, { weight: 1, arbitrary: fc.constant(DOMAIN) }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('probe' as const), at: fc.nat(DOMAIN), len: fc.integer({ min: 1, max: 0x3000 }), access: fc.integer({ min: 1, max: 3 }) }) },
);

/** The big-table regime's ops: spanning maps, shared starts, deletes that cut or empty blocks. */
const spanningOpArb: fc.Arbitrary<IndexOp> = fc.oneof(
  { weight: 16, arbitrary: addArb },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('del' as const), start: startArb,
      // a few maps, a stretch that empties a block or cuts one in the middle, or everything
      len: fc.oneof({ weight: 300, arbitrary: fc.integer({ min: 1, max: 0x2000 }) }, { weight: 24, arbitrary: fc.integer({ min: 0x2000, max: 0x10000 }) }, { weight: 1, arbitrary: fc.constant(DOMAIN) }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('probe' as const), at: fc.nat(DOMAIN), len: fc.integer({ min: 1, max: 0x3000 }), access: fc.integer({ min: 1, max: 3 }) }) },
);

/** The most maps any checked table held: the test is only worth something if blocks split. */
let largest = 0;

function check(ops: readonly IndexOp[], limit: number): void {
  const impl = new IotlbIndex(limit, limit > 0, 16);
  const model = iotlbCreate(limit, limit > 0);
  ops.forEach((op, i) => {
    const where = `op ${i} ${JSON.stringify(op)}`;
    if (op.kind === 'add') {
      expect(impl.add(0, op.start, 0, op.start + op.len - 1, 0, op.addr, op.perm), where)
        .toBe(iotlbAddRange(model, BigInt(op.start), BigInt(op.start + op.len - 1), BigInt(op.addr), op.perm));
    } else if (op.kind === 'del') {
      impl.delRange(0, op.start, 0, op.start + op.len - 1);
      iotlbDelRange(model, BigInt(op.start), BigInt(op.start + op.len - 1));
    } else {
      // the same first map (vhost_iotlb_itree_first), not only whether there is one
      const m = iotlbFirst(model, BigInt(op.at), BigInt(op.at + op.len - 1));
      const s = impl.firstOverlap(0, op.at, 0, op.at + op.len - 1);
      expect(s >= 0 ? impl.mapAt(s) : null, where).toEqual(m ? [m.start, m.last, m.addr, m.perm] : null);
      const t = translateDesc(model, BigInt(op.at), op.len, op.access);
      const code = impl.translate(0, op.at, op.len, op.access);
      const want = { ok: XLATE_OK, hole: XLATE_HOLE, perm: XLATE_PERM, nobufs: XLATE_NOBUFS }[t.outcome];
      expect(code, where).toBe(want);
      if (t.outcome === 'ok') {
        const segs = Array.from({ length: impl.segCount }, (_, k) => [BigInt(impl.segUaddrLo[k]!), impl.segLen[k]!]);
        expect(segs, where).toEqual(t.segments.map(([u, l]) => [u, l]));
      }
    }
    if (op.kind !== 'probe') {
      // right after an add or delete (a split, an emptied block, a repaired running max): the first
      // map reaching the op's own start, before another op can repair what this one left stale
      const m = iotlbFirst(model, BigInt(op.start), BigInt(DOMAIN));
      const s = impl.firstOverlap(0, op.start, 0, DOMAIN);
      expect(s >= 0 ? impl.mapAt(s) : null, `${where}, then the first map over [start, end]`).toEqual(m ? [m.start, m.last, m.addr, m.perm] : null);
    }
    expect(impl.size, where).toBe(model.maps.length);
    largest = Math.max(largest, impl.size);
  });
  expect(impl.entries().map(e => [e.start, e.last, e.addr, e.perm]).sort())
    .toEqual(model.maps.map(m => [m.start, m.last, m.addr, m.perm]).sort());
}

describe('IotlbIndex ≡ model iotlb with thousands of maps', () => {
  it(`agrees op by op while blocks of ${BLOCK_MAX} split, empty and go`, () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 2500, maxLength: 4000 }), ops => check(ops, 0)),
      { seed: testSeed(), numRuns: scaledRuns(12), endOnFailure: true });
    expect(largest).toBeGreaterThan(2 * BLOCK_MAX);
  });

  it('agrees in the big-table regime: a loaded table of spanning maps and shared starts, then deletes that cut blocks', () => {
    // (a delete's running-max repair that stops at the first equal value before the compacted
    // entries is caught here and not above: the maps that set a block's max must span later starts)
    const script = fc.tuple(fc.array(addArb, { minLength: 1200, maxLength: 1800 }), fc.array(spanningOpArb, { minLength: 1500, maxLength: 2500 }))
      .map(([load, mixed]) => [...load, ...mixed]);
    largest = 0;
    fc.assert(fc.property(script, ops => check(ops, 0)), { seed: testSeed(), numRuns: scaledRuns(8), endOnFailure: true });
    expect(largest).toBeGreaterThan(2 * BLOCK_MAX);
  });

  it('agrees with a retiring limit above one block', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1500, maxLength: 3000 }), ops => check(ops, BLOCK_MAX + 37)),
      { seed: testSeed(), numRuns: scaledRuns(6), endOnFailure: true });
  });

  it('P0\'s big-table scripts load tables of more than one block on vhost-net and vhost-vdpa', () => {
    for (const device of ['vhost-net', 'vhost-vdpa'] as const) {
      const sizes = fc.sample(bigTableScriptArb(), { seed: testSeed(), numRuns: 4 }).map(ops => {
        // the loading prefix: feature acks, BATCH_BEGIN, the maps, BATCH_END (vhost ops only)
        const end = ops.findIndex(op => op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_BATCH_END);
        const vhost = createVhostImpl({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device } });
        for (const op of ops.slice(0, end + 1)) vhost.apply(op);
        return vhost.iotlbTable()?.length ?? 0;
      });
      expect(Math.max(...sizes), device).toBeGreaterThan(BLOCK_MAX);
    }
  });

  it('clones a multi-block table', () => {
    const t = new IotlbIndex(0, false);
    for (let i = 0; i < 3 * BLOCK_MAX; i++) t.add(0, i * 16, 0, i * 16 + 7, 0, i, 3);
    const c = t.clone();
    t.delRange(0, 0, 0, 0xffffffff);
    expect(t.size).toBe(0);
    expect(c.size).toBe(3 * BLOCK_MAX);
    expect(c.translate(0, 100 * 16 + 3, 1, 1)).toBe(XLATE_OK);
    expect(c.segUaddrLo[0]).toBe(103);
  });
});

describe('IotlbIndex translate: the kernel\'s u64 byte counter', () => {
  // translate_desc's s += size wraps to exactly 0 when the second map ends at U64_MAX and its size
  // is 2^64 - s: the loop (len > s) starts over at byte 0 and only the iov limit ends it (-ENOBUFS).
  it('starts over when s wraps to exactly 0, until VQ_IOV_MAX segments: [0, 0] then [1, U64_MAX]', () => {
    const model = iotlbCreate(0, false);
    const impl = new IotlbIndex(0, false);
    iotlbAddRange(model, 0n, 0n, 0x1000n, 3);
    iotlbAddRange(model, 1n, (1n << 64n) - 1n, 0x2000n, 3);
    impl.add(0, 0, 0, 0, 0, 0x1000, 3);
    impl.add(0, 1, 0xffffffff, 0xffffffff, 0, 0x2000, 3);
    expect(translateDesc(model, 0n, 2, 1).outcome).toBe('nobufs');
    expect(impl.translate(0, 0, 2, 1)).toBe(XLATE_NOBUFS);
  });
});
