// u64 generators that hit the edges the design names (0, 1, 2^32±1, 2^53±1, 2^63, 2^64-1) and
// ranges that touch or cross them, plus small page-aligned addresses so that generated
// mappings and accesses actually meet.

import fc from 'fast-check';
import { U64_MAX } from '../types/bits.ts';


export const U64_EDGES: readonly bigint[] = [
  0n, 1n, (1n << 32n) - 1n, 1n << 32n, (1n << 32n) + 1n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n,
  (1n << 63n) - 1n, 1n << 63n, (1n << 63n) + 1n, U64_MAX - 1n, U64_MAX,
];

const edgeArb = fc.constantFrom(...U64_EDGES);

/** An edge nudged by a small signed delta, wrapped to u64 (ranges that touch or cross an edge). */
const nearEdgeArb = fc
  .tuple(edgeArb, fc.integer({ min: -0x2000, max: 0x2000 }))
  .map(([e, d]) => BigInt.asUintN(64, e + BigInt(d)));

/** A small page-aligned address: the region where generated maps and accesses collide. */
export const smallIovaArb = fc.integer({ min: 0, max: 7 }).map(k => BigInt(k) * 0x1000n);

/** Any u64, edge-biased. */
export const u64Arb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 3, arbitrary: edgeArb },
  { weight: 3, arbitrary: nearEdgeArb },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
);

/** An IOVA: mostly where others will be, sometimes at the edges. */
export const iovaArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: smallIovaArb },
  { weight: 1, arbitrary: smallIovaArb.map(a => a + 0x800n) },
  // the last byte of a page: where an inclusive `last` is off by one
  { weight: 3, arbitrary: smallIovaArb.map(a => BigInt.asUintN(64, a - 1n)) },
  { weight: 3, arbitrary: u64Arb },
);

/** A mapping size: pages, odd sizes, and the edge values (0 and 2^64-1 included). */
export const sizeArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }).map(k => BigInt(k) * 0x1000n) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 2n, 0x800n, 0xfffn, 0x1001n) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x3000 }).map(BigInt) },
  { weight: 2, arbitrary: u64Arb },
);

/** A virtqueue access length (a descriptor's u32 len). */
export const lenArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 0x3000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0x7fff_ffff, 0xffff_ffff, 0x1_0000 - 1) },
);
