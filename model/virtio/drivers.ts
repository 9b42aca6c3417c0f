// The two guest drivers negcheck models: what drv->validate and drv->probe read from config
// space and which features validate clears.

import type { GuestProfile } from '../../types/policy.ts';
import { VIRTIO_BLK_F_BLK_SIZE } from '../../types/uapi.ts';
import { BLK_BLK_SIZE, BLK_CAPACITY, type ConfigField, VSOCK_GUEST_CID } from './deviceConfig.ts';
import { bit, hasBit } from '../../types/bits.ts';

/**
 * How a driver decodes a field: 'virtio' = virtio_cread / virtio_to_cpu, in the byte order
 * virtio_is_little_endian(dev) picks; 'le' = a raw config->get followed by le*_to_cpu.
 */
export type FieldDecode = 'virtio' | 'le';

/** What a driver can do during probe: look at and clear dev->features, read config fields. */
export interface DriverContext {
  features: bigint;
  readField(field: ConfigField, decode: FieldDecode): bigint;
}

export interface VirtioDriver {
  /** drv->validate; absent when the driver has none */
  readonly validate?: (ctx: DriverContext) => void;
  readonly probe: (ctx: DriverContext) => void;
}

/** SECTOR_SIZE and PAGE_SIZE (4 KiB on x86 and s390) bound a usable logical block size. */
export const SECTOR_SIZE = 512n;
export const PAGE_SIZE = 4096n;

/**
 * virtblk_validate (82e89ea077b9, v5.15-rc; reverted by ff63198850f3): with BLK_SIZE
 * negotiated, read blk_size and clear BLK_SIZE if it is below SECTOR_SIZE or above PAGE_SIZE.
 */
export function virtblkValidate(ctx: DriverContext): void {
  if (!hasBit(ctx.features, VIRTIO_BLK_F_BLK_SIZE)) return;
  const blkSize = ctx.readField(BLK_BLK_SIZE, 'virtio');
  if (blkSize < SECTOR_SIZE || blkSize > PAGE_SIZE) ctx.features &= ~bit(VIRTIO_BLK_F_BLK_SIZE);
}

/**
 * virtblk_probe: blk_size via virtio_cread_feature (only with BLK_SIZE negotiated), then
 * capacity in virtblk_update_capacity, both with virtio_cread (device byte order).
 */
export function virtblkProbe(ctx: DriverContext): void {
  if (hasBit(ctx.features, VIRTIO_BLK_F_BLK_SIZE)) ctx.readField(BLK_BLK_SIZE, 'virtio');
  ctx.readField(BLK_CAPACITY, 'virtio');
}

/**
 * virtio_vsock_probe → virtio_vsock_update_guest_cid (net/vmw_vsock/virtio_transport.c):
 * config->get of guest_cid then le64_to_cpu, always little-endian.
 */
export function virtioVsockProbe(ctx: DriverContext): void {
  ctx.readField(VSOCK_GUEST_CID, 'le');
}

export const VIRTIO_BLK_DRIVER: VirtioDriver = { validate: virtblkValidate, probe: virtblkProbe };
/** virtio_vsock has no .validate */
export const VIRTIO_VSOCK_DRIVER: VirtioDriver = { probe: virtioVsockProbe };

/** virtio-blk without validate(): ff63198850f3, or the s390 build of the compile-out band-aid. */
export const VIRTIO_BLK_DRIVER_NO_VALIDATE: VirtioDriver = { probe: virtblkProbe };

/** The driver the guest binds, with or without virtblk_validate per its BlkValidatePolicy. */
export function driverFor(guest: GuestProfile): VirtioDriver {
  if (guest.deviceType === 'vsock') return VIRTIO_VSOCK_DRIVER;
  const validates = guest.blkValidate === 'blk-size' || (guest.blkValidate === 'blk-size-not-on-be' && guest.endian === 'le');
  return validates ? VIRTIO_BLK_DRIVER : VIRTIO_BLK_DRIVER_NO_VALIDATE;
}
