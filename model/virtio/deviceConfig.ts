// The device-specific configuration space: its layout per device type, the byte order the
// device uses right now, and what a config-space read returns.

import type { GuestConfig, GuestProfile } from '../../types/policy.ts';
import { VIRTIO_F_VERSION_1 } from '../../types/uapi.ts';
import type { DeviceTransport } from './deviceFeatures.ts';
import { U64_MAX, hasBit } from '../../types/bits.ts';

/** One field of a config struct: byte offset and width. */
export interface ConfigField {
  readonly name: string;
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
}

/**
 * struct virtio_blk_config up to blk_size (include/uapi/linux/virtio_blk.h; spec 1.3 §5.2.4):
 * capacity u64 @0, size_max u32 @8, seg_max u32 @12, geometry {u16 cylinders, u8 heads,
 * u8 sectors} @16, blk_size u32 @20. negcheck's device exposes these 24 bytes.
 */
export const BLK_CAPACITY: ConfigField = { name: 'capacity', offset: 0, width: 8 };
export const BLK_SIZE_MAX: ConfigField = { name: 'size_max', offset: 8, width: 4 };
export const BLK_SEG_MAX: ConfigField = { name: 'seg_max', offset: 12, width: 4 };
export const BLK_GEOMETRY: ConfigField = { name: 'geometry', offset: 16, width: 4 };
export const BLK_BLK_SIZE: ConfigField = { name: 'blk_size', offset: 20, width: 4 };
export const BLK_CONFIG_SIZE = 24;

/** struct virtio_vsock_config (include/uapi/linux/virtio_vsock.h; spec 1.3 §5.10.4): guest_cid u64 @0. */
export const VSOCK_GUEST_CID: ConfigField = { name: 'guest_cid', offset: 0, width: 8 };
export const VSOCK_CONFIG_SIZE = 8;

/** The value the device means for each field; fields negcheck does not vary are 0. */
export function configFieldValues(deviceType: GuestProfile['deviceType'], config: GuestConfig): ReadonlyMap<ConfigField, bigint> {
  if (deviceType === 'vsock') return new Map([[VSOCK_GUEST_CID, config.guestCid & U64_MAX]]);
  return new Map([
    [BLK_CAPACITY, config.capacity & U64_MAX],
    [BLK_SIZE_MAX, 0n],
    [BLK_SEG_MAX, 0n],
    [BLK_GEOMETRY, 0n],
    [BLK_BLK_SIZE, BigInt(config.blkSize >>> 0)],
  ]);
}

export function configSize(deviceType: GuestProfile['deviceType']): number {
  return deviceType === 'vsock' ? VSOCK_CONFIG_SIZE : BLK_CONFIG_SIZE;
}

/**
 * The byte order of the device's config space right now (spec 1.3 §2.5 / §2.5.3: modern
 * fields are little-endian; "for legacy interfaces, device configuration space is generally the
 * guest's native endian"). A transitional device picks per policy:
 * - 'native-until-version1-written': QEMU <= 6.1, virtio_access_is_big_endian() looks at the
 *   driver features last written (guest_features), so config is guest-native until they hold
 *   VERSION_1 (the s390 breakage of seed 004);
 * - 'le-if-offered': modern (LE) as soon as VERSION_1 is offered, which a transitional device always does.
 */
export function configIsLittleEndian(transport: DeviceTransport, guest: GuestProfile, driverFeatures: bigint): boolean {
  const native = guest.endian === 'le';
  switch (transport) {
    case 'modern': return true;
    case 'legacy': return native;
    case 'transitional':
      return guest.transitionalConfig === 'le-if-offered' || hasBit(driverFeatures, VIRTIO_F_VERSION_1) || native;
  }
}

/** `width` bytes of `value` in the given byte order. */
export function encodeUnsigned(value: bigint, width: number, littleEndian: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return littleEndian ? out : out.reverse();
}

/** The whole config space as the device lays it out in the given byte order. */
export function configImage(guest: GuestProfile, littleEndian: boolean): number[] {
  const image: number[] = new Array<number>(configSize(guest.deviceType)).fill(0);
  for (const [field, value] of configFieldValues(guest.deviceType, guest.config)) {
    encodeUnsigned(value, field.width, littleEndian).forEach((b, i) => { image[field.offset + i] = b; });
  }
  return image;
}

/**
 * One config-space access of 1, 2 or 4 bytes. Out of range (any byte past the end) the whole
 * access reads as all ones: QEMU virtio_config_readX / virtio_config_modern_readX
 * `if (addr + sizeof(val) > vdev->config_len) return (uint32_t)-1;`.
 */
export function configAccess(image: readonly number[], offset: number, width: number): number[] {
  if (width <= 0) return [];
  if (offset < 0 || offset + width > image.length) return new Array<number>(width).fill(0xff);
  return image.slice(offset, offset + width);
}

/**
 * A driver config read of `width` bytes, split into the accesses the Linux virtio-pci transport
 * makes: legacy reads byte by byte (virtio_pci_legacy.c vp_get: ioread8 per byte); modern makes
 * one 1/2/4-byte access and reads a u64 as two 32-bit accesses, low address first
 * (virtio_pci_modern.c vp_get, `case 8:`). Each access is range-checked on its own.
 */
export function configRead(transport: DeviceTransport, image: readonly number[], offset: number, width: number): number[] {
  if (transport === 'legacy') {
    const out: number[] = [];
    for (let i = 0; i < width; i++) out.push(...configAccess(image, offset + i, 1));
    return out;
  }
  if (width === 8) return [...configAccess(image, offset, 4), ...configAccess(image, offset + 4, 4)];
  return configAccess(image, offset, width);
}
