// The generic vhost character device as vhost-net and vhost-vsock expose it:
// drivers/vhost/vhost.c (IOTLB messages, translate, read queue), net.c / vsock.c (features).

import { GUEST_RAM_GPA, GUEST_RAM_HVA, GUEST_RAM_SIZE } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/policy.ts';
import type { Rules } from '../types/rules.ts';
import { toHex, userspaceWriteBytes } from '../types/iotlbWire.ts';
import {
  EAGAIN, EFAULT, EINVAL, ENOBUFS, ENOMEM, EOPNOTSUPP, EPERM, MSG_LAYOUT,
  VHOST_BACKEND_F_IOTLB_ASID, VHOST_BACKEND_F_IOTLB_MSG_V2, VHOST_IOTLB_INVALIDATE,
  VHOST_IOTLB_MISS, VHOST_IOTLB_UPDATE,
} from '../types/uapi.ts';
import { VHOST_GENERIC_BACKEND_FEATURES, vhostDeviceFeatures } from './features.ts';
import { hasBit, U64_MAX } from '../types/bits.ts';
import { type Iotlb, iotlbAddRange, iotlbCopy, iotlbCreate, iotlbDelRange, u64 } from './iotlb.ts';
import { userBuffer, vhostNetFeaturesArrayToAck, vhostNetGetFeaturesArray } from './featuresArray.ts';
import {
  encodeQueuedMsg, type IotlbMsg, missMsg, parseIotlbWrite, type QueuedMsg, writeReturn,
} from './iotlbMsg.ts';
import { type Translation, translateDesc } from './translate.ts';
import { umemAccessOk } from './uaccess.ts';
import {
  vhostNvqs, vringApply, vringCreate, vringForgetAddresses, vringIoctlUnknown, type VringState,
} from './vring.ts';

/**
 * The arrays here (and the IOTLB's maps) are never changed in place: a change assigns a new
 * array, so a snapshot shares them (see vhostSnapshot).
 */
export interface VhostState {
  readonly kernel: KernelPolicy;
  /** the rules in force (model/rules.ts rulesOf): fixed by the profile */
  readonly rules: Rules;
  ackedFeatures: bigint;
  ackedBackend: bigint;
  /** dev->iotlb: null until a SET_FEATURES turns the device IOTLB on */
  iotlb: Iotlb | null;
  /** dev->umem: the VMM's memory table (the harness's one region), frozen: no op can change it */
  readonly umem: Readonly<Iotlb>;
  /** dev->read_list */
  readList: readonly QueuedMsg[];
  /** dev->pending_list: MISSes userspace has read */
  pendingList: readonly QueuedMsg[];
  /** each vq's backend (model/vring.ts) */
  readonly vring: VringState;
}

export function vhostCreate(kernel: KernelPolicy, rules: Rules): VhostState {
  const umem = iotlbCreate(kernel.maxIotlbEntries, true);
  iotlbAddRange(umem, GUEST_RAM_GPA, GUEST_RAM_GPA + GUEST_RAM_SIZE - 1n, GUEST_RAM_HVA, 3);
  // fixed by the profile, so not snapshot: frozen, so that an op changing it throws instead
  Object.freeze(umem);
  return {
    kernel, rules, ackedFeatures: 0n, ackedBackend: 0n, iotlb: null, umem, readList: [], pendingList: [],
    vring: vringCreate(kernel.device),
  };
}

/** What net/vsock offer, every word (vhost_net_features[]), through the deviceFeatures rule. */
export function vhostOfferedFeatures(s: VhostState): bigint {
  const device = s.kernel.device === 'vhost-vsock' ? 'vhost-vsock' : 'vhost-net';
  return s.rules.deviceFeatures(device, vhostDeviceFeatures(s.kernel));
}

/**
 * VHOST_SET_FEATURES on net/vsock: unknown bits -EOPNOTSUPP, then *_set_features, where the
 * iotlbEnable rule decides whether the device IOTLB comes on (upstream: ACCESS_PLATFORM); whether
 * clearing the bit later turns it off is kernel.iotlbTransitions's.
 */
export function vhostSetFeatures(s: VhostState, features: bigint): number {
  if (features & ~vhostOfferedFeatures(s)) return -EOPNOTSUPP;
  return vhostAckFeatures(s, features);
}

/**
 * *_set_features: the acked set replaces the old one, every word (the 64-bit ioctl clears the
 * words above 63: virtio_features_from_u64, 333c515d1896).
 */
export function vhostAckFeatures(s: VhostState, features: bigint): number {
  if (s.rules.iotlbEnable(features, s.ackedBackend)) vhostInitDeviceIotlb(s);
  else if (s.kernel.iotlbTransitions === 'invalidate-rings') vhostClearDeviceIotlb(s);
  s.ackedFeatures = features;
  return 0;
}

/** Whether this device has VHOST_GET/SET_FEATURES_ARRAY: vhost-net since 333c515d1896; vsock never. */
export function vhostHasFeaturesArray(k: Pick<KernelPolicy, 'device' | 'featuresArray'>): boolean {
  return k.device === 'vhost-net' && k.featuresArray !== 'absent';
}

/**
 * The array ioctls: vhost-net's (model/featuresArray.ts), or an unknown ioctl, whose argument
 * vhost_vring_ioctl reads as a vq index: the low u32 of count on these little-endian ABIs.
 */
export function vhostFeaturesArray(s: VhostState, op: Extract<Op, { kind: 'GET_FEATURES_ARRAY' | 'SET_FEATURES_ARRAY' }>): Observation {
  const buffer = op.kind === 'GET_FEATURES_ARRAY' ? userBuffer([], op.fill) : userBuffer(op.words);
  if (!vhostHasFeaturesArray(s.kernel)) {
    return { kind: 'features-array', ret: vringIoctlUnknown(vhostNvqs(s.kernel.device), Number(op.count & 0xffff_ffffn)), words: buffer };
  }
  if (op.kind === 'GET_FEATURES_ARRAY') return { kind: 'features-array', ...vhostNetGetFeaturesArray(s.kernel, vhostOfferedFeatures(s), op.count, op.fill) };
  const ack = vhostNetFeaturesArrayToAck(vhostOfferedFeatures(s), op.count, buffer);
  return { kind: 'features-array', ret: ack.ok ? vhostAckFeatures(s, ack.features) : ack.err, words: buffer };
}

/**
 * vhost_init_device_iotlb: a fresh, empty IOTLB replaces any old one (its maps are freed); with
 * 'invalidate-rings', the first one makes every vq forget its ring addresses (6.12.117 vhost.c:2359).
 */
export function vhostInitDeviceIotlb(s: VhostState): void {
  if (s.iotlb === null && s.kernel.iotlbTransitions === 'invalidate-rings') vringForgetAddresses(s.vring);
  s.iotlb = iotlbCreate(s.kernel.maxIotlbEntries, true);
}

/**
 * vhost_clear_device_iotlb ('invalidate-rings', 6.12.117 vhost.c:2303): no IOTLB any more, every vq
 * forgets its ring addresses, and the queued and pending messages go (vhost_clear_msg).
 */
export function vhostClearDeviceIotlb(s: VhostState): void {
  if (s.iotlb === null) return;
  s.iotlb = null;
  vringForgetAddresses(s.vring);
  s.readList = [];
  s.pendingList = [];
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
  abi: KernelPolicy['abi'], sizeZeroRefused: Rules['sizeZeroRefused'], ackedBackend: bigint, bytes: Uint8Array,
  handler: (asid: number, msg: IotlbMsg) => number,
): number {
  const parsed = parseIotlbWrite(bytes, abi, hasBit(ackedBackend, VHOST_BACKEND_F_IOTLB_ASID));
  if (!parsed.ok) return parsed.err;
  if (parsed.msg.size === 0n && sizeZeroRefused(parsed.msg.type)) return -EINVAL;
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
    case VHOST_IOTLB_INVALIDATE: {
      if (s.iotlb === null) return -EFAULT;
      const range = s.rules.invalidateRange(msg.iova, msg.size);
      if (range !== null) iotlbDelRange(s.iotlb, range[0], range[1]);
      return 0;
    }
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
  const node = s.readList[0];
  if (node === undefined) return { kind: 'read', ret: -EAGAIN, bytes: '' };
  s.readList = s.readList.slice(1);
  const full = encodeQueuedMsg(node, abi);
  const bytes = full.subarray(0, Math.min(len, full.length));
  if (bytes.length === full.length && node.type === VHOST_IOTLB_MISS) s.pendingList = [...s.pendingList, node];
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
    vhostQueueMiss(s, missMsg(hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2), t.addr, access));
    return { kind: 'access', outcome: 'miss' };
  }
  return accessObservation(t, -EFAULT);
}

/** vhost_iotlb_miss: vhost_enqueue_msg appends the MISS to dev->read_list. */
export function vhostQueueMiss(s: VhostState, m: QueuedMsg): void {
  s.readList = [...s.readList, m];
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
    // word 0 only (vhost_net_features[0] since 333c515d1896)
    case 'GET_FEATURES': return { kind: 'value', ret: 0, value: vhostOfferedFeatures(s) & U64_MAX };
    case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY': return vhostFeaturesArray(s, op);
    case 'SET_FEATURES': return { kind: 'ret', ret: vhostSetFeatures(s, op.features) };
    case 'GET_BACKEND_FEATURES': return { kind: 'value', ret: 0, value: VHOST_GENERIC_BACKEND_FEATURES };
    case 'SET_BACKEND_FEATURES': return { kind: 'ret', ret: vhostSetBackendFeatures(s, op.features) };
    case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': {
      return { kind: 'ret', ret: vhostChrWrite(s.kernel.abi, s.rules.sizeZeroRefused, s.ackedBackend, userspaceWriteBytes(op), (asid, msg) => vhostProcessIotlbMsg(s, asid, msg)) };
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

// --- snapshot and restore for the exhaustive engine (explore/) ------------------------------

/** What the profile fixes (vhostCreate; umem is frozen there): never snapshot. */
type VhostFixed = 'kernel' | 'rules' | 'umem';

/**
 * Every other field: the type is derived from VhostState, so a field added there is a compile
 * error here until the snapshot holds it (and so explore's fingerprint does). The map store and
 * the vrings are copies sharing their arrays, which no rule changes in place.
 */
export type VhostSnapshot = Readonly<Omit<VhostState, VhostFixed>>;

export function vhostSnapshot(s: VhostState): VhostSnapshot {
  return {
    ackedFeatures: s.ackedFeatures, ackedBackend: s.ackedBackend, iotlb: s.iotlb && iotlbCopy(s.iotlb),
    readList: s.readList, pendingList: s.pendingList, vring: { ...s.vring },
  };
}

/**
 * Every field of the snapshot (Object.assign: none can be forgotten), then the nested stores as
 * fresh copies: the live state must not share an object it changes with the snapshot.
 */
export function vhostRestore(s: VhostState, snap: VhostSnapshot): void {
  Object.assign(s, snap, { iotlb: snap.iotlb && iotlbCopy(snap.iotlb), vring: { ...snap.vring } });
}
