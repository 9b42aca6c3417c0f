// The generic vhost character device as vhost-net and vhost-vsock expose it:
// drivers/vhost/vhost.c (IOTLB messages, translate, read queue), net.c / vsock.c (features).

import { GUEST_RAM_GPA, GUEST_RAM_HVA, GUEST_RAM_SIZE } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/profile.ts';
import { encodeIotlbWrite, fromHex, toHex } from '../types/iotlbWire.ts';
import {
  EAGAIN, EFAULT, EINVAL, ENOBUFS, ENOMEM, ENOTTY, EOPNOTSUPP, EPERM, MSG_LAYOUT,
  VHOST_BACKEND_F_IOTLB_ASID, VHOST_BACKEND_F_IOTLB_MSG_V2, VHOST_F_IOTLB_SPLIT, VHOST_IOTLB_INVALIDATE,
  VHOST_IOTLB_MISS, VHOST_IOTLB_UPDATE, VIRTIO_F_ACCESS_PLATFORM,
} from '../types/uapi.ts';
import { hasBit, VHOST_GENERIC_BACKEND_FEATURES, vhostDeviceFeatures } from './features.ts';
import { type Iotlb, iotlbAddRange, iotlbCreate, iotlbDelRange, u64, U64_MAX } from './iotlb.ts';
import {
  encodeQueuedMsg, type IotlbMsg, missMsg, parseIotlbWrite, type QueuedMsg, sizeZeroRejected, writeReturn,
} from './iotlbMsg.ts';
import { type Translation, translateDesc } from './translate.ts';
import { umemAccessOk } from './uaccess.ts';
import { vhostNvqs, vringApply, vringCreate, vringIoctlUnknown, type VringState } from './vring.ts';

export interface VhostState {
  readonly kernel: KernelPolicy;
  ackedFeatures: bigint;
  ackedBackend: bigint;
  /** dev->iotlb: null until a SET_FEATURES turns the device IOTLB on */
  iotlb: Iotlb | null;
  /** dev->umem: the VMM's memory table */
  readonly umem: Iotlb;
  /** dev->read_list */
  readList: QueuedMsg[];
  /** dev->pending_list: MISSes userspace has read */
  pendingList: QueuedMsg[];
  /** each vq's backend (model/vring.ts) */
  readonly vring: VringState;
}

export function vhostCreate(kernel: KernelPolicy): VhostState {
  const umem = iotlbCreate(kernel.maxIotlbEntries, true);
  iotlbAddRange(umem, GUEST_RAM_GPA, GUEST_RAM_GPA + GUEST_RAM_SIZE - 1n, GUEST_RAM_HVA, 3);
  return {
    kernel, ackedFeatures: 0n, ackedBackend: 0n, iotlb: null, umem, readList: [], pendingList: [],
    vring: vringCreate(kernel.device),
  };
}

/** VHOST_SET_FEATURES on net/vsock: unknown bits -EOPNOTSUPP, then *_set_features. */
export function vhostSetFeatures(s: VhostState, features: bigint): number {
  if (features & ~vhostDeviceFeatures(s.kernel)) return -EOPNOTSUPP;
  if (iotlbEnabledBy(s, features)) vhostInitDeviceIotlb(s);
  s.ackedFeatures = features;
  return 0;
}

/**
 * The rule that turns the device IOTLB on in vhost_net_set_features / vhost_vsock_set_features.
 * Upstream: ACCESS_PLATFORM. Clearing the bit later never turns it off.
 */
export function iotlbEnabledBy(s: VhostState, features: bigint): boolean {
  switch (s.kernel.iotlbEnable) {
    case 'access-platform': return hasBit(features, VIRTIO_F_ACCESS_PLATFORM);
    case 'access-platform-after-msg-v2-ack':
      return hasBit(features, VIRTIO_F_ACCESS_PLATFORM) && hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2);
    case 'separate-bit': return hasBit(features, VHOST_F_IOTLB_SPLIT);
  }
}

/** vhost_init_device_iotlb: a fresh, empty IOTLB replaces any old one (its maps are freed). */
export function vhostInitDeviceIotlb(s: VhostState): void {
  s.iotlb = iotlbCreate(s.kernel.maxIotlbEntries, true);
}

/** VHOST_SET_BACKEND_FEATURES on net/vsock: only IOTLB_MSG_V2 is known. */
export function vhostSetBackendFeatures(s: VhostState, features: bigint): number {
  if (features & ~VHOST_GENERIC_BACKEND_FEATURES) return -EOPNOTSUPP;
  s.ackedBackend = features;
  return 0;
}

/**
 * vhost_chr_write_iter: framing errors are -EINVAL; the size-0 check per kernel version;
 * any handler error becomes -EFAULT; success returns the struct size.
 */
export function vhostChrWrite(
  abi: KernelPolicy['abi'], sizeZero: KernelPolicy['sizeZero'], ackedBackend: bigint, bytes: Uint8Array,
  handler: (asid: number, msg: IotlbMsg) => number,
): number {
  const parsed = parseIotlbWrite(bytes, abi, hasBit(ackedBackend, VHOST_BACKEND_F_IOTLB_ASID));
  if (!parsed.ok) return parsed.err;
  if (sizeZeroRejected(sizeZero, parsed.msg)) return -EINVAL;
  if (handler(parsed.asid, parsed.msg) !== 0) return -EFAULT;
  return writeReturn(parsed.header, abi);
}

/**
 * vhost_process_iotlb_msg: asid must be 0; UPDATE and INVALIDATE need dev->iotlb; UPDATE checks
 * the uaddr range (umem_access_ok: vhost_overflow, access_ok) but not the iova range, whose wrap
 * makes add_range fail (reported as -ENOMEM); everything else is -EINVAL.
 */
export function vhostProcessIotlbMsg(s: VhostState, asid: number, msg: IotlbMsg): number {
  if (asid !== 0) return -EINVAL;
  switch (msg.type) {
    case VHOST_IOTLB_UPDATE:
      if (s.iotlb === null) return -EFAULT;
      if (!umemAccessOk(s.kernel, msg.uaddr, msg.size, msg.perm)) return -EFAULT;
      if (iotlbAddRange(s.iotlb, msg.iova, u64(msg.iova + msg.size - 1n), msg.uaddr, msg.perm)) return -ENOMEM;
      vhostIotlbNotifyVq(s, msg);
      return 0;
    case VHOST_IOTLB_INVALIDATE:
      if (s.iotlb === null) return -EFAULT;
      iotlbDelRange(s.iotlb, msg.iova, u64(msg.iova + msg.size - 1n));
      return 0;
    default:
      return -EINVAL;
  }
}

/** vhost_iotlb_notify_vq: an UPDATE covering a pending MISS's iova retires it (and kicks the vq). */
export function vhostIotlbNotifyVq(s: VhostState, msg: IotlbMsg): void {
  const last = u64(msg.iova + msg.size - 1n);
  s.pendingList = s.pendingList.filter(p => !(p.type === VHOST_IOTLB_MISS && msg.iova <= p.iova && last >= p.iova));
}

/**
 * vhost_chr_read_iter, O_NONBLOCK: a buffer smaller than struct vhost_msg reads 0; an empty
 * queue is -EAGAIN; a full read of a MISS moves it to the pending list.
 */
export function vhostChrRead(s: VhostState, len: number): Observation {
  const abi = s.kernel.abi;
  if (len < MSG_LAYOUT[abi].v1Size) return { kind: 'read', ret: 0, bytes: '' };
  const node = s.readList.shift();
  if (node === undefined) return { kind: 'read', ret: -EAGAIN, bytes: '' };
  const full = encodeQueuedMsg(node, abi);
  const bytes = full.subarray(0, Math.min(len, full.length));
  if (bytes.length === full.length && node.type === VHOST_IOTLB_MISS) s.pendingList.push(node);
  return { kind: 'read', ret: bytes.length, bytes: toHex(bytes) };
}

/**
 * A virtqueue access: translate_desc over dev->iotlb when it is on (a hole queues a MISS for
 * the first unmapped byte, in v2 format when IOTLB_MSG_V2 is acked), else over dev->umem
 * (a hole is -EFAULT).
 */
export function vhostVqAccess(s: VhostState, iova: bigint, len: number, access: number): Observation {
  if (s.iotlb === null) return accessObservation(translateDesc(s.umem, iova, len, access), -EFAULT);
  const t = translateDesc(s.iotlb, iova, len, access);
  if (t.outcome === 'hole') {
    s.readList.push(missMsg(hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2), t.addr, access));
    return { kind: 'access', outcome: 'miss' };
  }
  return accessObservation(t, -EFAULT);
}

/** What the device sees of a translation; `holeErr` is what a hole means here. */
export function accessObservation(t: Translation, holeErr: number): Observation {
  switch (t.outcome) {
    case 'ok': return { kind: 'access', outcome: 'ok', segments: t.segments };
    case 'hole': return { kind: 'access', outcome: 'fault', errno: -holeErr };
    case 'perm': return { kind: 'access', outcome: 'fault', errno: EPERM };
    case 'nobufs': return { kind: 'access', outcome: 'fault', errno: ENOBUFS };
  }
}

/** The vhost-net/vsock share of a stack. */
export function vhostApply(s: VhostState, op: Op): Observation {
  switch (op.kind) {
    case 'GET_FEATURES': return { kind: 'value', ret: 0, value: vhostDeviceFeatures(s.kernel) };
    case 'SET_FEATURES': return { kind: 'ret', ret: vhostSetFeatures(s, op.features) };
    case 'GET_BACKEND_FEATURES': return { kind: 'value', ret: 0, value: VHOST_GENERIC_BACKEND_FEATURES };
    case 'SET_BACKEND_FEATURES': return { kind: 'ret', ret: vhostSetBackendFeatures(s, op.features) };
    case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': {
      const bytes = op.kind === 'IOTLB_WRITE' ? encodeIotlbWrite(op.msg) : fromHex(op.bytes);
      return { kind: 'ret', ret: vhostChrWrite(s.kernel.abi, s.kernel.sizeZero, s.ackedBackend, bytes, (asid, msg) => vhostProcessIotlbMsg(s, asid, msg)) };
    }
    case 'IOTLB_READ': return vhostChrRead(s, op.len);
    case 'VQ_ACCESS': return vhostVqAccess(s, op.iova, op.len, op.access);
    case 'VSOCK_SET_RUNNING':
    case 'NET_SET_BACKEND':
      return vringApply(s, op);
    // VHOST_VDPA_* ioctls on a net/vsock fd: vhost_dev_ioctl says -ENOIOCTLCMD, so vhost_vring_ioctl
    // reads the argument's first u32 as a vq index (-ENOBUFS past nvqs, else -ENOTTY). SET_STATUS
    // passes a u8: the word is that byte and the three after it, taken here as the op's status
    // value (a status up to 0xff: zeros follow); GET_STATUS's buffer is read before it is
    // written, taken as zeroed.
    case 'VDPA_SET_STATUS': return { kind: 'ret', ret: vringIoctlUnknown(vhostNvqs(s.kernel.device), op.status) };
    case 'VDPA_GET_STATUS': return { kind: 'ret', ret: vringIoctlUnknown(vhostNvqs(s.kernel.device), 0) };
    default:
      throw new Error(`vhost: op ${op.kind} is not a vhost op`);
  }
}
