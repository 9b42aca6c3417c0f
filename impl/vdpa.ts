// vhost-vdpa, optimised: shadow IOTLB and the parent's translation as IotlbIndex tables.

import { VDPA_NAS, VDPA_NVQS } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import { userspaceWriteBytes } from '../types/iotlbWire.ts';
import type { Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import {
  outside, type ParentCaps, parentCaps, testBit, VDPA_PARENT_WORD, vdpaAcceptedBackendWord, vdpaBackendWord, type Word,
} from './features.ts';
import { IotlbIndex } from './iotlbIndex.ts';
import type { WireMsg } from './iotlbWire.ts';
import { WireMsg as Msg } from './iotlbWire.ts';
import { hiOf, loOf, lt, toBig, U64Reg } from './u64.ts';
import { accessResult, chrWrite } from './vhost.ts';
import { unknownIoctlWord, unknownVringIoctl } from './vring.ts';
import { untouched } from './featuresArray.ts';

const r = new U64Reg();

function identity(): IotlbIndex {
  const t = new IotlbIndex(0, false, 2);
  t.add(0, 0, 0xffffffff, 0xffffffff, 0, 0, U.VHOST_ACCESS_RW);
  return t;
}

export class VdpaDev {
  private readonly p: ParentCaps;
  /** what SET_BACKEND_FEATURES accepts, and what GET_BACKEND_FEATURES reports, on this kernel */
  private readonly acceptedBackend: Word;
  private readonly offeredBackend: Word;
  private backendLo = 0;
  private status = 0;
  private as: IotlbIndex | null = null;
  private inBatch = false;
  private batchAsid = 0;
  private view: IotlbIndex;
  /** vdpasim->iommu_pt: `view` is the initial 1:1 passthrough, dropped by the first dma_map/dma_unmap */
  private passthrough: boolean;
  private readonly msg = new Msg();

  constructor(private readonly k: KernelPolicy) {
    this.p = parentCaps(k.parent);
    this.acceptedBackend = vdpaAcceptedBackendWord(k);
    this.offeredBackend = vdpaBackendWord(k, this.p);
    this.view = this.initialView();
    this.passthrough = this.p.initialIdentity;
  }

  /** the asid 0 shadow table in tree order (conformance; not an observable) */
  iotlbTable(): [bigint, bigint, bigint, number][] | null {
    return this.as?.table() ?? null;
  }

  private initialView(): IotlbIndex {
    return this.p.initialIdentity ? identity() : new IotlbIndex(0, false);
  }

  private toInitialView(): void {
    this.view = this.initialView();
    this.passthrough = this.p.initialIdentity;
  }

  private persist(): boolean {
    return testBit(0, this.backendLo, U.VHOST_BACKEND_F_IOTLB_PERSIST);
  }

  setBackendFeatures(hi: number, lo: number): number {
    if (outside(hi, lo, this.acceptedBackend)) return -U.EOPNOTSUPP;
    const has = (b: number): boolean => testBit(0, lo, b);
    if ((has(U.VHOST_BACKEND_F_SUSPEND) || has(U.VHOST_BACKEND_F_RESUME)) && !this.p.suspendResume) return -U.EOPNOTSUPP;
    if (has(U.VHOST_BACKEND_F_DESC_ASID)) return has(U.VHOST_BACKEND_F_IOTLB_ASID) ? -U.EOPNOTSUPP : -U.EINVAL;
    if (has(U.VHOST_BACKEND_F_IOTLB_PERSIST) && this.p.map !== 'iommu' && !this.p.resetMap) return -U.EOPNOTSUPP;
    this.backendLo = lo;
    return 0;
  }

  setFeatures(hi: number, lo: number): number {
    if (this.status & U.VIRTIO_CONFIG_S_FEATURES_OK) return -U.EBUSY;
    if (this.p.needsAccessPlatform && !testBit(hi, lo, U.VIRTIO_F_ACCESS_PLATFORM)) return -U.EINVAL;
    return 0;
  }

  /** vhost_vdpa_process_iotlb_msg: accepted, or refused (with the kernel's errno in a comment; the write says -EFAULT) */
  private processMsg(m: WireMsg): boolean {
    const t = m.type;
    if (t === U.VHOST_IOTLB_UPDATE || t === U.VHOST_IOTLB_BATCH_BEGIN) {
      if (m.asid >= VDPA_NAS) return false; // -EINVAL
      if (this.as === null) this.as = new IotlbIndex(0, false);
    }
    const iotlb = m.asid === 0 ? this.as : null;
    if ((this.inBatch && this.batchAsid !== m.asid) || iotlb === null) return false; // -EINVAL
    switch (t) {
      case U.VHOST_IOTLB_UPDATE: return this.update(iotlb, m);
      case U.VHOST_IOTLB_INVALIDATE: {
        const last = r.add(m.iovaHi, m.iovaLo, m.sizeHi, m.sizeLo).sub(r.hi, r.lo, 0, 1);
        // dma_unmap runs once per shadow map removed: none removed, the passthrough stays
        const removes = iotlb.firstOverlap(m.iovaHi, m.iovaLo, last.hi, last.lo) >= 0;
        iotlb.delRange(m.iovaHi, m.iovaLo, last.hi, last.lo);
        if (this.p.map === 'set_map') { if (!this.inBatch) this.view = iotlb.clone(); }
        else if (removes) this.parentView().delRange(m.iovaHi, m.iovaLo, last.hi, last.lo);
        return true;
      }
      case U.VHOST_IOTLB_BATCH_BEGIN: this.batchAsid = m.asid; this.inBatch = true; return true;
      case U.VHOST_IOTLB_BATCH_END:
        if (this.inBatch && this.p.map === 'set_map') this.view = iotlb.clone();
        this.inBatch = false;
        return true;
      default: return false; // -EINVAL
    }
  }

  /** vhost_vdpa_process_iotlb_update + vhost_vdpa_map */
  private update(iotlb: IotlbIndex, m: WireMsg): boolean {
    if (m.sizeHi === 0 && m.sizeLo === 0) return false; // -EINVAL
    const last = r.add(m.iovaHi, m.iovaLo, m.sizeHi, m.sizeLo).sub(r.hi, r.lo, 0, 1);
    // wrapped: last < iova; beyond the parent's range: last > range.last
    if (lt(last.hi, last.lo, m.iovaHi, m.iovaLo) || lt(this.p.lastHi, this.p.lastLo, last.hi, last.lo)) return false; // -EINVAL
    const lH = last.hi;
    const lL = last.lo;
    if (iotlb.firstOverlap(m.iovaHi, m.iovaLo, lH, lL) >= 0) return false; // -EEXIST
    iotlb.add(m.iovaHi, m.iovaLo, lH, lL, m.uaddrHi, m.uaddrLo, m.perm);
    if (this.p.map === 'set_map') { if (!this.inBatch) this.view = iotlb.clone(); }
    else this.parentView().add(m.iovaHi, m.iovaLo, lH, lL, m.uaddrHi, m.uaddrLo, m.perm);
    return true;
  }

  /** The table dma_map/dma_unmap or iommu_map/unmap change: a dma_map parent leaves its passthrough first. */
  private parentView(): IotlbIndex {
    if (this.passthrough && this.p.map === 'dma_map') {
      this.view = new IotlbIndex(0, false);
      this.passthrough = false;
    }
    return this.view;
  }

  /** Whether SET_STATUS 0 drops the parent's maps: _compat_vdpa_reset and the parent's reset, per kernel version. */
  private resetClears(persist: boolean): boolean {
    switch (this.k.vdpaReset) {
      // v6.7: CLEAN_MAP unless IOTLB_PERSIST is acked, honoured only by a parent with compat_reset
      case 'compat-reset': case 'buggy-reset-map-op': case 'parent-negotiation': case 'reset-clean-map-flag':
        return this.p.compatReset && !persist;
      // v6.6's plain reset: a compat_reset parent (mlx5_vdpa, vdpa_sim) drops its maps
      case 'plain-reset': case 'persist-bit-without-compat-reset': return this.p.compatReset;
      case 'reset-then-reset-map': return this.p.resetMap && !persist;
      case 'unconditional-persist': return false;
    }
  }

  private reset(): void {
    if (this.resetClears(this.persist())) this.toInitialView();
    this.status = 0;
  }

  setStatus(status: number): number {
    const st = status & 0xff;
    if (st !== 0 && (this.status & ~st) !== 0) return -U.EINVAL;
    if (st === 0) this.reset(); else this.status = st;
    return 0;
  }

  apply(op: Op): Observation {
    switch (op.kind) {
      case 'GET_FEATURES': return { kind: 'value', ret: 0, value: toBig(VDPA_PARENT_WORD.hi, VDPA_PARENT_WORD.lo) };
      case 'SET_FEATURES': return { kind: 'ret', ret: this.setFeatures(hiOf(op.features), loOf(op.features)) };
      case 'GET_BACKEND_FEATURES': return { kind: 'value', ret: 0, value: toBig(this.offeredBackend.hi, this.offeredBackend.lo) };
      case 'SET_BACKEND_FEATURES': return { kind: 'ret', ret: this.setBackendFeatures(hiOf(op.features), loOf(op.features)) };
      case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW':
        return { kind: 'ret', ret: chrWrite(this.k, testBit(0, this.backendLo, U.VHOST_BACKEND_F_IOTLB_ASID), userspaceWriteBytes(op), this.msg, m => this.processMsg(m)) };
      // no read_iter on vhost-vdpa: vfs_read's -EINVAL (model: vdpaApply)
      case 'IOTLB_READ': return { kind: 'read', ret: -U.EINVAL, bytes: '' };
      case 'VQ_ACCESS': {
        const code = this.view.translate(hiOf(op.iova), loOf(op.iova), op.len, op.access);
        return accessResult(this.view, code, U.EFAULT);
      }
      case 'VDPA_SET_STATUS': return { kind: 'ret', ret: this.setStatus(op.status) };
      case 'VDPA_GET_STATUS': return { kind: 'value', ret: 0, value: BigInt(this.status) };
      case 'VSOCK_SET_RUNNING': case 'NET_SET_BACKEND': return { kind: 'vring', ret: unknownVringIoctl(VDPA_NVQS, op), miss: null };
      case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY':
        return {
          kind: 'features-array', ret: unknownIoctlWord(VDPA_NVQS, loOf(op.count)),
          words: op.kind === 'GET_FEATURES_ARRAY' ? untouched([], op.fill) : untouched(op.words, 0n),
        };
      default: throw new Error(`vhost-vdpa: op ${op.kind} is not a vhost op`);
    }
  }
}
