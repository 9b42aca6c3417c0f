// Generators for the vhost side: kernel policies, VMM profiles, IOTLB messages (well-formed
// and not) and vhost op scripts.

import fc from 'fast-check';
import { GUEST_RAM_HVA, NET_TAP_FD, VRING_USED_ADDR } from '../types/harness.ts';
import type { IotlbWriteSpec, Op } from '../types/ops.ts';
import {
  ACCESS_OK_RULES, FEATURES_ARRAY_RULES, IOTLB_TRANSITION_RULES, NET_FEATURE_SETS, IOTLB_ENABLE_RULES, type KernelPolicy, PARENT_KINDS, SIZE_ZERO_RULES, VDPA_RESET_RULES, VHOST_DEVICES,
  type VmmProfile,
} from '../types/policy.ts';
import { encodeIotlbWrite, toHex } from '../types/iotlbWire.ts';
import * as U from '../types/uapi.ts';
import { crosvmFixed, crosvmOld, qemuExtendedVmm, qemuVmm, upstreamKernel } from './profiles.ts';
import { bit, U64_MAX } from '../types/bits.ts';
import { iovaArb, lenArb, sizeArb, u64Arb } from './u64.ts';
import { iotlbMsg } from '../types/ops.ts';

/**
 * Every value of the kernel's policy fields (fast-check draws from these; explore scopes enumerate
 * them): the same arrays the policy types are derived from (types/policy.ts), so a new policy value
 * is drawn the moment it exists.
 */
export const KERNEL_VALUES = {
  device: VHOST_DEVICES,
  parent: PARENT_KINDS,
  iotlbEnable: IOTLB_ENABLE_RULES,
  sizeZero: SIZE_ZERO_RULES,
  vdpaReset: VDPA_RESET_RULES,
  // 640: retirement at the limit with a table of more than one block (impl/iotlbOrder.ts BLOCK_MAX 512)
  maxIotlbEntries: [1, 2, 3, 4, 8, 640, 2048],
  abi: U.ABIS,
  // x86-32 is what a 32-bit kernel gets (kernelPolicyArb below), never drawn on its own
  accessOk: ACCESS_OK_RULES.filter(r => r !== 'x86-32'),
  featuresArray: FEATURES_ARRAY_RULES,
  netFeatures: NET_FEATURE_SETS,
  iotlbTransitions: IOTLB_TRANSITION_RULES,
} as const satisfies { readonly [K in keyof KernelPolicy]?: readonly KernelPolicy[K][] };

export const kernelPolicyArb: fc.Arbitrary<KernelPolicy> = fc.record({
  device: fc.constantFrom(...KERNEL_VALUES.device),
  parent: fc.constantFrom(...KERNEL_VALUES.parent),
  iotlbEnable: fc.constantFrom(...KERNEL_VALUES.iotlbEnable),
  vsockAccessPlatform: fc.boolean(),
  sizeZero: fc.constantFrom(...KERNEL_VALUES.sizeZero),
  vdpaReset: fc.constantFrom(...KERNEL_VALUES.vdpaReset),
  maxIotlbEntries: fc.constantFrom(...KERNEL_VALUES.maxIotlbEntries),
  abi: fc.constantFrom(...KERNEL_VALUES.abi),
  accessOk: fc.constantFrom(...KERNEL_VALUES.accessOk),
  hwInfo: fc.constant(upstreamKernel.hwInfo),
  kernelIdrFields: fc.constant(upstreamKernel.kernelIdrFields),
  featuresArray: fc.constantFrom(...KERNEL_VALUES.featuresArray),
  netFeatures: fc.constantFrom(...KERNEL_VALUES.netFeatures),
  iotlbTransitions: fc.constantFrom(...KERNEL_VALUES.iotlbTransitions),
  // a 32-bit kernel is x86-32 here (access_ok below 0xC0000000)
}).map(k => (k.abi === 'i386' ? { ...k, accessOk: 'x86-32' } : k)) as fc.Arbitrary<KernelPolicy>;

/** QEMU falling back only on -ENOTTY: the check f412c1f57ab5's comment rules out. */
export const qemuEnottyFallbackVmm: VmmProfile = { ...qemuExtendedVmm, featuresIoctls: 'array-then-64-bit-on-enotty' };

export const vmmProfileArb: fc.Arbitrary<VmmProfile> = fc.constantFrom(qemuVmm, crosvmOld, crosvmFixed, qemuExtendedVmm, qemuEnottyFallbackVmm);

/** Bits every modelled vhost device supports: a SET_FEATURES of these succeeds. */
const COMMON_FEATURES = [U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1, U.VIRTIO_RING_F_EVENT_IDX,
  U.VIRTIO_RING_F_INDIRECT_DESC, U.VHOST_F_LOG_ALL];
/** Bits only some devices or policies know. */
const OTHER_FEATURES = [U.VIRTIO_F_RING_RESET, U.VIRTIO_F_RING_PACKED, U.VIRTIO_VSOCK_F_SEQPACKET,
  U.VIRTIO_NET_F_MRG_RXBUF, U.VHOST_F_IOTLB_SPLIT, U.VIRTIO_F_ANY_LAYOUT, 5];
const wordOf = (bs: number[]): bigint => bs.reduce((a, b) => a | bit(b), 0n);

/** Virtio feature words a guest might ack / a VMM might set: the bits that matter, plus noise. */
export const featureWordArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.subarray(COMMON_FEATURES).map(wordOf) },
  { weight: 3, arbitrary: fc.tuple(fc.subarray(COMMON_FEATURES), fc.subarray(OTHER_FEATURES, { maxLength: 2 })).map(([a, b]) => wordOf([...a, ...b])) },
  { weight: 1, arbitrary: u64Arb },
);

/**
 * VHOST_GET/SET_FEATURES_ARRAY with the counts where the kernel's rules change: 0 and 1 (and, as a
 * vq index on an old kernel, -ENOTTY), 2 (the kernel's words, QEMU's count), 3 to 5 (past the
 * kernel's, the last past the VMM's buffer), a count whose low u32 is 2, and counts whose byte size
 * overflows (size_mul). Words above 63: the offered UDP tunnel GSO bits (65, 67), the _CSUM ones no
 * one offers (66, 68).
 */
const arrayCountArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(0n, 1n, 2n, 2n, 3n, 4n, 5n) },
  { weight: 1, arbitrary: fc.constantFrom(1n << 32n, (1n << 32n) + 2n, (1n << 61n) + 2n, U64_MAX) },
);
const highWordArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0n, 0xan, 0x2n, 0x8n) },
  { weight: 1, arbitrary: fc.constantFrom(0x4n, 0x10n, 0x1en) },
  { weight: 1, arbitrary: u64Arb },
);
export const featuresArrayOpArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ count: arrayCountArb, fill: fc.constantFrom(0n, U64_MAX, 0x5a5a_5a5a_5a5a_5a5an) })
    .map(({ count, fill }): Op => ({ kind: 'GET_FEATURES_ARRAY', count, fill })),
  fc.record({
    count: arrayCountArb,
    words: fc.tuple(featureWordArb, highWordArb, fc.oneof({ weight: 4, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: u64Arb }))
      .chain(ws => fc.nat({ max: 3 }).map(n => ws.slice(0, n))),
  }).map(({ count, words }): Op => ({ kind: 'SET_FEATURES_ARRAY', count, words })),
);

/** A guest's acked features for VMM_SET_FEATURES: a word as above, sometimes with bits above 63 (the UDP tunnel GSO ones). */
export const ackedFeaturesArb: fc.Arbitrary<bigint> = fc.tuple(featureWordArb, fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 2, arbitrary: highWordArb }))
  .map(([w0, w1]) => w0 | (w1 << 64n));

/** An UPDATE at vq 0's used ring: the page holding both used rings, or only vq 0's flags, or its flags and idx. */
const ringMap = (size: bigint, perm: number): Op => ({
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova: VRING_USED_ADDR[0]!, size, uaddr: VRING_USED_ADDR[0]!, perm, type: U.VHOST_IOTLB_UPDATE },
});

/** What a userspace that wants the IOTLB typically does first; shrinks away (to []) when not needed. */
export const iotlbSetupArb: fc.Arbitrary<Op[]> = fc.oneof(
  { withCrossShrink: true },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Op[]>(
      [],
      [{ kind: 'SET_FEATURES', features: wordOf([U.VIRTIO_F_ACCESS_PLATFORM]) }],
      [{ kind: 'SET_FEATURES', features: wordOf([U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1]) }],
      [{ kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
        { kind: 'SET_FEATURES', features: wordOf([U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1]) }],
      [{ kind: 'SET_FEATURES', features: wordOf([U.VHOST_F_IOTLB_SPLIT, U.VIRTIO_F_VERSION_1]) }],
      [{ kind: 'SET_BACKEND_FEATURES', features: wordOf([U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH, U.VHOST_BACKEND_F_IOTLB_PERSIST]) }],
    ),
  },
  // a vIOMMU VMM maps the used rings (all, or a part; read-write, or not) and starts them (vsock, net)
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.oneof({ weight: 2, arbitrary: fc.constant(0x1000n) }, { weight: 1, arbitrary: fc.constantFrom(2n, 4n) }),
      fc.constantFrom(U.VHOST_ACCESS_RW, U.VHOST_ACCESS_RO, U.VHOST_ACCESS_WO),
      fc.subarray<Op>([{ kind: 'VSOCK_SET_RUNNING', start: 1 }, { kind: 'NET_SET_BACKEND', index: 0, fd: NET_TAP_FD }]),
    ).map(([size, perm, starts]): Op[] => [
      { kind: 'SET_FEATURES', features: wordOf([U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1]) }, ringMap(size, perm), ...starts,
    ]),
  },
);

export const backendWordArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]).map(bs => bs.reduce((a, b) => a | bit(b), 0n)) },
  { weight: 1, arbitrary: u64Arb },
);

const headerArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(U.VHOST_IOTLB_MSG_V2, U.VHOST_IOTLB_MSG) },
  { weight: 1, arbitrary: fc.constantFrom(0, 3, -1, 0x7fffffff) },
);

const msgTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(U.VHOST_IOTLB_UPDATE, U.VHOST_IOTLB_UPDATE, U.VHOST_IOTLB_INVALIDATE) },
  { weight: 2, arbitrary: fc.constantFrom(U.VHOST_IOTLB_BATCH_BEGIN, U.VHOST_IOTLB_BATCH_END) },
  { weight: 1, arbitrary: fc.constantFrom(0, U.VHOST_IOTLB_MISS, U.VHOST_IOTLB_ACCESS_FAIL, 7, 255) },
);

/**
 * Addresses of one script: a few anchors, and addresses at, just below, just above and one page
 * past them, so maps, invalidations and accesses meet exactly at their inclusive ends.
 */
export interface AddressVocabulary { readonly iova: fc.Arbitrary<bigint>; readonly size: fc.Arbitrary<bigint> }

/** The last page of the u64 space: a map there ends exactly at 2^64. */
const LAST_PAGE = U64_MAX - 0xfffn;

export function vocabularyArb(): fc.Arbitrary<AddressVocabulary> {
  return fc.uniqueArray(iovaArb, { minLength: 1, maxLength: 4 }).map(anchors => {
    // and iova 0, where a size-0 INVALIDATE is the whole space (QEMU's whole-range unmap), and the
    // last page of the space
    const near = [0n, LAST_PAGE, ...anchors.flatMap(a => [a, a - 1n, a + 1n, a + 0xfffn, a + 0x1000n].map(x => BigInt.asUintN(64, x)))];
    const spans = anchors.flatMap(a => anchors.map(b => BigInt.asUintN(64, b - a))).filter(d => d !== 0n);
    return {
      iova: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...near) }, { weight: 1, arbitrary: iovaArb }),
      size: fc.oneof(
        // 0: the size-0 rules (refused, or INVALIDATE of the whole space from iova 0)
        { weight: 3, arbitrary: fc.constantFrom(0x1000n, 1n, 0x2000n, 0n, ...spans, ...spans.map(d => BigInt.asUintN(64, d + 1n))) },
        { weight: 1, arbitrary: sizeArb },
      ),
    };
  });
}

const DEFAULT_VOCABULARY: AddressVocabulary = { iova: iovaArb, size: sizeArb };

/**
 * What a VMM maps most: a page or two of guest memory at one of the script's addresses, well
 * formed (v2, read-write, a user address), so that a script holds several maps at once (the edge
 * cases of iotlbWriteSpecWith are refused more often than not).
 */
export function pageMapWith(v: AddressVocabulary): fc.Arbitrary<Op> {
  return fc.record({ iova: v.iova, pages: fc.constantFrom(1n, 2n) })
    .map(({ iova, pages }) => iotlbMsg(U.VHOST_IOTLB_UPDATE, iova, pages * 0x1000n, GUEST_RAM_HVA + (iova & 0xf_f000n)));
}

export const iotlbWriteSpecArb: fc.Arbitrary<IotlbWriteSpec> = iotlbWriteSpecWith(DEFAULT_VOCABULARY);

export function iotlbWriteSpecWith(v: AddressVocabulary): fc.Arbitrary<IotlbWriteSpec> {
  return fc
  .record({
    header: headerArb,
    layout: fc.constantFrom<U.Abi>('lp64', 'lp64', 'lp64', 'i386'),
    asid: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 0xffffffff) }),
    iova: v.iova,
    size: v.size,
    uaddr: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 255 }).map(k => 0x7f00_0000_0000n + BigInt(k) * 0x1000n) },
      // below a 32-bit kernel's user limit (0xC0000000)
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map(k => 0x1000_0000n + BigInt(k) * 0x1000n) },
      // ranges that end at a limit: 2^64, 2^47 - 4096 (x86-64), 0xC0000000 and 2^32 (32-bit)
      { weight: 1, arbitrary: fc.constantFrom(U64_MAX - 0xfffn, (1n << 47n) - 0x2000n, 0xbfff_f000n, 0xffff_f000n) },
      { weight: 1, arbitrary: u64Arb },
    ),
    perm: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 2, 3) }, { weight: 1, arbitrary: fc.constantFrom(0, 0xff) }),
    type: msgTypeArb,
    length: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 72 }) },
    ),
    // a range ending exactly at 2^64, where `iova + size` wraps to 0 and an inclusive `last` does not
    toTheEnd: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(r => {
    const { length, toTheEnd, ...rest } = r;
    const msg = toTheEnd ? { ...rest, size: BigInt.asUintN(64, -rest.iova) } : rest;
    return length === undefined ? msg : { ...msg, length };
  });
}

/**
 * A write() of bytes nobody laid out: a well-formed message with bytes overwritten, cut short
 * or extended, so the kernel's framing (header, asid word, padding, short reads) meets garbage.
 */
export const rawWriteArb: fc.Arbitrary<Op> = fc.record({
  spec: iotlbWriteSpecArb,
  pokes: fc.array(fc.tuple(fc.nat({ max: 79 }), fc.nat({ max: 255 })), { maxLength: 4 }),
  length: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 80 }) }),
}).map(({ spec, pokes, length }): Op => {
  const enc = encodeIotlbWrite(spec);
  const bytes = new Uint8Array(Math.max(enc.length, length ?? 0));
  bytes.set(enc);
  for (const [at, v] of pokes) if (at < bytes.length) bytes[at] = v;
  return { kind: 'IOTLB_WRITE_RAW', bytes: toHex(bytes.subarray(0, length ?? bytes.length)) };
});

const statusArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.constantFrom(1, 3, 11, 15) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1ff }) },
);

/**
 * Vring starts and stops with the arguments a VMM passes (start 1/0; vq 0 or 1, the tap or -1),
 * and sometimes ones it should not: a start other than 0 or 1, a vq past the device's, a non-socket fd.
 */
export const vringOpArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 0) }, { weight: 1, arbitrary: fc.constantFrom(2, -1) })
      .map((start): Op => ({ kind: 'VSOCK_SET_RUNNING', start })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      index: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(2, 0xffff_ffff) }),
      fd: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(NET_TAP_FD, -1) }, { weight: 1, arbitrary: fc.constant(0) }),
    }).map((a): Op => ({ kind: 'NET_SET_BACKEND', ...a })),
  },
);

export const vhostOpArb: fc.Arbitrary<Op> = vhostOpWith(DEFAULT_VOCABULARY);

export function vhostOpWith(v: AddressVocabulary): fc.Arbitrary<Op> {
  return fc.oneof(
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'GET_FEATURES' }) },
  { weight: 3, arbitrary: featureWordArb.map((features): Op => ({ kind: 'SET_FEATURES', features })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'GET_BACKEND_FEATURES' }) },
  { weight: 2, arbitrary: backendWordArb.map((features): Op => ({ kind: 'SET_BACKEND_FEATURES', features })) },
  { weight: 12, arbitrary: iotlbWriteSpecWith(v).map((msg): Op => ({ kind: 'IOTLB_WRITE', msg })) },
  { weight: 2, arbitrary: fc.constantFrom(72, 72, 0, 68, 71, 200).map((len): Op => ({ kind: 'IOTLB_READ', len })) },
  { weight: 2, arbitrary: statusArb.map((status): Op => ({ kind: 'VDPA_SET_STATUS', status })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'VDPA_GET_STATUS' }) },
  { weight: 10, arbitrary: fc.record({ iova: v.iova, len: lenArb, access: fc.constantFrom(1, 2, 3) }).map((a): Op => ({ kind: 'VQ_ACCESS', ...a })) },
  { weight: 4, arbitrary: vringOpArb },
  { weight: 2, arbitrary: ackedFeaturesArb.map((guestFeatures): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures })) },
  { weight: 2, arbitrary: featuresArrayOpArb },
  );
}

/**
 * A vhost script: a likely setup, then ops over one address vocabulary. `mix` may add other
 * parties' ops to the vhost op generator.
 */
export function vhostScriptArb(maxLength = 40, mix: (vhostOp: fc.Arbitrary<Op>) => fc.Arbitrary<Op> = o => o): fc.Arbitrary<Op[]> {
  return fc.tuple(iotlbSetupArb, vocabularyArb().chain(v => fc.array(mix(vhostOpWith(v)), { maxLength, size: 'max' })))
    .map(([a, b]) => [...a, ...b]);
}

/**
 * The big-table regime (issue 15): userspace loads hundreds to a few thousand maps in one batch
 * (a vIOMMU VMM replaying a guest's mappings; vhost-vdpa's parent gets them in one set_map at
 * BATCH_END) before the usual ops, so the implementation's blocked index splits, empties and
 * repairs blocks (impl/iotlbOrder.ts, BLOCK_MAX 512) the way P0's short scripts never make it.
 * Maps on a 4 KiB grid of a 16 MiB window, some sharing a start, some spanning many later starts;
 * the ops after them are drawn over the same window.
 */
/** where the window starts */
const BIG_BASE = 0x4000_0000n;
const BIG_PAGES = 4096;
const bigMapArb: fc.Arbitrary<Op> = fc.record({
  page: fc.oneof({ weight: 4, arbitrary: fc.nat(BIG_PAGES - 1) }, { weight: 1, arbitrary: fc.nat(63).map(k => k * 64) }),
  pages: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 64, max: BIG_PAGES }) }),
  perm: fc.constantFrom(U.VHOST_ACCESS_RW, U.VHOST_ACCESS_RW, U.VHOST_ACCESS_RO, U.VHOST_ACCESS_WO),
}).map(({ page, pages, perm }) =>
  iotlbMsg(U.VHOST_IOTLB_UPDATE, BIG_BASE + BigInt(page) * 0x1000n, BigInt(pages) * 0x1000n, 0x7f00_0000_0000n + BigInt(page) * 0x1000n, perm));

const batch = (type: number): Op => iotlbMsg(type, 0n, 0n, 0n, 0);

/** Addresses in and at the edges of the loaded window. */
const bigVocabulary: AddressVocabulary = {
  iova: fc.oneof(
    { weight: 4, arbitrary: fc.nat(BIG_PAGES - 1).chain(p => fc.constantFrom(0n, 1n, 0xfffn, 0x1000n).map(o => BIG_BASE + BigInt(p) * 0x1000n + o)) },
    { weight: 1, arbitrary: fc.constantFrom(BIG_BASE - 1n, BIG_BASE + BigInt(BIG_PAGES) * 0x1000n) },
  ),
  size: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(1n, 0x1000n, 0x2000n, 0x10000n) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: BIG_PAGES }).map(n => BigInt(n) * 0x1000n) }),
};

export function bigTableScriptArb(mix: (vhostOp: fc.Arbitrary<Op>) => fc.Arbitrary<Op> = o => o, loaded = { min: 600, max: 1500 }): fc.Arbitrary<Op[]> {
  return fc.tuple(fc.array(bigMapArb, { minLength: loaded.min, maxLength: loaded.max }), fc.array(mix(vhostOpWith(bigVocabulary)), { maxLength: 30 }))
    .map(([maps, ops]): Op[] => [
      { kind: 'SET_BACKEND_FEATURES', features: wordOf([U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH]) },
      { kind: 'SET_FEATURES', features: wordOf([U.VIRTIO_F_ACCESS_PLATFORM, U.VIRTIO_F_VERSION_1]) },
      batch(U.VHOST_IOTLB_BATCH_BEGIN), ...maps, batch(U.VHOST_IOTLB_BATCH_END), ...ops,
    ]);
}
