// I6 IOTLB semantics, as laws over observables (drivers/vhost/vhost.c, iotlb.c, vdpa.c):
//  hit   after INVALIDATE(r) then UPDATE(r, uaddr, perm) both succeed, an access of one byte at
//        any x in r translates to uaddr + (x - r.start), and one without a permitted bit is -EPERM;
//  miss  after a successful INVALIDATE(r), an access at any x in r is not translated (on a vDPA
//        parent with dma_map that may still be in its 1:1 passthrough, only right after an
//        accepted UPDATE: an INVALIDATE that removes no map calls no dma_unmap, so vdpa_sim keeps
//        iommu_pt, vhost_vdpa_general_unmap / vdpasim_dma_unmap);
//  whole after INVALIDATE(r), UPDATE(r), INVALIDATE(q) with q meeting r, an access anywhere in r
//        is not translated (vhost_iotlb_del_range frees whole maps, never splits);
//  accept this userspace's INVALIDATE of a non-empty range succeeds while the IOTLB is in force;
//  reject a malformed write returns the kernel's error (framing -EINVAL, handler -EFAULT) and
//        the accesses around it observe the same;
//  table on net/vsock, from the fresh IOTLB an accepted SET_FEATURES with ACCESS_PLATFORM makes
//        (vhost_init_device_iotlb), while the maps written since do not overlap: every access
//        observes what translate_desc over exactly those maps gives (segments, -EPERM, -ENOBUFS,
//        a miss at the first unmapped byte), where the table keeps the newest max_iotlb_entries
//        maps (FIFO retirement), INVALIDATE frees what del_range(iova, iova + size - 1) meets
//        (size 0 included), and a SET_FEATURES without the bit leaves the IOTLB in force;
//  miss-bytes  a read returns the queued MISS messages in order, each as vhost_chr_read_iter copies
//        it (v1/v2 as acked when queued; iova the first unmapped byte, perm the access), and
//        -EAGAIN once none is queued (vhost-vdpa has no read path: -EINVAL);
//  asid  without VHOST_BACKEND_F_IOTLB_ASID acked the v2 asid word is not read: a write is judged
//        as if it were 0; with it acked the word is read, and a write naming an address space the
//        device does not have is refused (-EFAULT) and changes nothing;
//  umem  vhost-net/vsock refuse (-EFAULT) an UPDATE of userspace memory the process could not reach:
//        a uaddr range past the kernel's unsigned long, or one granting access beyond the end of
//        the user address space (umem_access_ok: vhost_overflow, access_ok);
//  start on vhost-net/vsock, while the IOTLB's maps are known (or there is none), a vring start
//        observes what vhost_vq_init_access's accesses of the used ring give through them (a MISS
//        at the first unmapped byte, -EFAULT for a refused or split one), and a vsock start that
//        works the MISS of vq_meta_prefetch over the RX vq's rings; a vq index past the device's
//        is -ENOBUFS, a net backend that is not a socket -ENOTSOCK (properties/vring-start.ts).
// Each law is checked wherever its pattern appears in a script; the generator plants patterns.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { VDPA_NAS } from '../types/harness.ts';
import { iotlbWriteFullSize } from '../types/iotlbWire.ts';
import type { Observation } from '../types/observation.ts';
import { isIotlbWrite, isVringOp, type IotlbWrite, type IotlbWriteSpec, type Op, type VringOp } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { KernelPolicy, ParentKind } from '../types/policy.ts';
import { formatObservation, formatOp, hex } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { kernelPolicyArb, vhostOpWith, vocabularyArb } from '../generators/vhost.ts';
import { expectedAccess, missBytesProblem, tableAfterInvalidate, tableAfterUpdate, type QueuedMiss, type TableMap } from './iotlb-table.ts';
import { iovaArb } from '../generators/u64.ts';
import { U64_MAX, bit } from '../types/bits.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { lawCheck, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';
import { backendsAfter, expectedVringOp, NO_BACKENDS, vringStartLaw, type RingMemory, type VringLawState } from './vring-start.ts';

const AP = bit(U.VIRTIO_F_ACCESS_PLATFORM);

type Access = Extract<Op, { kind: 'VQ_ACCESS' }>;

const ok = (o: Observation | undefined): boolean => o?.kind === 'ret' && o.ret > 0;
const translated = (o: Observation): boolean => o.kind === 'access' && o.outcome === 'ok';

/**
 * A well-formed write of this userspace: full length, asid 0 (or not read: a v1 message, or
 * VHOST_BACKEND_F_IOTLB_ASID not acked, where vhost_chr_write_iter skips the word), and either a
 * v2 message (one layout on every ABI) or, from a VMM that writes v1, a v1 message in the layout
 * of its own ABI. The kernel must understand it as written; a v1 message from a 32-bit VMM on a
 * 64-bit kernel is where it does not (seed 002: v1 "suffers from in-stable ABI in 32bit archs").
 */
function wellFormed(m: IotlbWriteSpec, p: Profile, backend: bigint): boolean {
  const format = m.header === U.VHOST_IOTLB_MSG_V2 ||
    (m.header === U.VHOST_IOTLB_MSG && !p.vmm.iotlbMsgV2 && m.layout === p.vmm.userAbi);
  return format && (m.asid === 0 || !asidRead(m, backend)) && (m.length === undefined || m.length >= iotlbWriteFullSize(m));
}

/** vhost_chr_write_iter reads the v2 asid word only with VHOST_BACKEND_F_IOTLB_ASID acked. */
const asidRead = (m: IotlbWriteSpec, backend: bigint): boolean =>
  m.header === U.VHOST_IOTLB_MSG_V2 && (backend & bit(U.VHOST_BACKEND_F_IOTLB_ASID)) !== 0n;

/**
 * Whether the law knows when the IOTLB is made: on net/vsock under the upstream rule (an
 * ACCESS_PLATFORM ack), not under another kernel.iotlbEnable value or a proposal's own rule.
 */
const iotlbMadeByAccessPlatform = (p: Profile): boolean =>
  p.kernel.device !== 'vhost-vdpa' && p.kernel.iotlbEnable === 'access-platform' && p.rules?.iotlbEnable === undefined;

/** Bytes vhost_chr_write_iter must copy: up to the end of struct vhost_iotlb_msg in the kernel's ABI. */
function bytesNeeded(m: IotlbWriteSpec, p: Profile): number {
  const l = U.MSG_LAYOUT[p.kernel.abi];
  return (m.header === U.VHOST_IOTLB_MSG ? l.v1IotlbOffset : U.V2_IOTLB_OFFSET) + l.iotlbMsgSize;
}

/** [start, last] of a message, with wrap; null when size 0 (no single range). */
function range(m: IotlbWriteSpec): [bigint, bigint] | null {
  if (m.size === 0n) return m.iova === 0n ? [0n, U64_MAX] : null;
  return [m.iova, BigInt.asUintN(64, m.iova + m.size - 1n)];
}
const inRange = (x: bigint, [s, l]: [bigint, bigint]): boolean => s <= l && s <= x && x <= l;
const meets = (a: [bigint, bigint], b: [bigint, bigint]): boolean => a[0] <= a[1] && b[0] <= b[1] && a[0] <= b[1] && b[0] <= a[1];

/**
 * TASK_SIZE_MAX of each architecture's user address space (none: s390's is its own address space,
 * CONFIG_ALTERNATE_USER_ADDRESS_SPACE): x86-64 with 4-level paging (1 << 47) - PAGE_SIZE, x86-32
 * with VMSPLIT_3G PAGE_OFFSET 0xC0000000.
 */
const USER_SPACE_END: Readonly<Record<KernelPolicy['accessOk'], bigint | null>> = {
  'x86-64': (1n << 47n) - 0x1000n,
  'x86-32': 0xc000_0000n,
  'alternate-address-space': null,
};

/**
 * The last iova vhost-vdpa maps (vhost_vdpa_set_iova_range: the platform IOMMU domain's aperture
 * when vhost-vdpa owns one, here a 48-bit one; else the parent's get_iova_range, or the whole u64
 * for a parent without one), which VHOST_VDPA_GET_IOVA_RANGE reports to the VMM. An UPDATE that
 * ends past it is vhost_vdpa_process_iotlb_update's -EINVAL (-EFAULT from the write): mapped, the
 * hardware would translate an iova its IOMMU cannot hold.
 */
const VDPA_IOVA_LAST: Readonly<Record<ParentKind, bigint>> = {
  'platform-iommu': (1n << 48n) - 1n,
  'onchip-reset-map': U64_MAX,
  'vendor-clears': U64_MAX,
  vduse: U64_MAX,
  'vendor-dma-map': U64_MAX,
};

/**
 * umem: vhost-net/vsock map only userspace memory the process could reach (umem_access_ok in
 * vhost_process_iotlb_msg): [uaddr, uaddr + size) fits the kernel's unsigned long (vhost_overflow;
 * since f7ad318ea0ad it may end exactly at 2^BITS_PER_LONG) and, when the map grants a read or a
 * write, lies below the end of the user address space (access_ok). Otherwise -EFAULT.
 */
export function userRangeReachable(m: Pick<IotlbWriteSpec, 'uaddr' | 'size' | 'perm'>, p: Profile): boolean {
  const ulongEnd = p.kernel.abi === 'i386' ? 1n << 32n : 1n << 64n;
  if (m.uaddr >= ulongEnd || m.size >= ulongEnd || m.uaddr + m.size > ulongEnd) return false;
  const end = USER_SPACE_END[p.kernel.accessOk];
  return (m.perm & (U.VHOST_ACCESS_RO | U.VHOST_ACCESS_WO)) === 0 || end === null || m.uaddr + m.size <= end;
}

/** The malformations the kernel must refuse, with the error userspace sees. */
export function expectedRejection(m: IotlbWriteSpec, p: Profile, backend = 0n): number | null {
  if (m.header !== U.VHOST_IOTLB_MSG && m.header !== U.VHOST_IOTLB_MSG_V2) return -U.EINVAL;
  if (m.length !== undefined && m.length < bytesNeeded(m, p)) return -U.EINVAL;
  // asid: an address space the device does not have (vdpa->nas, the harness's VDPA_NAS; net/vsock
  // have AS 0 alone) is the handler's -EINVAL, whatever the type (vhost_process_iotlb_msg `asid != 0`,
  // vhost_vdpa_process_iotlb_msg's find_alloc_as / asid_to_iotlb), reported as -EFAULT; size 0 may
  // meet the size-0 check first
  if (asidRead(m, backend) && m.asid >= VDPA_NAS && m.size !== 0n) return -U.EFAULT;
  if (!wellFormed(m, p, backend)) return null;
  // a size-0 UPDATE is refused on every kernel this law judges (accept-all is the bug e2ae38cf3d91
  // fixed); what other size-0 messages get is each version's own choice (-EINVAL or the handler's)
  if (m.type === U.VHOST_IOTLB_UPDATE && m.size === 0n) return -U.EINVAL;
  if (m.size === 0n) return null;
  if ([0, U.VHOST_IOTLB_MISS, U.VHOST_IOTLB_ACCESS_FAIL, 7, 255].includes(m.type)) return -U.EFAULT;
  if (m.type === U.VHOST_IOTLB_UPDATE && m.iova + m.size - 1n > U64_MAX) return -U.EFAULT;
  if (m.type === U.VHOST_IOTLB_UPDATE && p.kernel.device !== 'vhost-vdpa' && !userRangeReachable(m, p)) return -U.EFAULT;
  if (m.type === U.VHOST_IOTLB_UPDATE && p.kernel.device === 'vhost-vdpa' && m.iova + m.size - 1n > VDPA_IOVA_LAST[p.kernel.parent]) return -U.EFAULT;
  if (p.kernel.device !== 'vhost-vdpa' && (m.type === U.VHOST_IOTLB_BATCH_BEGIN || m.type === U.VHOST_IOTLB_BATCH_END)) return -U.EFAULT;
  return null;
}

/** An access and what it observed. */
export interface SeenAccess {
  readonly op: Access;
  readonly o: Observation;
}

/**
 * The writes the hit, miss and whole laws match, as seen from the op after them:
 * - `update`: an accepted UPDATE(r) right after an accepted INVALIDATE(r) (hit; whole's middle);
 * - `invalidate`: an accepted INVALIDATE (miss), and `whole` the `update` just before it, if any.
 */
export type IotlbWindow =
  | { readonly kind: 'update'; readonly update: IotlbWrite }
  | { readonly kind: 'invalidate'; readonly inval: IotlbWrite; readonly whole: IotlbWrite | null }
  | null;

/**
 * What I6's laws read of the trace so far: three flags and a look-back of at most three ops,
 * kept as the patterns they can still complete, not as raw history; the table of maps while it
 * is known, the MISS messages queued, and the backend features acked.
 */
export interface IotlbLawState {
  inBatch: boolean;
  misread: boolean;
  iotlbOn: boolean;
  /** net/vsock: the maps in force since the IOTLB was made, while the law knows them (table); else null */
  table: readonly TableMap[] | null;
  /** dev->read_list: the MISS messages queued and not read yet, oldest first (miss-bytes) */
  missQueue: readonly QueuedMiss[];
  /** the backend features of the last accepted SET_BACKEND_FEATURES */
  backend: bigint;
  /** the window of the last op that was not an access (during a run of accesses: of the op before the run) */
  window: IotlbWindow;
  /** the last op, when it was an access */
  access: SeenAccess | null;
  /** when the last op was a write the kernel must refuse: the access just before it (reject) */
  beforeRejected: SeenAccess | null;
  /** the vqs' backends and the features in force (start) */
  vrings: VringLawState;
  /** vhost_vq_invalidate_access ran: the rings' addresses are NULL (start) */
  ringsForgotten: boolean;
}

/** The window after a non-access op, from its predecessor's window (null when that was an access). */
function windowAfter(op: Op, o: Observation, prev: IotlbWindow): IotlbWindow {
  if (!ok(o)) return null;
  if (isIotlbWrite(op, U.VHOST_IOTLB_UPDATE) && prev?.kind === 'invalidate' &&
    prev.inval.msg.iova === op.msg.iova && prev.inval.msg.size === op.msg.size) return { kind: 'update', update: op };
  if (isIotlbWrite(op, U.VHOST_IOTLB_INVALIDATE)) return { kind: 'invalidate', inval: op, whole: prev?.kind === 'update' ? prev.update : null };
  return null;
}

export const iotlbLaw: StepLaw<IotlbLawState> = {
  start: () => ({
    inBatch: false, misread: false, iotlbOn: false, table: null, missQueue: [], backend: 0n, window: null, access: null, beforeRejected: null,
    vrings: { backends: NO_BACKENDS, features: 0n }, ringsForgotten: false,
  }),
  step(s, op, o, profile) {
    const vdpa = profile.kernel.device === 'vhost-vdpa';
    const fail = (message: string): string => `${formatOp(op)} -> ${formatObservation(o)}: ${message}`;
    if (isIotlbWrite(op, U.VHOST_IOTLB_BATCH_BEGIN) && ok(o)) s.inBatch = true;
    if (isIotlbWrite(op, U.VHOST_IOTLB_BATCH_END) && ok(o)) s.inBatch = false;
    // a foreign v1 message the kernel read in its own layout and accepted: it did something
    // other than what was written (even begin a batch), so the laws below no longer apply
    if (isIotlbWrite(op) && ok(o) && op.msg.header === U.VHOST_IOTLB_MSG && op.msg.layout !== profile.kernel.abi &&
      !wellFormed(op.msg, profile, s.backend)) s.misread = true;
    // likewise raw bytes the kernel accepted: the laws do not know what they meant
    if (op.kind === 'IOTLB_WRITE_RAW' && o.kind === 'ret' && o.ret > 0) { s.misread = true; s.table = null; }
    if (op.kind === 'SET_BACKEND_FEATURES' && o.kind === 'ret' && o.ret === 0) s.backend = op.features;
    // an IOTLB to invalidate: for vhost-vdpa the AS, once an UPDATE or BATCH_BEGIN allocated it
    // (vhost_vdpa_find_alloc_as); for net/vsock dev->iotlb once ACCESS_PLATFORM was acked (I6's
    // rule): each such ack makes a fresh, empty one (vhost_init_device_iotlb); acking features
    // without the bit later leaves it in force (6.1's *_set_features tears nothing down), or, with
    // kernel.iotlbTransitions 'invalidate-rings', turns it off with its maps and queued messages
    // (vhost_clear_device_iotlb), after which accesses go through the memory table again
    if (vdpa && (isIotlbWrite(op, U.VHOST_IOTLB_UPDATE) || isIotlbWrite(op, U.VHOST_IOTLB_BATCH_BEGIN)) && ok(o)) s.iotlbOn = true;
    // word 0 of what an accepted SET_FEATURES_ARRAY acks: the first of its count words, or none
    const acked = op.kind === 'SET_FEATURES' && o.kind === 'ret' && o.ret === 0 ? op.features
      : op.kind === 'VMM_SET_FEATURES' && o.kind === 'vmm' && o.ret === 0 ? o.set
        : op.kind === 'SET_FEATURES_ARRAY' && o.kind === 'features-array' && o.ret === 0 ? (op.count >= 1n ? op.words[0] ?? 0n : 0n) : null;
    if (acked !== null) s.vrings = { ...s.vrings, features: acked };
    // a kernel that invalidates the rings on IOTLB transitions does so when the first IOTLB is made and when it goes
    const ringsOnTransition = profile.kernel.iotlbTransitions === 'invalidate-rings';
    if (!vdpa && acked !== null && (acked & AP) !== 0n) {
      if (!s.iotlbOn && ringsOnTransition) s.ringsForgotten = true;
      s.iotlbOn = true;
      s.table = iotlbMadeByAccessPlatform(profile) ? [] : null;
    }
    if (!vdpa && acked !== null && (acked & AP) === 0n && s.iotlbOn && iotlbMadeByAccessPlatform(profile) && ringsOnTransition) {
      s.iotlbOn = false;
      s.ringsForgotten = true;
      s.table = null;
      s.missQueue = [];
    }
    // the array ioctl's acked set is the kernel's reading of a buffer: the table law stops there
    if (op.kind === 'SET_FEATURES_ARRAY' && o.kind === 'features-array' && o.ret === 0) s.table = null;
    if (isIotlbWrite(op) && ok(o) && s.table !== null) s.table = tableAfterWrite(s.table, op.msg, profile, s.backend);
    if (op.kind === 'IOTLB_READ' && o.kind === 'read') {
      const problem = readProblem(s, op.len, o, profile);
      if (problem !== null) return fail(problem);
    }
    if (isVringOp(op) && o.kind === 'vring') {
      const problem = vringProblem(s, op, o, profile);
      if (problem !== null) return fail(problem);
    }
    if (o.kind === 'vring' && o.miss !== null) s.missQueue = [...s.missQueue, { iova: o.miss, perm: null, v2: v2Acked(s) }];
    // vhost_net_set_backend with fd -1 drops every queued message (vhost_clear_msg, 9526f9a2b762)
    if (profile.kernel.device === 'vhost-net' && op.kind === 'NET_SET_BACKEND' && op.fd === -1 && op.index >>> 0 < 2) s.missQueue = [];
    if (op.kind !== 'VQ_ACCESS') {
      let want: number | null = null;
      if (isIotlbWrite(op)) {
        want = expectedRejection(op.msg, profile, s.backend);
        if (want !== null && !(o.kind === 'ret' && o.ret === want)) return fail(`a malformed write must return ${want}`);
        // accept: this userspace's INVALIDATE of a non-empty range is applied while the IOTLB is in force
        if (want === null && s.iotlbOn && !s.misread && isIotlbWrite(op, U.VHOST_IOTLB_INVALIDATE) && op.msg.size !== 0n &&
          wellFormed(op.msg, profile, s.backend) && !ok(o)) return fail('a well-formed INVALIDATE must be accepted');
      }
      s.window = windowAfter(op, o, s.access ? null : s.window);
      s.beforeRejected = want !== null ? s.access : null;
      s.access = null;
      return null;
    }
    // reject: ACCESS(x) WRITE(malformed) ACCESS(x) observe the same
    const a0 = s.beforeRejected;
    s.access = { op, o };
    s.beforeRejected = null;
    if (a0 && isDeepStrictEqual(a0.op, op) && !isDeepStrictEqual(a0.o, o)) {
      return fail(`a rejected write changed what ${formatOp(op)} observes (was ${formatObservation(a0.o)})`);
    }
    // table
    const known = s.table !== null && !vdpa ? expectedAccess(s.table, op.iova, op.len, op.access) : null;
    if (known !== null && !isDeepStrictEqual(o, known.o)) {
      return fail(`the maps written since the IOTLB was made (${formatTable(s.table ?? [])}) say ${formatObservation(known.o)}`);
    }
    // miss-bytes: vhost_iotlb_miss queues the first unmapped byte (a one-byte access: its own)
    if (o.kind === 'access' && o.outcome === 'miss') {
      const iova = known?.missAt ?? (op.len === 1 ? op.iova : null);
      s.missQueue = [...s.missQueue, { iova, perm: op.access, v2: v2Acked(s) }];
    }
    if (op.len !== 1 || s.inBatch || s.misread) return null;
    const x = op.iova;
    const w = s.window;
    // hit
    if (w?.kind === 'update' && wellFormed(w.update.msg, profile, s.backend)) {
      const r = range(w.update.msg);
      if (r && inRange(x, r)) {
        const permitted = (w.update.msg.perm & op.access) !== 0;
        const want: Observation = permitted
          ? { kind: 'access', outcome: 'ok', segments: [[BigInt.asUintN(64, w.update.msg.uaddr + x - r[0]), 1]] }
          : { kind: 'access', outcome: 'fault', errno: U.EPERM };
        if (!isDeepStrictEqual(o, want)) return fail(`the map just written says ${formatObservation(want)}`);
      }
    }
    // miss
    if (w?.kind === 'invalidate' && (w.whole !== null || !mayKeepPassthrough(profile))) {
      const r = range(w.inval.msg);
      if (r && inRange(x, r) && translated(o)) return fail('an access inside an invalidated range was translated');
      // whole: INVALIDATE(r) UPDATE(r) INVALIDATE(q), q meets r
      const m = w.whole && range(w.whole.msg);
      if (r && m && meets(m, r) && inRange(x, m) && translated(o)) return fail('a map the invalidation met survived in part (maps are never split)');
    }
    return null;
  },
};

export const checkIotlbLaws = lawCheck(iotlbLaw);

/**
 * start: what a vring op on net/vsock must observe, where the law knows the memory vhost's own
 * accesses go to: none (no IOTLB) or the table of maps (under the upstream enable rule, nothing
 * misread). Then the vqs' backends as the op left them.
 */
function vringProblem(s: IotlbLawState, op: VringOp, o: Extract<Observation, { kind: 'vring' }>, profile: Profile): string | null {
  const device = profile.kernel.device;
  if (device === 'vhost-vdpa') return null;
  const forgotten = s.ringsForgotten;
  const mem: RingMemory | null = !iotlbMadeByAccessPlatform(profile) || s.misread ? null
    : !s.iotlbOn ? { kind: 'user', forgotten } : s.table === null ? null : { kind: 'iotlb', table: s.table, forgotten };
  const want = expectedVringOp(device, op, s.vrings, mem);
  s.vrings = { ...s.vrings, backends: backendsAfter(device, op, o, s.vrings.backends) };
  if (want === null || isDeepStrictEqual(o, want)) return null;
  const where = mem === null ? '' : mem.kind === 'user' ? ' with no IOTLB' : ` through the maps written since the IOTLB was made (${formatTable(mem.table)})`;
  return `the vring op must observe ${formatObservation(want)}${where}`;
}

/**
 * vdpa_sim with batch_mapping=0 starts (and resets) in a 1:1 passthrough that only its first
 * dma_map or dma_unmap drops (vdpasim_dma_map/unmap, iommu_pt): an INVALIDATE meeting no map
 * leaves every byte translated. An accepted UPDATE just before it has called dma_map.
 */
const mayKeepPassthrough = (profile: Profile): boolean =>
  profile.kernel.device === 'vhost-vdpa' && profile.kernel.parent === 'vendor-dma-map';

const v2Acked = (s: IotlbLawState): boolean => (s.backend & bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2)) !== 0n;

const formatTable = (t: readonly TableMap[]): string =>
  t.length === 0 ? 'none' : t.map(m => `[${hex(m.start)}, ${hex(m.last)}] -> ${hex(m.addr)} perm ${m.perm}`).join(', ');

/**
 * A known table after an accepted write: an UPDATE of this userspace adds its map, an INVALIDATE
 * frees what it meets; anything else accepted (a size-0 UPDATE before e2ae38cf3d91, a write the
 * law cannot read as written) makes it unknown.
 */
function tableAfterWrite(table: readonly TableMap[], m: IotlbWriteSpec, p: Profile, backend: bigint): readonly TableMap[] | null {
  if (!wellFormed(m, p, backend)) return null;
  if (m.type === U.VHOST_IOTLB_INVALIDATE) return tableAfterInvalidate(table, m.iova, m.size);
  if (m.type !== U.VHOST_IOTLB_UPDATE || m.size === 0n || m.iova + m.size - 1n > U64_MAX) return null;
  return tableAfterUpdate(table, { start: m.iova, last: m.iova + m.size - 1n, addr: m.uaddr, perm: m.perm & 0xff }, p.kernel.maxIotlbEntries);
}

/**
 * miss-bytes on a read: a buffer smaller than struct vhost_msg reads 0 and takes nothing; else
 * the oldest queued MISS, or -EAGAIN (O_NONBLOCK) when none is queued.
 */
function readProblem(s: IotlbLawState, len: number, o: Extract<Observation, { kind: 'read' }>, p: Profile): string | null {
  // vhost_vdpa_fops has no read_iter: vfs_read is -EINVAL whatever the length (the lab, 6.12 and 7.2)
  if (p.kernel.device === 'vhost-vdpa') return o.ret === -U.EINVAL ? null : 'vhost-vdpa has no read path: a read must be -EINVAL';
  if (len < U.MSG_LAYOUT[p.kernel.abi].v1Size) return o.ret === 0 ? null : 'a buffer smaller than struct vhost_msg must read 0';
  const head = s.missQueue[0];
  if (head === undefined) return o.ret === -U.EAGAIN ? null : 'no MISS is queued: a non-blocking read must be -EAGAIN';
  s.missQueue = s.missQueue.slice(1);
  return missBytesProblem(head, p.kernel.abi, len, o.ret, o.bytes);
}

// --- generators that plant the patterns -------------------------------------------------

const LAW_PERMS = [U.VHOST_ACCESS_RO, U.VHOST_ACCESS_WO, U.VHOST_ACCESS_RW];
const w = (type: number, iova: bigint, size: bigint, uaddr = 0n, perm = 3, extra: Partial<IotlbWriteSpec> = {}): Op =>
  ({ kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr, perm, type, ...extra } });

/** The message format a law's writes use: v2 mostly, v1 in either layout. */
type Format = Pick<IotlbWriteSpec, 'header' | 'layout'>;
const formatArb: fc.Arbitrary<Format> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Format>({ header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64' }) },
  { weight: 1, arbitrary: fc.constantFrom<Format>({ header: U.VHOST_IOTLB_MSG, layout: 'lp64' }, { header: U.VHOST_IOTLB_MSG, layout: 'i386' }) },
);
const probe = (iova: bigint, access: number): Access => ({ kind: 'VQ_ACCESS', iova, len: 1, access });

/** Probe points of a range (its ends, its middle, just outside), a non-empty subset that shrinks. */
const PROBE_POINTS = ['start', 'last', 'middle', 'before', 'after'] as const;
const probePointsArb = fc.subarray([...PROBE_POINTS], { minLength: 1 });
function probesOf(iova: bigint, size: bigint, access: number, points: readonly (typeof PROBE_POINTS)[number][]): Access[] {
  const last = BigInt.asUintN(64, iova + size - 1n);
  const at = { start: iova, last, middle: iova + (size >> 1n), before: iova - 1n, after: last + 1n };
  return points.map(p => probe(BigInt.asUintN(64, at[p]), access));
}
/** A BATCH_END first ends any batch a random prefix left open (vdpa applies set_map then). */
const batchEnd = (yes: boolean): Op[] => (yes ? [w(U.VHOST_IOTLB_BATCH_END, 0n, 0n)] : []);

const lawRange = fc.record({ iova: iovaArb, size: fc.oneof(fc.constantFrom(1n, 0x1000n, 0x2000n), fc.bigInt({ min: 1n, max: U64_MAX })) });
const uaddrArb = fc.oneof(fc.constantFrom(0x7f00_0000_0000n, 0n, U64_MAX - 0xfffn), fc.bigInt({ min: 0n, max: U64_MAX }));

const hitLaw = fc.record({ r: lawRange, uaddr: uaddrArb, perm: fc.constantFrom(...LAW_PERMS), access: fc.constantFrom(1, 2, 3), end: fc.boolean(), at: probePointsArb, f: formatArb })
  .map(({ r, uaddr, perm, access, end, at, f }): Op[] => [
    ...batchEnd(end), w(U.VHOST_IOTLB_INVALIDATE, r.iova, r.size, 0n, 3, f), w(U.VHOST_IOTLB_UPDATE, r.iova, r.size, uaddr, perm, f),
    ...probesOf(r.iova, r.size, access, at),
  ]);

const wholeLaw = fc.record({ r: lawRange, q: lawRange, uaddr: uaddrArb, end: fc.boolean(), at: probePointsArb })
  .map(({ r, q, uaddr, end, at }): Op[] => [
    ...batchEnd(end), w(U.VHOST_IOTLB_INVALIDATE, r.iova, r.size), w(U.VHOST_IOTLB_UPDATE, r.iova, r.size, uaddr, 3),
    w(U.VHOST_IOTLB_INVALIDATE, q.iova, q.size), ...probesOf(r.iova, r.size, 3, at),
  ]);

/** ca50ec377c2e: INVALIDATE iova 0 size 0 is QEMU's whole-range unmap (every map goes). */
const sweep: Op = w(U.VHOST_IOTLB_INVALIDATE, 0n, 0n);

const malformed = fc.oneof(
  fc.record({ iova: iovaArb, length: fc.integer({ min: 0, max: 39 }) }).map(({ iova, length }) => w(U.VHOST_IOTLB_UPDATE, iova, 0x1000n, 0x7f00_0000_0000n, 3, { length })),
  fc.constantFrom(0, 3, -1).map(header => w(U.VHOST_IOTLB_UPDATE, 0n, 0x1000n, 0n, 3, { header })),
  iovaArb.map(iova => w(U.VHOST_IOTLB_UPDATE, iova, 0n)),
  fc.record({ iova: iovaArb, type: fc.constantFrom(0, U.VHOST_IOTLB_MISS, U.VHOST_IOTLB_ACCESS_FAIL, 7, 255) }).map(({ iova, type }) => w(type, iova, 0x1000n)),
  fc.integer({ min: 1, max: 0x1000 }).map(d => w(U.VHOST_IOTLB_UPDATE, U64_MAX - BigInt(d) + 1n, 0x2000n, 0x7f00_0000_0000n)),
);
/** asid: IOTLB_ASID acked first (vhost-vdpa offers it), a write for an address space past the device's is malformed too. */
const ASID_ACK: Op = { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(U.VHOST_BACKEND_F_IOTLB_ASID) };
const rejectLaw = fc.record({ x: iovaArb, bad: malformed, access: fc.constantFrom(1, 2, 3), asid: fc.option(fc.constantFrom(VDPA_NAS, 0xffff_ffff), { freq: 4 }) })
  .map(({ x, bad, access, asid }): Op[] => {
    if (asid === null || bad.kind !== 'IOTLB_WRITE') return [probe(x, access), bad, probe(x, access)];
    return [ASID_ACK, probe(x, access), { ...bad, msg: { ...bad.msg, header: U.VHOST_IOTLB_MSG_V2, asid } }, probe(x, access)];
  });

/**
 * table and miss-bytes: a fresh IOTLB, disjoint maps in slots of two pages (one page leaves a hole
 * before the next slot, two pages touch it) in any order, more of them than the small
 * max_iotlb_entries values keep; then perhaps the bit cleared or acked again, or an INVALIDATE
 * (one map, a byte, across two slots, size 0 at 0, at a page inside a map or at a map's start); accesses at the
 * slots' edges and across them; reads of the MISS messages the misses queued.
 */
const SLOT = 0x2000n;
const PAGE = 0x1000n;
const slotMapArb = fc.record({ slot: fc.integer({ min: 0, max: 11 }), pages: fc.constantFrom(1n, 2n), perm: fc.constantFrom(...LAW_PERMS) });
const tableMidArb = fc.oneof(
  fc.constant<Op[]>([]),
  fc.constantFrom<Op[]>([{ kind: 'SET_FEATURES', features: 0n }], [{ kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_VERSION_1) }],
    [{ kind: 'SET_FEATURES', features: AP }], [w(U.VHOST_IOTLB_INVALIDATE, 0n, 0n)]),
  fc.record({
    slot: fc.integer({ min: 0, max: 11 }),
    kind: fc.constantFrom('map', 'byte', 'across', 'size0', 'size0start'),
    near: fc.subarray([0n, -1n, PAGE], { minLength: 1 }),
  }).map(({ slot, kind, near }): Op[] => {
    const at = BigInt(slot) * SLOT;
    // and accesses where it cut (some of: the slot's first byte, the byte before, its second page)
    const around = near.map(d => probe(BigInt.asUintN(64, at + d), 1));
    // [iova, size]; size 0 has last = iova - 1: it frees a map holding both iova - 1 and iova, not one starting at iova
    const cut: Record<typeof kind, readonly [bigint, bigint]> = { map: [at, PAGE], byte: [at + 0x800n, 1n], across: [at + PAGE + 0x800n, SLOT], size0: [at + PAGE, 0n], size0start: [at, 0n] };
    const [iova, size] = cut[kind];
    return [w(U.VHOST_IOTLB_INVALIDATE, iova, size), ...around];
  }),
);
const tableProbeArb = fc.record({ slot: fc.integer({ min: 0, max: 11 }), at: fc.constantFrom(0n, PAGE - 1n, PAGE, SLOT - 1n), len: fc.constantFrom(1, 1, 2, 0x1000, 0x3000), access: fc.constantFrom(1, 2, 3) })
  .map(({ slot, at, len, access }): Op => ({ kind: 'VQ_ACCESS', iova: BigInt(slot) * SLOT + at, len, access }));
const tableLaw = fc.record({
  v2: fc.option(fc.boolean()),
  maps: fc.uniqueArray(slotMapArb, { maxLength: 10, selector: m => m.slot }),
  mid: tableMidArb,
  probes: fc.array(tableProbeArb, { maxLength: 6 }),
  reads: fc.array(fc.constantFrom(72, 68, 64, 100), { maxLength: 3 }),
}).map(({ v2, maps, mid, probes, reads }): Op[] => [
  ...(v2 === null ? [] : [{ kind: 'SET_BACKEND_FEATURES', features: v2 ? bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) : 0n } as const]),
  { kind: 'SET_FEATURES', features: AP },
  ...maps.map(m => w(U.VHOST_IOTLB_UPDATE, BigInt(m.slot) * SLOT, m.pages * PAGE, 0x1000_0000n + BigInt(m.slot) * 0x10_0000n, m.perm)),
  ...mid, ...probes,
  ...reads.map((len): Op => ({ kind: 'IOTLB_READ', len })),
]);

/**
 * -ENOBUFS: VQ_IOV_MAX + 1 one-byte maps side by side, and an access across all of them (and one
 * short of it). No SET_FEATURES of its own (the script's or a table chunk's comes first), so
 * that shrinking can drop the whole chunk.
 */
const iovLaw = fc.record({ n: fc.integer({ min: 14, max: 18 }), len: fc.integer({ min: 14, max: 18 }), base: fc.constantFrom(0n, 0x7fffn, 1n << 32n) })
  .map(({ n, len, base }): Op[] => [
    ...Array.from({ length: n }, (_, i) => w(U.VHOST_IOTLB_UPDATE, base + BigInt(i), 1n, 0x2000_0000n + BigInt(3 * i), 3)),
    { kind: 'VQ_ACCESS', iova: base, len, access: 1 },
  ]);

export const i6ScriptArb: fc.Arbitrary<Op[]> = fc.tuple(
  fc.constantFrom<Op[]>([], [{ kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) }]),
  vocabularyArb().chain(v => fc.array(fc.oneof(
    { weight: 3, arbitrary: vhostOpWith(v).map(op => [op]) },
    { weight: 2, arbitrary: hitLaw },
    { weight: 1, arbitrary: wholeLaw },
    { weight: 1, arbitrary: fc.constant([sweep]) },
    { weight: 1, arbitrary: rejectLaw },
    { weight: 1, arbitrary: tableLaw },
    { weight: 1, arbitrary: iovLaw },
    { weight: 2, arbitrary: vringStartLaw },
  ), { maxLength: 10 })),
).map(([setup, chunks]) => [...setup, ...chunks.flat()]);

/**
 * Every kernel policy, including the pre-e2ae38cf3d91 one that accepts size-0 UPDATEs, with a
 * VMM built for the kernel's ABI writing v1 or v2 messages.
 */
export const i6ScopeArb: fc.Arbitrary<Profile> = fc.tuple(kernelPolicyArb, fc.boolean()).map(([k, v2]) => i6Profile(k, v2));

/** A kernel (IOTLB on by ACCESS_PLATFORM) and the VMM built for its ABI, writing v2 or v1 messages. */
export function i6Profile(k: KernelPolicy, v2: boolean): Profile {
  return {
    ...upstreamProfile,
    kernel: { ...k, iotlbEnable: 'access-platform' as const },
    vmm: { ...upstreamProfile.vmm, userAbi: k.abi, iotlbMsgV2: v2 },
  };
}

/** Every merged kernel since e2ae38cf3d91 (which made size-0 UPDATE -EINVAL). */
export const i6ProfileArb: fc.Arbitrary<Profile> = i6ScopeArb.filter(p => p.kernel.sizeZero !== 'accept-all');

export const I6: PropertyDef = {
  id: 'I6',
  title: 'IOTLB semantics',
  statement: 'translations agree with the maps in force (range, permission, offset); invalidate removes whole maps; malformed messages are rejected with the kernel\'s error and change nothing; '
    + 'table: from the fresh IOTLB each ACCESS_PLATFORM ack makes, while the maps written since do not overlap, every access observes exactly what translate_desc over them gives '
    + '(segments, -EPERM, -ENOBUFS past VQ_IOV_MAX, a miss at the first unmapped byte), with FIFO retirement at max_iotlb_entries, INVALIDATE freeing what '
    + 'del_range(iova, iova + size - 1) meets (size 0 included) and the IOTLB staying when the bit is acked away (going, with its maps and queued messages, on a kernel that invalidates the rings on IOTLB transitions); miss-bytes: reads return the queued MISS messages in order, '
    + 'byte for byte (vhost-vdpa has no read path: -EINVAL); asid: without IOTLB_ASID acked the asid word is not read, with it a write for an address space the device lacks is refused; '
    + 'umem: vhost-net/vsock refuse an UPDATE of a uaddr range the process could not reach (past unsigned long, or a readable/writable one past the user address space), '
    + 'and vhost-vdpa one that ends past the iova range it reports (a platform IOMMU\'s aperture)',
  source: 'drivers/vhost/iotlb.c; vhost.c vhost_chr_write_iter/_read_iter, translate_desc, vhost_iotlb_miss, vhost_init_device_iotlb; vdpa.c vhost_vdpa_process_iotlb_msg',
  profiles: i6ProfileArb,
  judges: ['kernel.sizeZero', 'kernel.abi', 'kernel.maxIotlbEntries', 'kernel.parent', 'kernel.iotlbTransitions', 'vmm.userAbi', 'vmm.iotlbMsgV2'],
  scripts: i6ScriptArb,
  check: onBothSides(checkIotlbLaws),
};
