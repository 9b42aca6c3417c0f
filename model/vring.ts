// Starting and stopping the vrings: VHOST_VSOCK_SET_RUNNING (drivers/vhost/vsock.c) and
// VHOST_NET_SET_BACKEND (drivers/vhost/net.c). Starting a vq is the first time vhost itself
// touches guest memory, in vhost_vq_init_access (drivers/vhost/vhost.c): it writes the used
// ring's flags and reads its idx. With the device IOTLB on and nothing mapped there, that
// access misses, a MISS is queued for userspace, and the ioctl fails with -EFAULT: where the
// crosvm story of seeds 000/001 ends ("VhostVsockStart(IoctlError(... Bad address))").
//
// Read in torvalds/linux drivers/vhost/vhost.c (vhost_vq_init_access, vhost_update_used_flags,
// vhost_get_used_idx, the vhost_put_user/vhost_get_user macros, __vhost_get_user(_slow),
// translate_desc, vq_access_ok, vhost_vq_access_ok, vhost_vring_ioctl), vsock.c
// (vhost_vsock_start/stop, vhost_vsock_dev_ioctl), net.c (vhost_net_set_backend, get_socket),
// and 9526f9a2b762 "vhost/net: Clear the pending messages when the backend is removed" (v6.2).
//
// A vsock start that succeeds with the device IOTLB on also runs vhost's worker on the RX vq
// (send_pkt_work), whose vq_meta_prefetch checks the whole of that vq's rings and queues a MISS at
// the first unmapped byte (vqMetaPrefetch). A net attach wakes no worker: the harness's tap is down.
//
// Not modelled: the owner check (the harness's VMM owns the device), VHOST_SET_VRING_ADDR/NUM
// (the harness set the rings up at VRING_*_ADDR, VRING_NUM), dirty logging, and vq->meta_iotlb:
// only a vq_meta_prefetch that passes fills that cache and every UPDATE/INVALIDATE empties it, so
// it never changes an answer, and vhost_vq_init_access always takes the translate_desc path here.

import {
  FEATURES_ARRAY_END, FEATURES_ARRAY_PAGE, GUEST_RAM_HVA, GUEST_RAM_SIZE, NET_TAP_FD, VRING_AVAIL_ADDR, VRING_DESC_ADDR,
  VRING_NUM, VRING_USED_ADDR,
} from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { VringOp } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import {
  EFAULT, ENOBUFS, ENOTSOCK, ENOTTY, VHOST_ACCESS_RO, VHOST_ACCESS_WO, VHOST_BACKEND_F_IOTLB_MSG_V2, VHOST_NET_VQ_MAX,
  VHOST_VSOCK_NVQS, VIRTIO_RING_F_EVENT_IDX,
} from '../types/uapi.ts';
import { hasBit } from '../types/bits.ts';
import { type Iotlb, iotlbFirst, mapSize, u64 } from './iotlb.ts';
import { missMsg, type QueuedMsg } from './iotlbMsg.ts';
import { translateDesc } from './translate.ts';

/**
 * vq->private_data of each vq: the backend (vsock: the device itself; net: the tap), or none.
 * The array is never changed in place (a snapshot shares it): setBackend and clearBackends.
 */
export interface VringState {
  backend: readonly boolean[];
  /** vhost_vq_invalidate_access ran: every vq's ring addresses are NULL, the used ring at address 0 */
  addressesForgotten: boolean;
}

/**
 * What the vrings need of their vhost device (model/vhost.ts's VhostState is one): which device,
 * the device IOTLB, the acked backend features (a MISS's format), the read and pending lists a MISS
 * joins and a net detach clears, and the vqs' backends. A narrow host, as impl/vring.ts's RingHost.
 */
export interface VringHost {
  readonly kernel: { readonly device: VhostDevice };
  readonly iotlb: Iotlb | null;
  /** the acked virtio features (VIRTIO_RING_F_EVENT_IDX sizes the avail and used rings) */
  readonly ackedFeatures: bigint;
  readonly ackedBackend: bigint;
  readList: readonly QueuedMsg[];
  pendingList: readonly QueuedMsg[];
  readonly vring: VringState;
}

/** What one of vhost's own user accesses did: 0 or -EFAULT, and the iova of the MISS it queued. */
interface UserAccess {
  readonly ret: number;
  readonly miss: bigint | null;
}

/** VSOCK_VQ_RX (drivers/vhost/vsock.c: the host-to-guest vq, whose worker a start kicks). */
const VSOCK_VQ_RX = 0;

/** sizeof(__virtio16): vring_used.flags and vring_used.idx. */
const U16 = 2;
/** offsetof(struct vring_used, idx) */
const USED_IDX = 2n;

/** dev->nvqs of vhost-net and vhost-vsock. */
export function vhostNvqs(device: VhostDevice): number {
  return device === 'vhost-net' ? VHOST_NET_VQ_MAX : VHOST_VSOCK_NVQS;
}

export function vringCreate(device: VhostDevice): VringState {
  return { backend: new Array<boolean>(vhostNvqs(device)).fill(false), addressesForgotten: false };
}

/** vhost_vq_invalidate_access on every vq (kernel.iotlbTransitions 'invalidate-rings'): desc, avail and used NULL. */
export function vringForgetAddresses(v: VringState): void {
  v.addressesForgotten = true;
}

/** Where vq's used ring is: the harness's address, or NULL once forgotten. */
function usedRingAddr(v: VringState, vq: number): bigint {
  return v.addressesForgotten ? 0n : VRING_USED_ADDR[vq]!;
}

function setBackend(v: VringState, vq: number, on: boolean): void {
  v.backend = v.backend.map((b, i) => (i === vq ? on : b));
}

function clearBackends(v: VringState): void {
  v.backend = v.backend.map(() => false);
}

/**
 * __put_user/__get_user on the VMM's own address (without the device IOTLB, or on the uaddr a
 * translation gave): they work where the VMM has memory, its guest RAM (the userspace_addr side
 * of the region it gave VHOST_SET_MEM_TABLE) and the page of its features-array buffer.
 */
export function vmmMapsAddr(addr: bigint, len: number): boolean {
  const within = (start: bigint, end: bigint): boolean => addr >= start && addr + BigInt(len) <= end;
  return within(GUEST_RAM_HVA, GUEST_RAM_HVA + GUEST_RAM_SIZE) || within(FEATURES_ARRAY_PAGE, FEATURES_ARRAY_END);
}

/**
 * __vhost_get_user_slow: translate_desc(addr, size, VHOST_ACCESS_RO) for the used ring too
 * (writes included: the put of used->flags asks for RO, so a read-only map lets it through and a
 * write-only one does not); a hole queues a MISS (-EAGAIN); any failure, or a translation split
 * over two maps ("Non atomic userspace memory access"), makes the access -EFAULT.
 */
export function vhostGetUserSlow(s: VringHost, addr: bigint, len: number): UserAccess {
  const t = translateDesc(s.iotlb!, addr, len, VHOST_ACCESS_RO);
  switch (t.outcome) {
    case 'hole':
      // vhost_iotlb_miss: appended to dev->read_list (a new array: never changed in place)
      s.readList = [...s.readList, missMsg(hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2), t.addr, VHOST_ACCESS_RO)];
      return { ret: -EFAULT, miss: t.addr };
    // then __get_user/__put_user on the uaddr it gave, which faults where the VMM maps nothing (the
    // lab, 6.1.176: a used ring mapped to an unmapped uaddr makes the start -EFAULT, no MISS)
    case 'ok': return { ret: t.segments.length === 1 && vmmMapsAddr(t.segments[0]![0], len) ? 0 : -EFAULT, miss: null };
    default: return { ret: -EFAULT, miss: null };
  }
}

/** vq_meta_prefetch's three ranges of a vq: desc (RO), avail (RO), used (WO), each sized for VRING_NUM entries. */
function ringRanges(s: VringHost, vq: number): readonly (readonly [addr: bigint, len: bigint, access: number])[] {
  // vhost_get_desc_size, vhost_get_avail_size, vhost_get_used_size: the event word with EVENT_IDX
  const event = hasBit(s.ackedFeatures, VIRTIO_RING_F_EVENT_IDX) ? 2n : 0n;
  const num = BigInt(VRING_NUM);
  return [
    [VRING_DESC_ADDR[vq]!, 16n * num, VHOST_ACCESS_RO],
    [VRING_AVAIL_ADDR[vq]!, 4n + 2n * num + event, VHOST_ACCESS_RO],
    [VRING_USED_ADDR[vq]!, 4n + 8n * num + event, VHOST_ACCESS_WO],
  ];
}

/**
 * iotlb_access_ok: every byte of [addr, addr + len) mapped with `access`, however many maps that
 * takes. A hole queues a MISS at its first byte (vhost_iotlb_miss, with the access asked for) and
 * fails; a map without the access fails without one.
 */
function iotlbAccessOk(s: VringHost, t: Iotlb, addr: bigint, len: bigint, access: number): { readonly ok: boolean; readonly miss: bigint | null } {
  const last = u64(addr + len - 1n);
  for (let done = 0n; len > done;) {
    const m = iotlbFirst(t, addr, last);
    if (m === undefined || m.start > addr) {
      s.readList = [...s.readList, missMsg(hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2), addr, access)];
      return { ok: false, miss: addr };
    }
    if ((m.perm & access) === 0) return { ok: false, miss: null };
    const size = u64(mapSize(m) - addr + m.start);
    done = u64(done + size);
    addr = u64(addr + size);
  }
  return { ok: true, miss: null };
}

/**
 * vq_meta_prefetch as vhost's worker runs it once a start succeeded: nothing without the device
 * IOTLB or once the ring addresses are forgotten (all three NULL: "return 0"), else
 * iotlb_access_ok over the desc, avail and used rings in that order, stopping at the first that
 * fails. The MISS it queued, if any. The lab, 6.1.176: a vsock start after mapping the used rings
 * only queues a MISS at vq 0's desc ring.
 */
export function vqMetaPrefetch(s: VringHost, vq: number): bigint | null {
  if (s.iotlb === null || s.vring.addressesForgotten) return null;
  for (const [addr, len, access] of ringRanges(s, vq)) {
    const r = iotlbAccessOk(s, s.iotlb, addr, len, access);
    if (!r.ok) return r.miss;
  }
  return null;
}

/** The vhost_put_user / vhost_get_user macros: the VMM's address, or the IOTLB once it is on. */
export function vhostUserAccess(s: VringHost, addr: bigint, len: number): UserAccess {
  if (s.iotlb === null) return { ret: vmmMapsAddr(addr, len) ? 0 : -EFAULT, miss: null };
  return vhostGetUserSlow(s, addr, len);
}

/**
 * vhost_vq_init_access on a vq whose backend was just set: vhost_update_used_flags (put
 * used->flags), then vhost_get_used_idx (get used->idx); the first failure is the result.
 * (Without an IOTLB it also checks access_ok(&used->idx), which a user address passes.)
 */
export function vhostVqInitAccess(s: VringHost, vq: number): UserAccess {
  const used = usedRingAddr(s.vring, vq);
  const flags = vhostUserAccess(s, used, U16);
  if (flags.ret !== 0) return flags;
  return vhostUserAccess(s, u64(used + USED_IDX), U16);
}

/**
 * vhost_vsock_start: for each vq, vhost_vq_access_ok (true with an IOTLB, "Access validation
 * occurs at prefetch time"; access_ok of the rings' user addresses without: never fails here),
 * then, if it has no backend yet, set it and vhost_vq_init_access; on a failure every vq's
 * backend is cleared again (err_vq). A running device is not touched.
 */
export function vhostVsockStart(s: VringHost): Observation {
  for (let vq = 0; vq < s.vring.backend.length; vq++) {
    if (s.vring.backend[vq]) continue;
    setBackend(s.vring, vq, true);
    const r = vhostVqInitAccess(s, vq);
    if (r.ret !== 0) {
      clearBackends(s.vring);
      return { kind: 'vring', ret: r.ret, miss: r.miss };
    }
  }
  // "Some packets may have been queued before the device was started, let's kick the send worker":
  // every start that succeeds queues send_pkt_work on the RX vq
  return { kind: 'vring', ret: 0, miss: vqMetaPrefetch(s, VSOCK_VQ_RX) };
}

/** vhost_vsock_stop: every vq's backend cleared; no access. */
export function vhostVsockStop(s: VringHost): Observation {
  clearBackends(s.vring);
  return { kind: 'vring', ret: 0, miss: null };
}

/** What get_socket makes of an fd: -1 is "no backend", the harness's tap is a socket, any other fd is not one. */
export type NetSocket = 'none' | 'tap' | 'not-a-socket';

export function netGetSocket(fd: number): NetSocket {
  if (fd === -1) return 'none';
  return fd === NET_TAP_FD ? 'tap' : 'not-a-socket';
}

/**
 * vhost_net_set_backend: index >= VHOST_NET_VQ_MAX is -ENOBUFS; fd -1 first drops every queued
 * and pending IOTLB message (vhost_clear_msg, 9526f9a2b762); vhost_vq_access_ok (as for vsock,
 * never fails here); get_socket; a socket other than the current one is set and
 * vhost_vq_init_access runs (a detach has no backend, so it touches nothing); on a failure the
 * old backend is put back (err_used).
 */
export function vhostNetSetBackend(s: VringHost, index: number, fd: number): Observation {
  if (index >>> 0 >= VHOST_NET_VQ_MAX) return { kind: 'vring', ret: -ENOBUFS, miss: null };
  if (fd === -1) {
    s.readList = [];
    s.pendingList = [];
  }
  const sock = netGetSocket(fd);
  if (sock === 'not-a-socket') return { kind: 'vring', ret: -ENOTSOCK, miss: null };
  const old = s.vring.backend[index]!;
  const attach = sock === 'tap';
  if (attach === old) return { kind: 'vring', ret: 0, miss: null };
  setBackend(s.vring, index, attach);
  if (!attach) return { kind: 'vring', ret: 0, miss: null };
  const r = vhostVqInitAccess(s, index);
  if (r.ret !== 0) {
    setBackend(s.vring, index, old);
    return { kind: 'vring', ret: r.ret, miss: r.miss };
  }
  // vhost_net_enable_vq polls the tap, but the harness's tap is down: tun_sock_writeable wants
  // IFF_UP, so the TX vq's handle_tx is never woken, and no packet comes for the RX vq's handle_rx:
  // no worker, no prefetch (the lab, 6.1.176: a TX attach with the used rings mapped queues nothing)
  return { kind: 'vring', ret: 0, miss: null };
}

/**
 * An ioctl the device does not implement reaches vhost_vring_ioctl (vhost-vdpa: first
 * vhost_vdpa_vring_ioctl), which reads the argument's first u32 as a vq index: >= nvqs is
 * -ENOBUFS, else its switch says -ENOIOCTLCMD, which vfs_ioctl (fs/ioctl.c) returns as -ENOTTY.
 */
export function vringIoctlUnknown(nvqs: number, firstWord: number): number {
  return firstWord >>> 0 >= nvqs ? -ENOBUFS : -ENOTTY;
}

/** The first u32 of a vring op's argument: the int start, or vhost_vring_file.index. */
export function vringArgFirstWord(op: VringOp): number {
  return op.kind === 'VSOCK_SET_RUNNING' ? op.start : op.index;
}

/**
 * The two vring ops on vhost-vsock and vhost-net: each device implements its own, not the
 * other's. The arguments are C ints (start, fd) and an unsigned (index), as the ioctl reads them.
 */
export function vringApply(s: VringHost, op: VringOp): Observation {
  if (s.kernel.device === 'vhost-vsock' && op.kind === 'VSOCK_SET_RUNNING') {
    return (op.start | 0) !== 0 ? vhostVsockStart(s) : vhostVsockStop(s);
  }
  if (s.kernel.device === 'vhost-net' && op.kind === 'NET_SET_BACKEND') return vhostNetSetBackend(s, op.index >>> 0, op.fd | 0);
  return { kind: 'vring', ret: vringIoctlUnknown(vhostNvqs(s.kernel.device), vringArgFirstWord(op)), miss: null };
}
