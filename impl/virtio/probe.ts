// virtio_dev_probe on the fast device: dev->features as two u32 halves, config decoded with
// DataView; bigint only when the transcript is handed out.

import type { ConfigRead, ProbeTranscript } from '../../types/observation.ts';
import type { GuestProfile, ProbeFlow } from '../../types/policy.ts';
import {
  ENODEV, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_CONFIG_S_ACKNOWLEDGE, VIRTIO_CONFIG_S_DRIVER, VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FAILED, VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_ADMIN_VQ, VIRTIO_F_IN_ORDER,
  VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_ORDER_PLATFORM, VIRTIO_F_RING_PACKED, VIRTIO_F_RING_RESET, VIRTIO_F_SR_IOV,
  VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC,
} from '../../types/uapi.ts';
import { BLK_BLK_SIZE_OFFSET, BLK_CAPACITY_OFFSET, type FastVirtioDevice, VSOCK_GUEST_CID_OFFSET } from './device.ts';
import { featuresOf, fromHalves, maskOf, rangeMask, toHalves } from './featureWord.ts';

const [, V1_HI] = maskOf(VIRTIO_F_VERSION_1);
const [, ACCESS_PLATFORM_HI] = maskOf(VIRTIO_F_ACCESS_PLATFORM);
const [BLK_SIZE_LO] = maskOf(VIRTIO_BLK_F_BLK_SIZE);
/** VIRTIO_TRANSPORT_F_START..END (28..42) */
const [RANGE_LO, RANGE_HI] = rangeMask(28, 42);
/** vring_transport_features + vp_transport_features keep these */
const [KEPT_LO, KEPT_HI] = maskOf(
  VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_RING_PACKED, VIRTIO_F_ORDER_PLATFORM, VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_IN_ORDER,
  VIRTIO_F_SR_IOV, VIRTIO_F_RING_RESET, VIRTIO_F_ADMIN_VQ,
);
const DROP_LO = (RANGE_LO & ~KEPT_LO) >>> 0;
const DROP_HI = (RANGE_HI & ~KEPT_HI) >>> 0;
const MIN_BLK_SIZE = 512;
const MAX_BLK_SIZE = 4096;

/** The guest's fixed inputs to every probe, converted once. */
export interface FastGuest {
  readonly isBlk: boolean;
  readonly nativeLe: boolean;
  readonly flow: ProbeFlow;
  /** virtblk_validate present (BlkValidatePolicy) */
  readonly hasValidate: boolean;
  readonly drvLo: number;
  readonly drvHi: number;
  /** driver feature_table bits 64-127 */
  readonly drvExtLo: number;
  readonly drvExtHi: number;
  readonly restrictedMemory: boolean;
  readonly checksFeaturesOk: boolean;
}

export function fastGuest(guest: GuestProfile): FastGuest {
  const [drvLo, drvHi] = toHalves(guest.driverFeatures);
  const [drvExtLo, drvExtHi] = toHalves(guest.driverFeatures >> 64n);
  return {
    isBlk: guest.deviceType === 'blk',
    hasValidate: guest.deviceType === 'blk' &&
      (guest.blkValidate === 'blk-size' || (guest.blkValidate === 'blk-size-not-on-be' && guest.endian === 'le')),
    nativeLe: guest.endian === 'le', flow: guest.probeFlow, drvLo, drvHi, drvExtLo, drvExtHi,
    restrictedMemory: guest.restrictedMemory, checksFeaturesOk: guest.checksFeaturesOk,
  };
}

class ProbeRun {
  lo = 0;
  hi = 0;
  /** dev->features bits 64-95, 96-127 */
  extLo = 0;
  extHi = 0;
  stage: ConfigRead['stage'] = 'validate';
  readonly written: number[] = [];
  readonly reads: { stage: ConfigRead['stage']; field: string; lo: number; hi: number }[] = [];
  featuresOkReread: boolean | null = null;

  constructor(readonly dev: FastVirtioDevice, readonly g: FastGuest) {}

  addStatus(bits: number): void {
    this.dev.writeStatus(this.dev.status | bits);
  }

  initFeatures(): void {
    const { dev, g } = this;
    this.lo = ((dev.offLo & g.drvLo) | (dev.offLo & RANGE_LO)) >>> 0;
    this.hi = ((dev.offHi & g.drvHi) | (dev.offHi & RANGE_HI)) >>> 0;
    // no transport bits above 63; words 2 and 3 only through a transport that reads them
    this.extLo = dev.driverExt ? (dev.offExtLo & g.drvExtLo) >>> 0 : 0;
    this.extHi = dev.driverExt ? (dev.offExtHi & g.drvExtHi) >>> 0 : 0;
  }

  finalize(): void {
    this.lo = (this.lo & ~DROP_LO) >>> 0;
    this.hi = (this.hi & ~DROP_HI) >>> 0;
    this.dev.writeFeatures(this.lo, this.hi, this.extLo, this.extHi);
    this.written.push(this.lo, this.hi, this.extLo, this.extHi);
  }

  littleEndian(rawLe: boolean): boolean {
    return rawLe || (this.hi & V1_HI) !== 0 || this.g.nativeLe;
  }

  readU32(field: string, offset: number): number {
    const view = new DataView(this.dev.readConfig(offset, 4).buffer);
    const value = view.getUint32(0, this.littleEndian(false));
    this.reads.push({ stage: this.stage, field, lo: value, hi: 0 });
    return value;
  }

  readU64(field: string, offset: number, rawLe: boolean): void {
    const view = new DataView(this.dev.readConfig(offset, 8).buffer);
    const le = this.littleEndian(rawLe);
    const lo = view.getUint32(le ? 0 : 4, le);
    const hi = view.getUint32(le ? 4 : 0, le);
    this.reads.push({ stage: this.stage, field, lo, hi });
  }

  /** virtblk_validate; vsock has none. Returns whether dev->features changed. */
  validate(): boolean {
    if (!this.g.hasValidate || !(this.lo & BLK_SIZE_LO)) return false;
    const blkSize = this.readU32('blk_size', BLK_BLK_SIZE_OFFSET);
    if (blkSize >= MIN_BLK_SIZE && blkSize <= MAX_BLK_SIZE) return false;
    this.lo = (this.lo & ~BLK_SIZE_LO) >>> 0;
    return true;
  }

  featuresOk(): number {
    if (this.g.restrictedMemory && (!(this.hi & V1_HI) || !(this.hi & ACCESS_PLATFORM_HI))) return -ENODEV;
    if (!(this.hi & V1_HI)) return 0;
    this.addStatus(VIRTIO_CONFIG_S_FEATURES_OK);
    this.featuresOkReread = (this.dev.status & VIRTIO_CONFIG_S_FEATURES_OK) !== 0;
    return this.featuresOkReread || !this.g.checksFeaturesOk ? 0 : -ENODEV;
  }

  driverProbe(): void {
    if (this.g.isBlk) {
      if (this.lo & BLK_SIZE_LO) this.readU32('blk_size', BLK_BLK_SIZE_OFFSET);
      this.readU64('capacity', BLK_CAPACITY_OFFSET, false);
    } else {
      this.readU64('guest_cid', VSOCK_GUEST_CID_OFFSET, true);
    }
  }
}

/**
 * register_virtio_device + virtio_dev_probe. Flows: 'ack-before-access' writes, validates,
 * rewrites if validate cleared a bit; the other two validate on unwritten features and write
 * once, 'write-version1-first' preceded by a VERSION_1-only write on BE guests (2f9a174f918e).
 */
export function fastProbe(dev: FastVirtioDevice, g: FastGuest): ProbeTranscript {
  dev.writeStatus(0);
  const run = new ProbeRun(dev, g);
  run.addStatus(VIRTIO_CONFIG_S_ACKNOWLEDGE);
  run.addStatus(VIRTIO_CONFIG_S_DRIVER);
  let before: bigint;
  if (g.flow === 'ack-before-access') {
    run.initFeatures();
    run.finalize();
    before = featuresOf(run.lo, run.hi, run.extLo, run.extHi);
    if (run.validate()) run.finalize();
  } else {
    if (g.flow === 'write-version1-first' && g.hasValidate && !g.nativeLe && (dev.offHi & V1_HI)) {
      run.lo = 0;
      run.hi = V1_HI;
      run.extLo = 0;
      run.extHi = 0;
      run.finalize();
    }
    run.initFeatures();
    if (g.flow === 'finalize-before-validate' && (dev.offHi & V1_HI)) run.finalize();
    before = featuresOf(run.lo, run.hi, run.extLo, run.extHi);
    run.validate();
  }
  const afterValidate = featuresOf(run.lo, run.hi, run.extLo, run.extHi);
  if (g.flow !== 'ack-before-access') run.finalize();
  const result = run.featuresOk();
  if (result === 0) {
    run.stage = 'probe';
    run.driverProbe();
    if (!(dev.status & VIRTIO_CONFIG_S_DRIVER_OK)) dev.writeStatus(dev.status | VIRTIO_CONFIG_S_DRIVER_OK);
  } else {
    run.addStatus(VIRTIO_CONFIG_S_FAILED);
  }
  const written: bigint[] = [];
  const w = run.written;
  for (let i = 0; i < w.length; i += 4) written.push(featuresOf(w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!));
  return {
    result,
    status: dev.status,
    offered: featuresOf(dev.offLo, dev.offHi, dev.driverExt ? dev.offExtLo : 0, dev.driverExt ? dev.offExtHi : 0),
    beforeValidate: before,
    afterValidate,
    written,
    negotiated: featuresOf(run.lo, run.hi, run.extLo, run.extHi),
    reads: run.reads.map(r => ({ stage: r.stage, field: r.field, value: fromHalves(r.lo, r.hi) })),
    featuresOkReread: run.featuresOkReread,
  };
}
