// The vring start and stop, case by case: what VHOST_VSOCK_SET_RUNNING and VHOST_NET_SET_BACKEND
// return and which MISS they queue, with and without the device IOTLB, with maps that cover the
// used rings or not, read-only and write-only maps, and on the devices that lack the ioctl. Each
// case runs on the model and the implementation, which must say the same at every step.

import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImplStack } from '../impl/stack.ts';
import { hiOf, loOf } from '../impl/u64.ts';
import { vmmMapsWords } from '../impl/vring.ts';
import { createModelStack } from '../model/stack.ts';
import { vmmMapsAddr } from '../model/vring.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { FEATURES_ARRAY_END, FEATURES_ARRAY_PAGE, GUEST_RAM_HVA, GUEST_RAM_SIZE, NET_TAP_FD, VRING_AVAIL_ADDR, VRING_DESC_ADDR, VRING_USED_ADDR } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { IotlbTransitionRule, VhostDevice } from '../types/policy.ts';
import { formatObservation, formatOp, hex } from '../types/trace.ts';
import * as U from '../types/uapi.ts';

const [USED0, USED1] = VRING_USED_ADDR as [bigint, bigint];
const [DESC0] = VRING_DESC_ADDR as [bigint, bigint];
const [AVAIL0] = VRING_AVAIL_ADDR as [bigint, bigint];
const IOTLB_ON: Op = { kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) };
const update = (iova: bigint, size: bigint, perm: number): Op => ({
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr: 0x7f00_0010_0000n, perm, type: U.VHOST_IOTLB_UPDATE },
});
const start = (s = 1): Op => ({ kind: 'VSOCK_SET_RUNNING', start: s });
const backend = (index: number, fd: number): Op => ({ kind: 'NET_SET_BACKEND', index, fd });
const READ: Op = { kind: 'IOTLB_READ', len: 72 };
const missAt = (iova: bigint): string => `-EFAULT, MISS iova=${hex(iova)} queued`;
/** a start that succeeded, and the MISS vhost's worker then queued prefetching the rings (vq_meta_prefetch) */
const prefetchMissAt = (iova: bigint): string => `0, MISS iova=${hex(iova)} queued`;
const readMiss = (iova: bigint): string => `72 bytes v1 MISS iova=${hex(iova)} perm=RO`;

type Step = readonly [Op, string];

/** A kernel whose rings stay where the VMM set them (6.1's iotlbTransitions), unless said otherwise. */
function profileFor(device: VhostDevice, iotlbTransitions: IotlbTransitionRule): Profile {
  return { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device, iotlbTransitions } };
}

/** Run the steps on model and impl: both must print the expected observation at every step. */
function expectSteps(device: VhostDevice, steps: readonly Step[], transitions: IotlbTransitionRule = 'keep-rings'): void {
  const model = createModelStack(profileFor(device, transitions));
  const impl = createImplStack(profileFor(device, transitions));
  steps.forEach(([op, want], i) => {
    const m = model.apply(op);
    const o = impl.apply(op);
    expect(isDeepStrictEqual(m, o), `step ${i} ${formatOp(op)}: model ${formatObservation(m)}, impl ${formatObservation(o)}`).toBe(true);
    expect(formatObservation(m), `step ${i} ${formatOp(op)}`).toBe(want);
  });
}

describe('VHOST_VSOCK_SET_RUNNING (vhost_vsock_start → vhost_vq_init_access)', () => {
  it('without the device IOTLB reaches the used rings at the VMM\'s addresses', () => {
    expectSteps('vhost-vsock', [[start(), '0'], [start(), '0'], [start(0), '0'], [start(), '0'], [READ, '-EAGAIN']]);
  });

  it('with the IOTLB on and no maps: -EFAULT, and a MISS for vq 0\'s used->flags (the crosvm story)', () => {
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [start(), missAt(USED0)], [READ, readMiss(USED0)], [READ, '-EAGAIN']]);
  });

  it('queues the MISS in v2 format when IOTLB_MSG_V2 is acked, and again on every failed start', () => {
    expectSteps('vhost-vsock', [
      [{ kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) }, '0'], [IOTLB_ON, '0'],
      [start(), missAt(USED0)], [start(), missAt(USED0)],
      [READ, `72 bytes v2 MISS iova=${hex(USED0)} perm=RO`], [READ, `72 bytes v2 MISS iova=${hex(USED0)} perm=RO`],
    ]);
  });

  it('starts once a map covers both used rings, read-write or read-only (the put of used->flags asks for RO)', () => {
    // vhost's worker then prefetches vq 0's rings and misses at its desc ring (the next describe)
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [update(USED0, 0x1000n, U.VHOST_ACCESS_RW), '72'], [start(), prefetchMissAt(DESC0)], [READ, readMiss(DESC0)], [READ, '-EAGAIN']]);
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [update(USED0, 0x1000n, U.VHOST_ACCESS_RO), '72'], [start(), prefetchMissAt(DESC0)]]);
  });

  it('fails on -EPERM after one good segment: used->flags over an RO byte then a WO byte', () => {
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [update(USED0, 1n, U.VHOST_ACCESS_RO), '72'], [update(USED0 + 1n, 1n, U.VHOST_ACCESS_WO), '72'],
      [update(USED0 + 2n, 0xffen, U.VHOST_ACCESS_RO), '72'], [start(), '-EFAULT'], [READ, '-EAGAIN'],
    ]);
  });

  it('fails without a MISS on a write-only map (translate_desc -EPERM) and on used->flags split over two maps', () => {
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [update(USED0, 0x1000n, U.VHOST_ACCESS_WO), '72'], [start(), '-EFAULT'], [READ, '-EAGAIN']]);
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [update(USED0, 1n, U.VHOST_ACCESS_RW), '72'], [update(USED0 + 1n, 0x1000n, U.VHOST_ACCESS_RW), '72'],
      [start(), '-EFAULT'], [READ, '-EAGAIN'],
    ]);
  });

  it('misses at the first unmapped byte: used->idx, then vq 1\'s ring; a failed start clears vq 0 too', () => {
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [update(USED0, 2n, U.VHOST_ACCESS_RW), '72'], [start(), missAt(USED0 + 2n)],
      [update(USED0 + 2n, 2n, U.VHOST_ACCESS_RW), '72'], [start(), missAt(USED1)],
      [update(USED1, 4n, U.VHOST_ACCESS_RW), '72'], [start(), prefetchMissAt(DESC0)],
    ]);
  });

  it('does not touch a running device: a new empty IOTLB under it changes nothing until the next start', () => {
    // (the worker a start kicks does see it: its prefetch misses)
    expectSteps('vhost-vsock', [[start(), '0'], [IOTLB_ON, '0'], [start(), prefetchMissAt(DESC0)], [start(0), '0'], [start(), missAt(USED0)]]);
  });

  it('takes any nonzero int as start; VHOST_NET_SET_BACKEND is not a vsock ioctl', () => {
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [start(2), missAt(USED0)], [start(-1), missAt(USED0)],
      [backend(0, NET_TAP_FD), '-ENOTTY'], [backend(1, -1), '-ENOTTY'], [backend(2, NET_TAP_FD), '-ENOBUFS'],
    ]);
  });
});

describe('the worker a start runs (vq_meta_prefetch: desc RO, avail RO, used WO)', () => {
  const map = (iova: bigint, size: bigint, perm: number = U.VHOST_ACCESS_RW): Op => ({
    kind: 'IOTLB_WRITE',
    msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr: GUEST_RAM_HVA + (iova & 0xffff_ffffn), perm, type: U.VHOST_IOTLB_UPDATE },
  });
  const EVENT_IDX_ON: Op = { kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) | bit(U.VIRTIO_RING_F_EVENT_IDX) };
  // 128 entries: desc 2048 bytes, avail 4 + 256 (+ 2 with EVENT_IDX), used 4 + 1024 (+ 2)
  const ringsOfVq0 = (availLen: bigint): Op[] => [map(USED0, 0x1000n), map(DESC0, 0x800n), map(AVAIL0, availLen)];

  it('misses at the first unmapped byte of the first ring that is not all mapped; with every ring mapped, nothing', () => {
    expectSteps('vhost-vsock', [IOTLB_ON, map(USED0, 0x1000n), map(DESC0, 0x7ffn)].map((op, i): Step => [op, i ? '72' : '0']).concat([
      [start(), prefetchMissAt(DESC0 + 0x7ffn)], [start(0), '0'], [map(DESC0 + 0x7ffn, 1n), '72'], [start(), prefetchMissAt(AVAIL0)],
      [start(0), '0'], [map(AVAIL0, 0x104n), '72'], [start(), '0'], [READ, readMiss(DESC0 + 0x7ffn)], [READ, readMiss(AVAIL0)], [READ, '-EAGAIN'],
    ]));
  });

  it('sizes avail and used by VIRTIO_RING_F_EVENT_IDX, and stops without a MISS where a map lacks the access (used is WO)', () => {
    expectSteps('vhost-vsock', [[EVENT_IDX_ON, '0'], ...ringsOfVq0(0x104n).map((op): Step => [op, '72']), [start(), prefetchMissAt(AVAIL0 + 0x104n)]]);
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [map(USED0, 0x1000n, U.VHOST_ACCESS_RO), '72'], [map(DESC0, 0x800n), '72'], [map(AVAIL0, 0x104n), '72'],
      [start(), '0'], [READ, '-EAGAIN'],
    ]);
  });

  it('not on net: the harness\'s tap is down, so no attach wakes handle_tx (tun_sock_writeable wants IFF_UP) or handle_rx', () => {
    expectSteps('vhost-net', [[IOTLB_ON, '0'], [map(USED0, 0x1000n), '72'], [backend(0, NET_TAP_FD), '0'], [backend(1, NET_TAP_FD), '0'], [READ, '-EAGAIN']]);
  });

  it('nothing without the IOTLB', () => {
    expectSteps('vhost-vsock', [[start(), '0'], [READ, '-EAGAIN']]);
  });

  it('nothing once the ring addresses are forgotten (a kernel that invalidates the rings on IOTLB transitions)', () => {
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [map(0n, 0x1000n), '72'], [start(), '0'], [READ, '-EAGAIN']], 'invalidate-rings');
  });

  it('a used ring that translates to memory the VMM does not map: __put_user faults, -EFAULT, no MISS', () => {
    const away: Op = { kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova: USED0, size: 0x1000n, uaddr: 0x1000n, perm: 3, type: U.VHOST_IOTLB_UPDATE } };
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [away, '72'], [start(), '-EFAULT'], [READ, '-EAGAIN']]);
  });
});

describe('VHOST_NET_SET_BACKEND (vhost_net_set_backend → vhost_vq_init_access)', () => {
  it('without the device IOTLB attaches and detaches each vq', () => {
    expectSteps('vhost-net', [[backend(0, NET_TAP_FD), '0'], [backend(0, NET_TAP_FD), '0'], [backend(1, NET_TAP_FD), '0'], [backend(0, -1), '0'], [backend(0, -1), '0']]);
  });

  it('with the IOTLB on and no maps: -EFAULT and a MISS for that vq\'s used ring; the old backend stays', () => {
    expectSteps('vhost-net', [
      [backend(0, NET_TAP_FD), '0'], [IOTLB_ON, '0'], [backend(0, NET_TAP_FD), '0'], [backend(0, -1), '0'],
      [backend(0, NET_TAP_FD), missAt(USED0)], [backend(1, NET_TAP_FD), missAt(USED1)],
      [update(USED0, 0x1000n, U.VHOST_ACCESS_RO), '72'], [backend(0, NET_TAP_FD), '0'], [backend(1, NET_TAP_FD), '0'],
    ]);
  });

  it('detaching drops every queued MISS (vhost_clear_msg, 9526f9a2b762), even on a vq without a backend', () => {
    expectSteps('vhost-net', [
      [IOTLB_ON, '0'], [backend(0, NET_TAP_FD), missAt(USED0)], [{ kind: 'VQ_ACCESS', iova: 0x1000n, len: 1, access: 1 }, 'MISS (waits for userspace)'],
      [backend(1, -1), '0'], [READ, '-EAGAIN'],
    ]);
  });

  it('checks the index before anything (no clearing), then the fd: only the tap is a socket', () => {
    expectSteps('vhost-net', [
      [IOTLB_ON, '0'], [backend(0, NET_TAP_FD), missAt(USED0)], [backend(2, -1), '-ENOBUFS'], [backend(0xffff_ffff, -1), '-ENOBUFS'], [backend(-1, -1), '-ENOBUFS'],
      [backend(0, 0), '-ENOTSOCK'], [READ, readMiss(USED0)],
    ]);
  });

  it('VHOST_VSOCK_SET_RUNNING is not a net ioctl: vhost_vring_ioctl reads the int as a vq index', () => {
    expectSteps('vhost-net', [[start(1), '-ENOTTY'], [start(0), '-ENOTTY'], [start(2), '-ENOBUFS'], [start(-1), '-ENOBUFS']]);
  });
});

describe('IOTLB transitions (kernel.iotlbTransitions; the lab\'s 6.1 keeps the rings, 6.12 and 7.2 invalidate them)', () => {
  const OFF: Op = { kind: 'SET_FEATURES', features: 0n };
  it('keep-rings: the start misses at the used ring, and acking the bit away leaves the IOTLB on', () => {
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [OFF, '0'], [start(), missAt(USED0)], [READ, readMiss(USED0)]], 'keep-rings');
  });

  it('invalidate-rings: the first IOTLB forgets the ring addresses, so the start misses at iova 0', () => {
    expectSteps('vhost-vsock', [[IOTLB_ON, '0'], [start(), missAt(0n)], [READ, readMiss(0n)], [IOTLB_ON, '0'], [start(), missAt(0n)]], 'invalidate-rings');
    expectSteps('vhost-net', [[IOTLB_ON, '0'], [backend(0, NET_TAP_FD), missAt(0n)], [READ, readMiss(0n)]], 'invalidate-rings');
  });

  it('invalidate-rings: acking the bit away drops the IOTLB and the queued MISS; the used ring at NULL then faults', () => {
    expectSteps('vhost-vsock', [
      [IOTLB_ON, '0'], [start(), missAt(0n)], [OFF, '0'], [READ, '-EAGAIN'], [start(), '-EFAULT'],
      // on again: a map at iova 0 now serves the forgotten rings
      [IOTLB_ON, '0'], [update(0n, 0x1000n, U.VHOST_ACCESS_RW), '72'], [start(), '0'],
    ], 'invalidate-rings');
  });
});

describe('vhost-vdpa has neither ioctl', () => {
  it('answers -ENOTTY, or -ENOBUFS for a vq index past vdpa->nvqs', () => {
    expectSteps('vhost-vdpa', [[start(1), '-ENOTTY'], [start(0), '-ENOTTY'], [start(7), '-ENOBUFS'], [backend(1, NET_TAP_FD), '-ENOTTY'], [backend(2, -1), '-ENOBUFS']]);
  });
});

describe('VHOST_VDPA_* ioctls on vhost-net and vhost-vsock', () => {
  it.each<VhostDevice>(['vhost-net', 'vhost-vsock'])('%s: vhost_vring_ioctl reads the status word as a vq index', device => {
    expectSteps(device, [
      [{ kind: 'VDPA_SET_STATUS', status: 0 }, '-ENOTTY'], [{ kind: 'VDPA_SET_STATUS', status: 1 }, '-ENOTTY'],
      [{ kind: 'VDPA_SET_STATUS', status: 0xf }, '-ENOBUFS'], [{ kind: 'VDPA_GET_STATUS' }, '-ENOTTY'],
    ]);
  });
});

describe('the VMM\'s own mapping (no device IOTLB)', () => {
  it('impl = model for any u64 address and length: inside guest RAM or the features-array page, no wrap past 2^64', () => {
    const TOP = 1n << 64n;
    const near = (v: bigint) => fc.bigInt({ min: -16n, max: 16n }).map(d => (v + d + TOP) % TOP);
    const addr = fc.oneof(fc.bigInt({ min: 0n, max: TOP - 1n }), near(GUEST_RAM_HVA), near(GUEST_RAM_HVA + GUEST_RAM_SIZE), near(TOP - 1n), near(0n),
      near(FEATURES_ARRAY_PAGE), near(FEATURES_ARRAY_END));
    fc.assert(fc.property(addr, fc.integer({ min: 0, max: 16 }), (a, len) => {
      // the model's bigint sum cannot wrap: an end past 2^64 is past the RAM's end as well
      expect(vmmMapsWords(hiOf(a), loOf(a), len)).toBe(vmmMapsAddr(a, len));
    }), { numRuns: 3000, seed: 15 });
    expect(vmmMapsWords(hiOf(GUEST_RAM_HVA + GUEST_RAM_SIZE - 2n), loOf(GUEST_RAM_HVA + GUEST_RAM_SIZE - 2n), 2)).toBe(true);
    expect(vmmMapsWords(hiOf(GUEST_RAM_HVA + GUEST_RAM_SIZE - 1n), loOf(GUEST_RAM_HVA + GUEST_RAM_SIZE - 1n), 2)).toBe(false);
    // the features-array buffer's page is the VMM's too, up to the buffer's end
    expect(vmmMapsAddr(FEATURES_ARRAY_PAGE, 2)).toBe(true);
    expect(vmmMapsAddr(FEATURES_ARRAY_END - 2n, 2)).toBe(true);
    expect(vmmMapsAddr(FEATURES_ARRAY_END - 1n, 2)).toBe(false);
    expect(vmmMapsAddr(FEATURES_ARRAY_PAGE - 1n, 2)).toBe(false);
  });
});
