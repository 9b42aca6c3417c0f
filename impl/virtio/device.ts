// The virtio device for the fast path: status byte, feature halves, and the config space kept
// as two prebuilt byte images (little- and big-endian) so a read is a copy, not an encode.

import type { GuestProfile } from '../../types/policy.ts';
import { EINVAL, VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_CONFIG_S_NEEDS_RESET, VIRTIO_F_VERSION_1 } from '../../types/uapi.ts';
import { maskOf, toHalves } from './featureWord.ts';

const [, V1_HI] = maskOf(VIRTIO_F_VERSION_1);
const FEATURES_OK = VIRTIO_CONFIG_S_FEATURES_OK;

/** Layout offsets (struct virtio_blk_config, struct virtio_vsock_config). */
export const BLK_CAPACITY_OFFSET = 0;
export const BLK_BLK_SIZE_OFFSET = 20;
export const VSOCK_GUEST_CID_OFFSET = 0;
const BLK_CONFIG_BYTES = 24;
const VSOCK_CONFIG_BYTES = 8;

function putU64(view: DataView, offset: number, value: bigint, littleEndian: boolean): void {
  const [lo, hi] = toHalves(value);
  view.setUint32(offset, littleEndian ? lo : hi, littleEndian);
  view.setUint32(offset + 4, littleEndian ? hi : lo, littleEndian);
}

function buildImage(guest: GuestProfile, littleEndian: boolean): Uint8Array {
  if (guest.deviceType === 'vsock') {
    const image = new Uint8Array(VSOCK_CONFIG_BYTES);
    putU64(new DataView(image.buffer), VSOCK_GUEST_CID_OFFSET, guest.config.guestCid, littleEndian);
    return image;
  }
  const image = new Uint8Array(BLK_CONFIG_BYTES);
  const view = new DataView(image.buffer);
  putU64(view, BLK_CAPACITY_OFFSET, guest.config.capacity, littleEndian);
  view.setUint32(BLK_BLK_SIZE_OFFSET, guest.config.blkSize >>> 0, littleEndian);
  return image;
}

/** Copy one range-checked access (all 0xff when any byte is past the end, as QEMU). */
function copyAccess(image: Uint8Array, offset: number, width: number, out: Uint8Array, at: number): void {
  if (offset < 0 || offset + width > image.length) out.fill(0xff, at, at + width);
  else out.set(image.subarray(offset, offset + width), at);
}

export class FastVirtioDevice {
  status = 0;
  drvLo = 0;
  drvHi = 0;
  /** driver_feature bits 64-95 and 96-127 (select words 2 and 3) */
  drvExtLo = 0;
  drvExtHi = 0;
  readonly legacy: boolean;
  readonly transitional: boolean;
  /** the driver's transport reads and writes select words 2 and 3 */
  readonly driverExt: boolean;
  /** the device presents and stores select words 2 and 3 */
  readonly deviceExt: boolean;
  readonly offLo: number;
  readonly offHi: number;
  readonly offExtLo: number;
  readonly offExtHi: number;
  private readonly reqLo: number;
  private readonly reqHi: number;
  private readonly reqExtLo: number;
  private readonly reqExtHi: number;
  private readonly nativeLe: boolean;
  private readonly leIfOffered: boolean;
  private readonly imageLe: Uint8Array;
  private readonly imageBe: Uint8Array;

  constructor(guest: GuestProfile) {
    const transport = guest.deviceType === 'vsock' ? 'modern' : guest.transport;
    this.legacy = transport === 'legacy';
    this.transitional = transport === 'transitional';
    const [lo, hi] = toHalves(guest.offered);
    this.offLo = lo;
    this.offHi = this.legacy ? 0 : (hi | V1_HI) >>> 0;
    this.driverExt = !this.legacy && guest.driverFeatureWords === 4;
    this.deviceExt = !this.legacy && guest.deviceFeatureWords === 4;
    [this.offExtLo, this.offExtHi] = this.deviceExt ? toHalves(guest.offered >> 64n) : [0, 0];
    [this.reqLo, this.reqHi] = toHalves(guest.deviceRequires);
    [this.reqExtLo, this.reqExtHi] = toHalves(guest.deviceRequires >> 64n);
    this.nativeLe = guest.endian === 'le';
    this.leIfOffered = guest.transitionalConfig === 'le-if-offered';
    this.imageLe = buildImage(guest, true);
    this.imageBe = buildImage(guest, false);
  }

  reset(): void {
    this.status = 0;
    this.drvLo = 0;
    this.drvHi = 0;
    this.drvExtLo = 0;
    this.drvExtHi = 0;
  }

  writeStatus(value: number): void {
    let v = value & 0xff;
    if (v === 0) return this.reset();
    if ((v & FEATURES_OK) && !(this.status & FEATURES_OK) && this.handshakeApplies() && !this.acceptsDriverFeatures()) {
      v &= ~FEATURES_OK;
    }
    this.status = v;
  }

  /**
   * -EINVAL once FEATURES_OK is set; a legacy register holds 32 bits; words 2 and 3 are written
   * only by a driver that has them and kept only by a device that has them.
   */
  writeFeatures(lo: number, hi: number, extLo: number, extHi: number): number {
    if (this.status & FEATURES_OK) return -EINVAL;
    this.drvLo = lo >>> 0;
    this.drvHi = this.legacy ? 0 : hi >>> 0;
    const ext = this.driverExt && this.deviceExt;
    this.drvExtLo = ext ? extLo >>> 0 : 0;
    this.drvExtHi = ext ? extHi >>> 0 : 0;
    return 0;
  }

  raiseNeedsReset(): void {
    this.status |= VIRTIO_CONFIG_S_NEEDS_RESET;
  }

  configLittleEndian(): boolean {
    if (this.legacy) return this.nativeLe;
    if (!this.transitional) return true;
    return this.leIfOffered || (this.drvHi & V1_HI) !== 0 || this.nativeLe;
  }

  /** Config bytes in address order: legacy byte accesses, modern 1/2/4 or 2×4 for 8. */
  readConfig(offset: number, width: number): Uint8Array {
    const out = new Uint8Array(width > 0 ? width : 0);
    const image = this.configLittleEndian() ? this.imageLe : this.imageBe;
    if (this.legacy) {
      for (let i = 0; i < out.length; i++) {
        const at = offset + i;
        out[i] = at >= 0 && at < image.length ? image[at]! : 0xff;
      }
    } else if (width === 8) {
      copyAccess(image, offset, 4, out, 0);
      copyAccess(image, offset + 4, 4, out, 4);
    } else {
      copyAccess(image, offset, out.length, out, 0);
    }
    return out;
  }

  private handshakeApplies(): boolean {
    if (this.legacy) return false;
    return !this.transitional || (this.drvHi & V1_HI) !== 0;
  }

  private acceptsDriverFeatures(): boolean {
    return (this.drvLo & ~this.offLo) === 0 && (this.drvHi & ~this.offHi) === 0
      && (this.drvExtLo & ~this.offExtLo) === 0 && (this.drvExtHi & ~this.offExtHi) === 0
      && (this.reqLo & ~this.drvLo) === 0 && (this.reqHi & ~this.drvHi) === 0
      && (this.reqExtLo & ~this.drvExtLo) === 0 && (this.reqExtHi & ~this.drvExtHi) === 0
      && (this.drvHi & V1_HI) !== 0;
  }
}
