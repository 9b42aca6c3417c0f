// Starting and stopping the vrings (VHOST_VSOCK_SET_RUNNING, VHOST_NET_SET_BACKEND), optimised:
// the used-ring addresses as hi/lo constants and the translation through the device's
// IotlbIndex. The rules are model/vring.ts's, function for function.

import {
  FEATURES_ARRAY_END, FEATURES_ARRAY_PAGE, GUEST_RAM_HVA, GUEST_RAM_SIZE, NET_TAP_FD, VRING_AVAIL_ADDR, VRING_DESC_ADDR,
  VRING_NUM, VRING_USED_ADDR,
} from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { VringOp } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { type IotlbIndex, XLATE_HOLE, XLATE_OK } from './iotlbIndex.ts';
import { hiOf, le, loOf, lt, toBig, U64Reg } from './u64.ts';

/** What a vring start needs of its vhost device. */
export interface RingHost {
  /** dev->iotlb; null while the device IOTLB is off */
  readonly deviceIotlb: IotlbIndex | null;
  /** VIRTIO_RING_F_EVENT_IDX acked: the avail and used rings carry one more u16 */
  readonly eventIdx: boolean;
  /** vhost_iotlb_miss: queue a MISS for read(), in the format the acked backend features ask for */
  queueMiss(iovaHi: number, iovaLo: number, perm: number): void;
  /** vhost_clear_msg: drop the read list (and the pending list, which the implementation does not keep) */
  clearMessages(): void;
}

const USED_HI = VRING_USED_ADDR.map(hiOf);
const USED_LO = VRING_USED_ADDR.map(loOf);
const DESC_HI = VRING_DESC_ADDR.map(hiOf);
const DESC_LO = VRING_DESC_ADDR.map(loOf);
const AVAIL_HI = VRING_AVAIL_ADDR.map(hiOf);
const AVAIL_LO = VRING_AVAIL_ADDR.map(loOf);
/** VSOCK_VQ_RX: the vq whose worker a vsock start runs (model: vqMetaPrefetch) */
const VSOCK_VQ_RX = 0;
const RAM_HI = hiOf(GUEST_RAM_HVA);
const RAM_LO = loOf(GUEST_RAM_HVA);
const RAM_END_HI = hiOf(GUEST_RAM_HVA + GUEST_RAM_SIZE);
const RAM_END_LO = loOf(GUEST_RAM_HVA + GUEST_RAM_SIZE);
const FA_HI = hiOf(FEATURES_ARRAY_PAGE);
const FA_LO = loOf(FEATURES_ARRAY_PAGE);
const FA_END_HI = hiOf(FEATURES_ARRAY_END);
const FA_END_LO = loOf(FEATURES_ARRAY_END);
/** sizeof(__virtio16), and offsetof(struct vring_used, idx) */
const U16 = 2;

const ram = new U64Reg();

/** [hi:lo, + len) lies in memory the VMM has mapped: guest RAM or the features-array page (model: vmmMapsAddr). */
export function vmmMapsWords(hi: number, lo: number, len: number): boolean {
  const end = ram.add(hi, lo, 0, len);
  if (lt(end.hi, end.lo, hi, lo)) return false; // past 2^64
  return (le(RAM_HI, RAM_LO, hi, lo) && le(end.hi, end.lo, RAM_END_HI, RAM_END_LO)) ||
    (le(FA_HI, FA_LO, hi, lo) && le(end.hi, end.lo, FA_END_HI, FA_END_LO));
}

/** dev->nvqs of vhost-net and vhost-vsock. */
export function nvqsOf(device: VhostDevice): number {
  return device === 'vhost-net' ? U.VHOST_NET_VQ_MAX : U.VHOST_VSOCK_NVQS;
}

/** vhost_vring_ioctl's answer to an ioctl the device lacks: vq index (first u32) >= nvqs -ENOBUFS, else -ENOTTY. */
export function unknownIoctlWord(nvqs: number, firstWord: number): number {
  return firstWord >>> 0 >= nvqs ? -U.ENOBUFS : -U.ENOTTY;
}

export function unknownVringIoctl(nvqs: number, op: VringOp): number {
  return unknownIoctlWord(nvqs, op.kind === 'VSOCK_SET_RUNNING' ? op.start : op.index);
}

export class Vrings {
  /** vq->private_data set, per vq */
  private readonly backend: boolean[];
  /** the MISS the last user access queued */
  private missed = false;
  private missHi = 0;
  private missLo = 0;
  private readonly r = new U64Reg();
  /** vhost_vq_invalidate_access ran on every vq: the used rings are at address 0 */
  private forgotten = false;

  constructor(private readonly device: VhostDevice) {
    this.backend = new Array<boolean>(nvqsOf(device)).fill(false);
  }

  apply(op: VringOp, host: RingHost): Observation {
    this.missed = false;
    if (this.device === 'vhost-vsock' && op.kind === 'VSOCK_SET_RUNNING') {
      return (op.start | 0) !== 0 ? this.vsockStart(host) : this.result(this.stopAll());
    }
    if (this.device === 'vhost-net' && op.kind === 'NET_SET_BACKEND') return this.netSetBackend(host, op.index >>> 0, op.fd | 0);
    return this.result(unknownVringIoctl(nvqsOf(this.device), op));
  }

  private result(ret: number): Observation {
    return { kind: 'vring', ret, miss: this.missed ? toBig(this.missHi, this.missLo) : null };
  }

  private stopAll(): number {
    this.backend.fill(false);
    return 0;
  }

  /** vhost_vsock_start: init each vq without a backend; any failure clears them all. */
  private vsockStart(host: RingHost): Observation {
    for (let vq = 0; vq < this.backend.length; vq++) {
      if (this.backend[vq]) continue;
      this.backend[vq] = true;
      const r = this.initAccess(host, vq);
      if (r !== 0) {
        this.backend.fill(false);
        return this.result(r);
      }
    }
    this.prefetch(host, VSOCK_VQ_RX);
    return this.result(0);
  }

  /** vhost_net_set_backend: index check, clear messages on detach, get_socket, init a new backend. */
  private netSetBackend(host: RingHost, index: number, fd: number): Observation {
    if (index >= U.VHOST_NET_VQ_MAX) return this.result(-U.ENOBUFS);
    if (fd === -1) host.clearMessages();
    else if (fd !== NET_TAP_FD) return this.result(-U.ENOTSOCK);
    const attach = fd === NET_TAP_FD;
    const old = this.backend[index]!;
    if (attach === old) return this.result(0);
    this.backend[index] = attach;
    if (!attach) return this.result(0);
    const r = this.initAccess(host, index);
    // no worker runs: the harness's tap is down (model: vhostNetSetBackend)
    if (r !== 0) this.backend[index] = old;
    return this.result(r);
  }

  /** vq_meta_prefetch as the worker runs it after a start: desc (RO), avail (RO), used (WO); the first failure stops it, a hole queues a MISS. */
  private prefetch(host: RingHost, vq: number): void {
    const t = host.deviceIotlb;
    if (t === null || this.forgotten) return;
    const event = host.eventIdx ? 2 : 0;
    if (!this.ringOk(host, t, DESC_HI[vq]!, DESC_LO[vq]!, 16 * VRING_NUM, U.VHOST_ACCESS_RO)) return;
    if (!this.ringOk(host, t, AVAIL_HI[vq]!, AVAIL_LO[vq]!, 4 + 2 * VRING_NUM + event, U.VHOST_ACCESS_RO)) return;
    this.ringOk(host, t, USED_HI[vq]!, USED_LO[vq]!, 4 + 8 * VRING_NUM + event, U.VHOST_ACCESS_WO);
  }

  /** iotlb_access_ok of one ring: a hole queues a MISS with the access asked for. */
  private ringOk(host: RingHost, t: IotlbIndex, hi: number, lo: number, len: number, access: number): boolean {
    const code = t.accessOk(hi, lo, len, access);
    if (code === XLATE_HOLE) {
      host.queueMiss(t.holeHi, t.holeLo, access);
      this.missed = true;
      this.missHi = t.holeHi;
      this.missLo = t.holeLo;
    }
    return code === XLATE_OK;
  }

  /** kernel.iotlbTransitions 'invalidate-rings': every vq's ring addresses NULL (model: vringForgetAddresses). */
  forgetAddresses(): void {
    this.forgotten = true;
  }

  /** vhost_vq_init_access: put used->flags, then get used->idx. */
  private initAccess(host: RingHost, vq: number): number {
    const hi = this.forgotten ? 0 : USED_HI[vq]!;
    const lo = this.forgotten ? 0 : USED_LO[vq]!;
    const flags = this.userAccess(host, hi, lo);
    if (flags !== 0) return flags;
    const idx = this.r.add(hi, lo, 0, U16);
    return this.userAccess(host, idx.hi, idx.lo);
  }

  /** vhost_put_user/vhost_get_user of a __virtio16: the VMM's mapping, or translate_desc(RO) once the IOTLB is on. */
  private userAccess(host: RingHost, hi: number, lo: number): number {
    const t = host.deviceIotlb;
    // the harness puts every used ring in guest RAM, so this -EFAULT is for other layouts
    if (t === null) return vmmMapsWords(hi, lo, U16) ? 0 : -U.EFAULT;
    const code = t.translate(hi, lo, U16, U.VHOST_ACCESS_RO);
    if (code === XLATE_HOLE) {
      host.queueMiss(t.holeHi, t.holeLo, U.VHOST_ACCESS_RO);
      this.missed = true;
      this.missHi = t.holeHi;
      this.missLo = t.holeLo;
      return -U.EFAULT;
    }
    // any other failure, a translation over two maps ("Non atomic userspace memory access"), or a
    // uaddr the VMM does not map (__get_user/__put_user fault there)
    return code === XLATE_OK && t.segCount === 1 && vmmMapsWords(t.segUaddrHi[0]!, t.segUaddrLo[0]!, U16) ? 0 : -U.EFAULT;
  }
}
