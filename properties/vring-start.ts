// What I6's `start` law knows of starting a vring on vhost-net/vsock, stated from the kernel's
// rules and nothing of the model: vhost_vq_init_access's two user accesses of the used ring
// (vhost_update_used_flags puts used->flags, vhost_get_used_idx gets used->idx), through a known
// IOTLB table or the VMM's own memory; vhost_vsock_start/stop and vhost_net_set_backend around
// them; and the vq_meta_prefetch of the RX vq's rings by the worker a vsock start kicks.
// Read in drivers/vhost/vhost.c (vhost_vq_init_access, __vhost_get_user_slow, iotlb_access_ok,
// vq_meta_prefetch, vhost_vring_ioctl), vsock.c and net.c of the lab kernels (6.1, 6.12, 7.2).

import fc from 'fast-check';
import {
  FEATURES_ARRAY_END, FEATURES_ARRAY_PAGE, GUEST_RAM_HVA, GUEST_RAM_SIZE, NET_TAP_FD, VRING_AVAIL_ADDR, VRING_DESC_ADDR,
  VRING_NUM, VRING_USED_ADDR,
} from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op, VringOp } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { bit } from '../types/bits.ts';
import { expectedAccess, type TableMap } from './iotlb-table.ts';

type VringObservation = Extract<Observation, { kind: 'vring' }>;

/**
 * Where vhost's own accesses of a vq's rings go: the IOTLB, while the law knows its maps; the
 * VMM's memory, when there is no IOTLB. `forgotten`: vhost_vq_invalidate_access ran (a kernel
 * that invalidates the rings on IOTLB transitions), so desc, avail and used are NULL.
 */
export type RingMemory =
  | { readonly kind: 'iotlb'; readonly table: readonly TableMap[]; readonly forgotten: boolean }
  | { readonly kind: 'user'; readonly forgotten: boolean };

/** What the law reads of the vrings: which vqs have a backend (vq->private_data), known from what each op observed. */
export interface VringLawState {
  readonly backends: readonly boolean[];
  /** the ack word in force: VIRTIO_RING_F_EVENT_IDX sizes the avail and used rings */
  readonly features: bigint;
}

/** Both devices have two vqs (VHOST_NET_VQ_MAX, VHOST_VSOCK_NVQS). */
export const NO_BACKENDS: readonly boolean[] = [false, false];

/** The memory the harness's VMM has: guest RAM at its HVA and the page of its features-array buffer. */
function vmmHasMemory(addr: bigint, len: number): boolean {
  const within = (start: bigint, end: bigint): boolean => addr >= start && addr + BigInt(len) <= end;
  return within(GUEST_RAM_HVA, GUEST_RAM_HVA + GUEST_RAM_SIZE) || within(FEATURES_ARRAY_PAGE, FEATURES_ARRAY_END);
}

type UserAccess = Pick<VringObservation, 'ret' | 'miss'>;

/**
 * vhost_get_user / vhost_put_user of `len` bytes: the VMM's address without an IOTLB; with one,
 * __vhost_get_user_slow: translate_desc asking VHOST_ACCESS_RO (the put too), a hole queues a MISS
 * at its first byte, and the access works only as one segment of the VMM's memory. null: no claim.
 */
function userAccess(mem: RingMemory, addr: bigint, len: number): UserAccess | null {
  if (mem.kind === 'user') return { ret: vmmHasMemory(addr, len) ? 0 : -U.EFAULT, miss: null };
  const e = expectedAccess(mem.table, addr, len, U.VHOST_ACCESS_RO);
  if (e === null || e.o.kind !== 'access') return null;
  if (e.o.outcome === 'miss') return { ret: -U.EFAULT, miss: e.missAt };
  const one = e.o.outcome === 'ok' && e.o.segments.length === 1 && vmmHasMemory(e.o.segments[0]![0], len);
  return { ret: one ? 0 : -U.EFAULT, miss: null };
}

/** vhost_vq_init_access: put used->flags, then get used->idx (offset 2); the first failure is the answer. */
function initAccess(mem: RingMemory, vq: number): UserAccess | null {
  const used = mem.forgotten ? 0n : VRING_USED_ADDR[vq]!;
  const flags = userAccess(mem, used, 2);
  if (flags === null || flags.ret !== 0) return flags;
  return userAccess(mem, BigInt.asUintN(64, used + 2n), 2);
}

/**
 * vq's desc, avail and used rings for VRING_NUM entries, each with the access vq_meta_prefetch asks
 * of it: desc (RO, 16 bytes an entry), avail (RO, 4 + 2 an entry) and used (WO, 4 + 8 an entry;
 * avail and used + 2 with EVENT_IDX: vhost_get_avail_size, vhost_get_used_size).
 */
function ringsOf(vq: number, features: bigint): readonly (readonly [addr: bigint, len: bigint, access: number])[] {
  const event = (features & bit(U.VIRTIO_RING_F_EVENT_IDX)) !== 0n ? 2n : 0n;
  const n = BigInt(VRING_NUM);
  return [
    [VRING_DESC_ADDR[vq]!, 16n * n, U.VHOST_ACCESS_RO],
    [VRING_AVAIL_ADDR[vq]!, 4n + 2n * n + event, U.VHOST_ACCESS_RO],
    [VRING_USED_ADDR[vq]!, 4n + 8n * n + event, U.VHOST_ACCESS_WO],
  ];
}

/**
 * vq_meta_prefetch of vq: nothing without an IOTLB or with the rings forgotten; else
 * iotlb_access_ok over its rings in that order: the first byte no map holds is the MISS it queues
 * and ends it; a map without the access ends it without one.
 */
function prefetchMiss(mem: RingMemory, features: bigint, vq: number): bigint | null {
  if (mem.kind === 'user' || mem.forgotten) return null;
  for (const [addr, len, access] of ringsOf(vq, features)) {
    for (let a = addr; a < addr + len;) {
      const m = mem.table.find(t => t.start <= a && a <= t.last);
      if (m === undefined) return a;
      if ((m.perm & access) === 0) return null;
      a = m.last + 1n;
    }
  }
  return null;
}

/** VSOCK_VQ_RX: the vq whose worker (send_pkt_work) every successful start kicks. */
const VSOCK_VQ_RX = 0;

/**
 * What a vring op must observe on `device`, or null where the law cannot tell (mem null: the
 * IOTLB's maps unknown). Each device implements its own op; the other reaches
 * vhost_vring_ioctl: a first word >= nvqs is -ENOBUFS, else -ENOTTY.
 */
export function expectedVringOp(device: Exclude<VhostDevice, 'vhost-vdpa'>, op: VringOp, s: VringLawState, mem: RingMemory | null): VringObservation | null {
  const seen = (r: UserAccess): VringObservation => ({ kind: 'vring', ...r });
  const done = seen({ ret: 0, miss: null });
  const mine = device === 'vhost-vsock' ? op.kind === 'VSOCK_SET_RUNNING' : op.kind === 'NET_SET_BACKEND';
  if (!mine) {
    const first = op.kind === 'VSOCK_SET_RUNNING' ? op.start : op.index;
    return seen({ ret: first >>> 0 >= NO_BACKENDS.length ? -U.ENOBUFS : -U.ENOTTY, miss: null });
  }
  if (op.kind === 'VSOCK_SET_RUNNING') {
    if ((op.start | 0) === 0) return done;
    // vhost_vsock_start: each vq without a backend gets one and its init access; any failure undoes all
    for (let vq = 0; vq < s.backends.length; vq++) {
      if (s.backends[vq]) continue;
      const r = mem && initAccess(mem, vq);
      if (r === null) return null;
      if (r.ret !== 0) return seen(r);
    }
    return mem && seen({ ret: 0, miss: prefetchMiss(mem, s.features, VSOCK_VQ_RX) });
  }
  // vhost_net_set_backend: the vq index, then get_socket (-1 detaches), then the init access of a new socket
  const vq = op.index >>> 0;
  if (vq >= NO_BACKENDS.length) return seen({ ret: -U.ENOBUFS, miss: null });
  const fd = op.fd | 0;
  if (fd !== -1 && fd !== NET_TAP_FD) return seen({ ret: -U.ENOTSOCK, miss: null });
  if (fd === -1 || s.backends[vq]) return done;
  const r = mem && initAccess(mem, vq);
  return r && seen(r);
}

/** The vqs' backends after what the op observed: a vsock start sets all or none, a stop clears all; a net op that worked sets its vq. */
export function backendsAfter(device: Exclude<VhostDevice, 'vhost-vdpa'>, op: VringOp, o: VringObservation, backends: readonly boolean[]): readonly boolean[] {
  if (device === 'vhost-vsock' && op.kind === 'VSOCK_SET_RUNNING') return backends.map(() => (op.start | 0) !== 0 && o.ret === 0);
  if (device === 'vhost-net' && op.kind === 'NET_SET_BACKEND' && o.ret === 0) return backends.map((b, i) => (i === op.index >>> 0 ? (op.fd | 0) !== -1 : b));
  return backends;
}

// --- the generator that plants the pattern ------------------------------------------------

/**
 * Where a map over the rings starts: vq 0's desc, avail and used rings, vq 1's used ring, and
 * vq 0's used idx (a map there beside one at the flags splits the init access in two).
 */
const RING_IOVAS = [VRING_DESC_ADDR[0]!, VRING_AVAIL_ADDR[0]!, VRING_USED_ADDR[0]!, VRING_USED_ADDR[1]!, VRING_USED_ADDR[0]! + 2n];
/** The uaddr a ring map gives: its own HVA (guest RAM), memory the VMM lacks, the features-array page, guest RAM's last 2 bytes. */
const UADDRS = (iova: bigint): readonly bigint[] => [iova, 0x1000n, FEATURES_ARRAY_PAGE, GUEST_RAM_HVA + GUEST_RAM_SIZE - 2n];

const ringMap = (iova: bigint, size: bigint, uaddr: bigint, perm: number): Op => ({
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr, perm, type: U.VHOST_IOTLB_UPDATE },
});
/** The bytes of the ring starting at iova without EVENT_IDX; a used ring's for vq 0's used idx. */
const ringBytes = (iova: bigint): bigint => {
  const [desc, avail, used] = ringsOf(0, 0n);
  return iova === desc![0] ? desc![1] : iova === avail![0] ? avail![1] : used![1];
};
/**
 * A map at a ring's start: the flags alone, flags and idx, or the ring one byte short, whole,
 * or whole with EVENT_IDX's event word; readable, writable or both; to memory the VMM has or lacks.
 */
const ringMapArb = (iovas: readonly bigint[]): fc.Arbitrary<Op> => fc.record({
  iova: fc.constantFrom(...iovas),
  // mostly the whole ring (with or without the event word): the prefetch then reaches the next one
  size: fc.constantFrom('whole', 'event', 'whole', 'event', 'short', 'flags', 'flags+idx'),
  uaddr: fc.integer({ min: 0, max: 3 }),
  perm: fc.constantFrom(U.VHOST_ACCESS_RW, U.VHOST_ACCESS_RO, U.VHOST_ACCESS_WO),
}).map(({ iova, size, uaddr, perm }) => {
  const whole = ringBytes(iova);
  const bytes = { 'flags': 2n, 'flags+idx': 4n, 'short': whole - 1n, 'whole': whole, 'event': whole + 2n }[size];
  return ringMap(iova, bytes, UADDRS(iova)[uaddr]!, perm);
});
/** Both used rings mapped read-write to their own HVA, as a vIOMMU VMM does before a start that works. */
const usedRingsMapped = fc.constantFrom(0x406n, 0x408n).map(size => VRING_USED_ADDR.map(a => ringMap(a, size, a, U.VHOST_ACCESS_RW)));
/** Then perhaps vq 0's desc and avail rings, whole or in part, so the worker's prefetch finds its first hole or refusal. */
const prefetchedRings = fc.tuple(fc.option(ringMapArb([VRING_DESC_ADDR[0]!])), fc.option(ringMapArb([VRING_AVAIL_ADDR[0]!])))
  .map(ms => ms.filter((m): m is Op => m !== null));

const vringOpsArb = fc.constantFrom<Op>(
  { kind: 'VSOCK_SET_RUNNING', start: 1 }, { kind: 'VSOCK_SET_RUNNING', start: 0 },
  { kind: 'NET_SET_BACKEND', index: 0, fd: NET_TAP_FD }, { kind: 'NET_SET_BACKEND', index: 1, fd: NET_TAP_FD },
  { kind: 'NET_SET_BACKEND', index: 0, fd: -1 }, { kind: 'NET_SET_BACKEND', index: 2, fd: NET_TAP_FD }, { kind: 'NET_SET_BACKEND', index: 0, fd: 0 },
);

/**
 * start: the IOTLB made (with EVENT_IDX or not) or not, maps over the rings (whole, part, split,
 * read-only or write-only, to memory the VMM has or lacks), then starts and stops of either
 * device, and reads of the MISS messages they queued.
 */
export const vringStartLaw: fc.Arbitrary<Op[]> = fc.record({
  features: fc.constantFrom(0n, bit(U.VIRTIO_F_ACCESS_PLATFORM), bit(U.VIRTIO_F_ACCESS_PLATFORM) | bit(U.VIRTIO_RING_F_EVENT_IDX)),
  maps: fc.tuple(fc.oneof(usedRingsMapped, fc.array(ringMapArb(RING_IOVAS), { maxLength: 3 })), prefetchedRings).map(([a, b]) => [...a, ...b]),
  ops: fc.array(vringOpsArb, { maxLength: 4 }),
  reads: fc.array(fc.constant<Op>({ kind: 'IOTLB_READ', len: 100 }), { maxLength: 2 }),
}).map(({ features, maps, ops, reads }): Op[] => [{ kind: 'SET_FEATURES', features }, ...maps, ...ops, ...reads]);
