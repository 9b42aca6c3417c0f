// vhost-net / vhost-vsock, optimised: feature words as hi/lo, the IOTLB as an IotlbIndex.

import { GUEST_RAM_HVA, GUEST_RAM_SIZE } from '../types/harness.ts';
import { toHex, userspaceWriteBytes } from '../types/iotlbWire.ts';
import type { Observation, Segment } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { deviceWord, GENERIC_BACKEND_WORD, NET_WORD1, outside, testBit, type Word } from './features.ts';
import { featuresArrayToAck, getFeaturesArray, untouched } from './featuresArray.ts';
import { IotlbIndex, XLATE_HOLE, XLATE_NOBUFS, XLATE_OK, XLATE_PERM } from './iotlbIndex.ts';
import { encodeQueued, parseWrite, sizeZeroRejects, WireMsg, writeSize } from './iotlbWire.ts';
import { hiOf, loOf, toBig, U64Reg } from './u64.ts';
import { umemAccessOk } from './uaccess.ts';
import { nvqsOf, type RingHost, unknownIoctlWord, Vrings } from './vring.ts';

/** A MISS waiting on the read list. */
interface Queued { readonly v2: boolean; readonly iovaHi: number; readonly iovaLo: number; readonly perm: number }

/** The device access result as an observation (the only allocation of a translate). */
export function accessResult(t: IotlbIndex, code: number, holeErrno: number): Observation {
  if (code === XLATE_OK) {
    const segments: Segment[] = [];
    for (let i = 0; i < t.segCount; i++) segments.push([toBig(t.segUaddrHi[i]!, t.segUaddrLo[i]!), t.segLen[i]!]);
    return { kind: 'access', outcome: 'ok', segments };
  }
  if (code === XLATE_PERM) return { kind: 'access', outcome: 'fault', errno: U.EPERM };
  if (code === XLATE_NOBUFS) return { kind: 'access', outcome: 'fault', errno: U.ENOBUFS };
  return { kind: 'access', outcome: 'fault', errno: holeErrno };
}

const r = new U64Reg();

/**
 * Shared framing of a vhost fd write: parse, size-0 rule, handler. vhost_chr_write_iter answers
 * -EFAULT for any error of the message handler, so a handler only says whether it accepted.
 */
export function chrWrite(k: KernelPolicy, asidAcked: boolean, bytes: Uint8Array, m: WireMsg, accepts: (m: WireMsg) => boolean): number {
  const e = parseWrite(bytes, k.abi, asidAcked, m);
  if (e) return e;
  if (sizeZeroRejects(k.sizeZero, m)) return -U.EINVAL;
  if (!accepts(m)) return -U.EFAULT;
  return writeSize(m.header, k.abi);
}

export class VhostDev implements RingHost {
  private readonly features: Word;
  /** vhost_net_features[0..1] for the array ioctls; null: the device has none */
  private readonly featureWords: readonly Word[] | null;
  private backendLo = 0;
  /** VIRTIO_RING_F_EVENT_IDX in the acked features (the rings' sizes, impl/vring.ts prefetch) */
  eventIdx = false;
  private iotlb: IotlbIndex | null = null;
  private readonly umem: IotlbIndex;
  // The kernel moves a fully read MISS to dev->pending_list, and vhost_iotlb_notify_vq frees the
  // ones an UPDATE covers and kicks their vq: nothing a caller can observe (the model keeps the list
  // as the kernel does; explore leaves it out of the fingerprint), so the implementation has none.
  private readList: Queued[] = [];
  private readonly msg = new WireMsg();
  private readonly rings: Vrings;

  constructor(private readonly k: KernelPolicy) {
    this.features = deviceWord(k);
    this.featureWords = k.device === 'vhost-net' && k.featuresArray !== 'absent' ? [this.features, NET_WORD1] : null;
    this.rings = new Vrings(k.device);
    this.umem = new IotlbIndex(k.maxIotlbEntries, true, 2);
    const last = GUEST_RAM_SIZE - 1n;
    this.umem.add(0, 0, hiOf(last), loOf(last), hiOf(GUEST_RAM_HVA), loOf(GUEST_RAM_HVA), U.VHOST_ACCESS_RW);
  }

  setFeatures(hi: number, lo: number): number {
    if (outside(hi, lo, this.features)) return -U.EOPNOTSUPP;
    return this.ackFeatures(hi, lo);
  }

  /** *_set_features on word 0 (the only word a rule of this device reads). */
  private ackFeatures(hi: number, lo: number): number {
    let on: boolean;
    switch (this.k.iotlbEnable) {
      case 'access-platform': on = testBit(hi, lo, U.VIRTIO_F_ACCESS_PLATFORM); break;
      case 'access-platform-after-msg-v2-ack':
        on = testBit(hi, lo, U.VIRTIO_F_ACCESS_PLATFORM) && testBit(0, this.backendLo, U.VHOST_BACKEND_F_IOTLB_MSG_V2); break;
      case 'separate-bit': on = testBit(hi, lo, U.VHOST_F_IOTLB_SPLIT); break;
    }
    this.eventIdx = testBit(hi, lo, U.VIRTIO_RING_F_EVENT_IDX);
    const transitions = this.k.iotlbTransitions === 'invalidate-rings';
    if (on) {
      if (this.iotlb === null && transitions) this.rings.forgetAddresses();
      this.iotlb = new IotlbIndex(this.k.maxIotlbEntries, true);
    } else if (transitions && this.iotlb !== null) {
      // vhost_clear_device_iotlb
      this.iotlb = null;
      this.rings.forgetAddresses();
      this.readList = [];
    }
    return 0;
  }

  private featuresArray(op: Extract<Op, { kind: 'GET_FEATURES_ARRAY' | 'SET_FEATURES_ARRAY' }>): Observation {
    const words = this.featureWords;
    if (words === null) {
      const buffer = op.kind === 'GET_FEATURES_ARRAY' ? untouched([], op.fill) : untouched(op.words, 0n);
      return { kind: 'features-array', ret: unknownIoctlWord(nvqsOf(this.k.device), loOf(op.count)), words: buffer };
    }
    if (op.kind === 'GET_FEATURES_ARRAY') return { kind: 'features-array', ...getFeaturesArray(this.k, words, op.count, op.fill) };
    const a = featuresArrayToAck(words, op.count, op.words);
    return { kind: 'features-array', ret: a.ok ? this.ackFeatures(a.ack[0]!.hi, a.ack[0]!.lo) : a.err, words: untouched(op.words, 0n) };
  }

  setBackendFeatures(hi: number, lo: number): number {
    if (outside(hi, lo, GENERIC_BACKEND_WORD)) return -U.EOPNOTSUPP;
    this.backendLo = lo;
    return 0;
  }

  write(bytes: Uint8Array): number {
    return chrWrite(this.k, false, bytes, this.msg, m => this.processMsg(m));
  }

  /** vhost_process_iotlb_msg: accepted, or refused (the kernel's errno in a comment; the write says -EFAULT) */
  private processMsg(m: WireMsg): boolean {
    // the kernel's `asid != 0` check (-EINVAL) never fires here: vhost-net and vhost-vsock do not
    // offer IOTLB_ASID, so the v2 asid word is never read (write passes asidAcked = false)
    const t = this.iotlb;
    if (m.type === U.VHOST_IOTLB_UPDATE) {
      if (t === null) return false; // -EFAULT
      if (!umemAccessOk(this.k, m.uaddrHi, m.uaddrLo, m.sizeHi, m.sizeLo, m.perm)) return false; // -EFAULT
      const last = r.add(m.iovaHi, m.iovaLo, m.sizeHi, m.sizeLo).sub(r.hi, r.lo, 0, 1);
      if (t.add(m.iovaHi, m.iovaLo, last.hi, last.lo, m.uaddrHi, m.uaddrLo, m.perm)) return false; // -ENOMEM
      return true;
    }
    if (m.type === U.VHOST_IOTLB_INVALIDATE) {
      if (t === null) return false; // -EFAULT
      const last = r.add(m.iovaHi, m.iovaLo, m.sizeHi, m.sizeLo).sub(r.hi, r.lo, 0, 1);
      t.delRange(m.iovaHi, m.iovaLo, last.hi, last.lo);
      return true;
    }
    return false; // -EINVAL
  }

  read(len: number): Observation {
    const abi = this.k.abi;
    if (len < U.MSG_LAYOUT[abi].v1Size) return { kind: 'read', ret: 0, bytes: '' };
    const q = this.readList.shift();
    if (q === undefined) return { kind: 'read', ret: -U.EAGAIN, bytes: '' };
    const full = encodeQueued(q.v2, q.iovaHi, q.iovaLo, q.perm, U.VHOST_IOTLB_MISS, abi);
    const n = Math.min(len, full.length);
    return { kind: 'read', ret: n, bytes: toHex(full.subarray(0, n)) };
  }

  access(hi: number, lo: number, len: number, access: number): Observation {
    const t = this.iotlb;
    if (t === null) return accessResult(this.umem, this.umem.translate(hi, lo, len, access), U.EFAULT);
    const code = t.translate(hi, lo, len, access);
    if (code === XLATE_HOLE) {
      this.queueMiss(t.holeHi, t.holeLo, access);
      return { kind: 'access', outcome: 'miss' };
    }
    return accessResult(t, code, U.EFAULT);
  }

  /** dev->iotlb in tree order (conformance; not an observable) */
  iotlbTable(): [bigint, bigint, bigint, number][] | null {
    return this.iotlb?.table() ?? null;
  }

  get deviceIotlb(): IotlbIndex | null {
    return this.iotlb;
  }

  /** vhost_iotlb_miss: v2 format when IOTLB_MSG_V2 is acked. */
  queueMiss(iovaHi: number, iovaLo: number, perm: number): void {
    const v2 = (this.backendLo & (1 << U.VHOST_BACKEND_F_IOTLB_MSG_V2)) !== 0;
    this.readList.push({ v2, iovaHi, iovaLo, perm });
  }

  clearMessages(): void {
    this.readList = [];
  }

  apply(op: Op): Observation {
    switch (op.kind) {
      case 'GET_FEATURES': return { kind: 'value', ret: 0, value: toBig(this.features.hi, this.features.lo) };
      case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY': return this.featuresArray(op);
      case 'SET_FEATURES': return { kind: 'ret', ret: this.setFeatures(hiOf(op.features), loOf(op.features)) };
      case 'GET_BACKEND_FEATURES': return { kind: 'value', ret: 0, value: toBig(GENERIC_BACKEND_WORD.hi, GENERIC_BACKEND_WORD.lo) };
      case 'SET_BACKEND_FEATURES': return { kind: 'ret', ret: this.setBackendFeatures(hiOf(op.features), loOf(op.features)) };
      case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': return { kind: 'ret', ret: this.write(userspaceWriteBytes(op)) };
      case 'IOTLB_READ': return this.read(op.len);
      case 'VQ_ACCESS': return this.access(hiOf(op.iova), loOf(op.iova), op.len, op.access);
      case 'VSOCK_SET_RUNNING': case 'NET_SET_BACKEND': return this.rings.apply(op, this);
      case 'VDPA_SET_STATUS': return { kind: 'ret', ret: unknownIoctlWord(nvqsOf(this.k.device), op.status) };
      case 'VDPA_GET_STATUS': return { kind: 'ret', ret: unknownIoctlWord(nvqsOf(this.k.device), 0) };
      default: throw new Error(`vhost: op ${op.kind} is not a vhost op`);
    }
  }
}
