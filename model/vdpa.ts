// vhost-vdpa (drivers/vhost/vdpa.c) over the kinds of parent (seed 002): the vhost-side
// shadow IOTLB, the parent's own view of the mappings, batching, reset and IOTLB_PERSIST.

import { VDPA_NAS, VDPA_NVQS } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/policy.ts';
import type { Rules } from '../types/rules.ts';
import {
  EBUSY, EEXIST, EFAULT, EINVAL, EOPNOTSUPP, VHOST_BACKEND_F_DESC_ASID,
  VHOST_BACKEND_F_IOTLB_ASID, VHOST_BACKEND_F_IOTLB_PERSIST, VHOST_BACKEND_F_RESUME, VHOST_BACKEND_F_SUSPEND,
  VHOST_IOTLB_BATCH_BEGIN, VHOST_IOTLB_BATCH_END, VHOST_IOTLB_INVALIDATE, VHOST_IOTLB_UPDATE,
  VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_F_ACCESS_PLATFORM,
} from '../types/uapi.ts';
import { type ParentOps, parentOps, VDPA_PARENT_FEATURES, vdpaAcceptedBackendFeatures, vdpaBackendFeatures } from './features.ts';
import { bit, hasBit, U64_MAX } from '../types/bits.ts';
import { type Iotlb, iotlbAddRange, iotlbCopy, iotlbCreate, iotlbDelRange, iotlbFirst, type IotlbMap, iotlbOverlaps } from './iotlb.ts';
import type { IotlbMsg } from './iotlbMsg.ts';
import { translateDesc } from './translate.ts';
import { accessObservation, vhostChrWrite } from './vhost.ts';
import { userspaceWriteBytes } from '../types/iotlbWire.ts';
import { vringArgFirstWord, vringIoctlUnknown } from './vring.ts';
import { userBuffer } from './featuresArray.ts';

export interface VdpaState {
  readonly kernel: KernelPolicy;
  /** the rules in force (model/rules.ts rulesOf): fixed by the profile */
  readonly rules: Rules;
  readonly parent: ParentOps;
  ackedBackend: bigint;
  driverFeatures: bigint;
  status: number;
  /** the vhost_vdpa_as for asid 0, created lazily by the first UPDATE or BATCH_BEGIN */
  as: Iotlb | null;
  inBatch: boolean;
  batchAsid: number;
  /**
   * what the parent translates with: the IOMMU domain or the on-chip/vendor table. Like `as`, a
   * store without a limit: iotlbCreate(0, false), identityView, or a copy of `as`.
   */
  parentView: Iotlb;
  /** vdpasim->iommu_pt: the parent is in its initial 1:1 passthrough, which a dma_map or dma_unmap drops first */
  parentPassthrough: boolean;
}

/** The 1:1 passthrough an on-chip parent starts in (vdpa_sim: identity [0, ULONG_MAX] RW). */
export function identityView(): Iotlb {
  const t = iotlbCreate(0, false);
  iotlbAddRange(t, 0n, U64_MAX, 0n, 3);
  return t;
}

/** A parent's DMA translation before any map: empty IOMMU domain, or on-chip 1:1 passthrough. */
export function parentInitialView(p: ParentOps): Iotlb {
  return p.initialIdentity ? identityView() : iotlbCreate(0, false);
}

export function vdpaCreate(kernel: KernelPolicy, rules: Rules): VdpaState {
  const parent = parentOps(kernel.parent);
  return {
    kernel, rules, parent, ackedBackend: 0n, driverFeatures: 0n, status: 0, as: null, inBatch: false, batchAsid: 0,
    parentView: parentInitialView(parent), parentPassthrough: parent.initialIdentity,
  };
}

/**
 * VHOST_SET_BACKEND_FEATURES on vhost-vdpa: bits outside what this kernel accepts (before v6.7
 * that includes DESC_ASID and IOTLB_PERSIST), SUSPEND/RESUME without the parent op, DESC_ASID,
 * and IOTLB_PERSIST without a persistent map are refused.
 */
export function vdpaSetBackendFeatures(s: VdpaState, f: bigint): number {
  // IOTLB_PERSIST: refused unless the iotlbPersistOffered rule offers it (below; -EOPNOTSUPP either way)
  if (f & ~(vdpaAcceptedBackendFeatures(s.kernel) | bit(VHOST_BACKEND_F_IOTLB_PERSIST))) return -EOPNOTSUPP;
  if (hasBit(f, VHOST_BACKEND_F_SUSPEND) && !s.parent.suspend) return -EOPNOTSUPP;
  if (hasBit(f, VHOST_BACKEND_F_RESUME) && !s.parent.resume) return -EOPNOTSUPP;
  if (hasBit(f, VHOST_BACKEND_F_DESC_ASID) && !hasBit(f, VHOST_BACKEND_F_IOTLB_ASID)) return -EINVAL;
  // no modelled parent has get_vq_desc_group
  if (hasBit(f, VHOST_BACKEND_F_DESC_ASID)) return -EOPNOTSUPP;
  if (hasBit(f, VHOST_BACKEND_F_IOTLB_PERSIST) && !s.rules.iotlbPersistOffered(s.kernel.parent)) return -EOPNOTSUPP;
  s.ackedBackend = f;
  return 0;
}

/**
 * vhost_vdpa_set_features: -EBUSY once FEATURES_OK is set; the parent may refuse (-EINVAL):
 * vdpasim_set_driver_features wants ACCESS_PLATFORM; it keeps features & supported.
 */
export function vdpaSetFeatures(s: VdpaState, f: bigint): number {
  if (s.status & VIRTIO_CONFIG_S_FEATURES_OK) return -EBUSY;
  if (s.parent.requiresAccessPlatform && !hasBit(f, VIRTIO_F_ACCESS_PLATFORM)) return -EINVAL;
  s.driverFeatures = f & VDPA_PARENT_FEATURES;
  return 0;
}

/** vhost_vdpa_process_iotlb_msg (owner assumed): address space lookup, batching, dispatch. */
export function vdpaProcessIotlbMsg(s: VdpaState, asid: number, msg: IotlbMsg): number {
  // UPDATE and BATCH_BEGIN allocate the AS (vhost_vdpa_find_alloc_as); others only look it up
  if (msg.type === VHOST_IOTLB_UPDATE || msg.type === VHOST_IOTLB_BATCH_BEGIN) {
    if (asid >= VDPA_NAS) return -EINVAL;
    if (s.as === null) s.as = iotlbCreate(0, false);
  }
  const iotlb = asid === 0 ? s.as : null;
  if ((s.inBatch && s.batchAsid !== asid) || iotlb === null) return -EINVAL;
  switch (msg.type) {
    case VHOST_IOTLB_UPDATE: return vdpaIotlbUpdate(s, iotlb, msg);
    case VHOST_IOTLB_INVALIDATE: vdpaUnmap(s, iotlb, msg.iova, msg.size); return 0;
    case VHOST_IOTLB_BATCH_BEGIN: s.batchAsid = asid; s.inBatch = true; return 0;
    case VHOST_IOTLB_BATCH_END:
      if (s.inBatch && s.parent.setMap) parentSetMap(s, iotlb);
      s.inBatch = false;
      return 0;
    default: return -EINVAL;
  }
}

/**
 * vhost_vdpa_process_iotlb_update: outside the parent's iova range, size 0 or a wrapping range
 * is -EINVAL; any overlap with an existing map is -EEXIST. negcheck maps in VA mode with all
 * memory shareable, so one UPDATE is one map at uaddr.
 */
export function vdpaIotlbUpdate(s: VdpaState, iotlb: Iotlb, msg: IotlbMsg): number {
  const { iova, size } = msg;
  if (iova < s.parent.iovaFirst || size === 0n || iova > U64_MAX - size + 1n || iova + size - 1n > s.parent.iovaLast) {
    return -EINVAL;
  }
  const last = iova + size - 1n;
  if (iotlbFirst(iotlb, iova, last)) return -EEXIST;
  return vdpaMap(s, iotlb, iova, last, msg.uaddr, msg.perm);
}

/** vhost_vdpa_map: shadow first, then dma_map, or set_map unless batching, or iommu_map. */
export function vdpaMap(s: VdpaState, iotlb: Iotlb, start: bigint, last: bigint, addr: bigint, perm: number): number {
  const r = iotlbAddRange(iotlb, start, last, addr, perm);
  if (r) return r;
  if (s.parent.dmaMap) parentDmaMap(s, start, last, addr, perm);
  else if (s.parent.setMap) { if (!s.inBatch) parentSetMap(s, iotlb); }
  else iotlbAddRange(s.parentView, start, last, addr, perm);
  return 0;
}

/**
 * vhost_vdpa_unmap: vhost_vdpa_iotlb_unmap removes every whole overlapping map and hands each to
 * vhost_vdpa_general_unmap (dma_unmap, or iommu_unmap for a platform IOMMU); then set_map unless
 * batching. Size 0 means last = iova - 1: iova 0 is everything.
 */
export function vdpaUnmap(s: VdpaState, iotlb: Iotlb, iova: bigint, size: bigint): void {
  const range = s.rules.invalidateRange(iova, size);
  if (range !== null) {
    const removed = iotlbOverlaps(iotlb, range[0], range[1]);
    iotlbDelRange(iotlb, range[0], range[1]);
    for (const m of removed) vdpaGeneralUnmap(s, m);
  }
  if (s.parent.setMap && !s.inBatch) parentSetMap(s, iotlb);
}

/** vhost_vdpa_general_unmap: one removed shadow map reaches a dma_map parent or the platform IOMMU. */
export function vdpaGeneralUnmap(s: VdpaState, m: IotlbMap): void {
  if (s.parent.dmaMap) parentDmaUnmap(s, m.start, m.last);
  else if (!s.parent.setMap) iotlbDelRange(s.parentView, m.start, m.last);
}

/** ops->set_map: the parent takes the whole shadow table as its new translation. */
export function parentSetMap(s: VdpaState, iotlb: Iotlb): void {
  s.parentView = iotlbCopy(iotlb);
  s.parentPassthrough = false;
}

/** vdpasim_dma_map: leave the 1:1 passthrough first (iommu_pt), then add the one map. */
export function parentDmaMap(s: VdpaState, start: bigint, last: bigint, addr: bigint, perm: number): void {
  parentLeavePassthrough(s);
  iotlbAddRange(s.parentView, start, last, addr, perm);
}

/** vdpasim_dma_unmap: leave the 1:1 passthrough first (iommu_pt), then vhost_iotlb_del_range. */
export function parentDmaUnmap(s: VdpaState, start: bigint, last: bigint): void {
  parentLeavePassthrough(s);
  iotlbDelRange(s.parentView, start, last);
}

function parentLeavePassthrough(s: VdpaState): void {
  if (!s.parentPassthrough) return;
  s.parentView = iotlbCreate(0, false);
  s.parentPassthrough = false;
}

/** A parent back in its initial view (reset with CLEAN_MAP, reset_map): vdpasim_do_reset sets iommu_pt again. */
export function parentToInitialView(s: VdpaState): void {
  s.parentView = parentInitialView(s.parent);
  s.parentPassthrough = s.parent.initialIdentity;
}

/**
 * SET_STATUS 0 → _compat_vdpa_reset: flags = CLEAN_MAP unless IOTLB_PERSIST is acked; vdpa_reset
 * calls compat_reset(flags) when the parent has it, else reset (and a proposal may add reset_map);
 * the vdpaResetMaps rule says whether the parent's maps survive. Cleared, the parent is back in its
 * initial view (the 1:1 passthrough of an on-chip parent). in_batch is left alone.
 */
export function vdpaReset(s: VdpaState): void {
  const persist = hasBit(s.ackedBackend, VHOST_BACKEND_F_IOTLB_PERSIST);
  if (s.rules.vdpaResetMaps(s.kernel.parent, persist) === 'clear') parentToInitialView(s);
  s.status = 0;
  s.driverFeatures = 0n;
}

/** vhost_vdpa_set_status: no bit may be cleared except by writing 0 (reset). */
export function vdpaSetStatus(s: VdpaState, status: number): number {
  const st = status & 0xff;
  if (st !== 0 && (s.status & ~st) !== 0) return -EINVAL;
  if (st === 0) vdpaReset(s);
  else s.status = st;
  return 0;
}

/** The device's access goes through the parent's translation; a hole faults (no MISS). */
export function vdpaVqAccess(s: VdpaState, iova: bigint, len: number, access: number): Observation {
  return accessObservation(translateDesc(s.parentView, iova, len, access), -EFAULT);
}

export function vdpaApply(s: VdpaState, op: Op): Observation {
  switch (op.kind) {
    case 'GET_FEATURES': return { kind: 'value', ret: 0, value: VDPA_PARENT_FEATURES };
    case 'SET_FEATURES': return { kind: 'ret', ret: vdpaSetFeatures(s, op.features) };
    case 'GET_BACKEND_FEATURES': return { kind: 'value', ret: 0, value: vdpaBackendFeatures(s.parent, s.rules.iotlbPersistOffered(s.kernel.parent)) };
    case 'SET_BACKEND_FEATURES': return { kind: 'ret', ret: vdpaSetBackendFeatures(s, op.features) };
    case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': {
      return { kind: 'ret', ret: vhostChrWrite(s.kernel.abi, s.rules.sizeZeroRefused, s.ackedBackend, userspaceWriteBytes(op), (asid, msg) => vdpaProcessIotlbMsg(s, asid, msg)) };
    }
    // vhost_vdpa_fops has a write_iter and no read_iter (vhost-vdpa never queues a MISS): vfs_read
    // finds no FMODE_CAN_READ and says -EINVAL, whatever the length (the lab, 6.12.117 and 7.2.13)
    case 'IOTLB_READ': return { kind: 'read', ret: -EINVAL, bytes: '' };
    case 'VQ_ACCESS': return vdpaVqAccess(s, op.iova, op.len, op.access);
    case 'VDPA_SET_STATUS': return { kind: 'ret', ret: vdpaSetStatus(s, op.status) };
    case 'VDPA_GET_STATUS': return { kind: 'value', ret: 0, value: BigInt(s.status) };
    // vhost-vdpa has neither: vhost_vdpa_vring_ioctl and vhost_vring_ioctl fall through
    case 'VSOCK_SET_RUNNING':
    case 'NET_SET_BACKEND':
      return { kind: 'vring', ret: vringIoctlUnknown(VDPA_NVQS, vringArgFirstWord(op)), miss: null };
    // no array ioctls on vhost-vdpa: unknown, the low u32 of count read as a vq index
    case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY':
      return {
        kind: 'features-array', ret: vringIoctlUnknown(VDPA_NVQS, Number(op.count & 0xffff_ffffn)),
        words: op.kind === 'GET_FEATURES_ARRAY' ? userBuffer([], op.fill) : userBuffer(op.words),
      };
    default:
      throw new Error(`vhost-vdpa: op ${op.kind} is not a vhost op`);
  }
}

// --- snapshot and restore for the exhaustive engine (explore/) ------------------------------

/** What the profile fixes (vdpaCreate): never snapshot. */
type VdpaFixed = 'kernel' | 'rules' | 'parent';

/**
 * Every other field: the type is derived from VdpaState, so a field added there is a compile
 * error here until the snapshot holds it (and so explore's fingerprint does). The map stores are
 * copies sharing their maps arrays, which no rule changes in place.
 */
export type VdpaSnapshot = Readonly<Omit<VdpaState, VdpaFixed>>;

export function vdpaSnapshot(s: VdpaState): VdpaSnapshot {
  return {
    ackedBackend: s.ackedBackend, driverFeatures: s.driverFeatures, status: s.status, as: s.as && iotlbCopy(s.as),
    inBatch: s.inBatch, batchAsid: s.batchAsid, parentView: iotlbCopy(s.parentView), parentPassthrough: s.parentPassthrough,
  };
}

/**
 * Every field of the snapshot (Object.assign: none can be forgotten), then the map stores as
 * fresh copies: the live state must not share an object it changes with the snapshot.
 */
export function vdpaRestore(s: VdpaState, snap: VdpaSnapshot): void {
  Object.assign(s, snap, { as: snap.as && iotlbCopy(snap.as), parentView: iotlbCopy(snap.parentView) });
}
