// The device status register (virtio spec 1.3 §2.1): what a driver write leaves in it.

import { VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_CONFIG_S_NEEDS_RESET } from '../../types/uapi.ts';

/** device_status is one byte (spec 1.3 §4.1.4.3 common configuration: `u8 device_status`). */
export const STATUS_MASK = 0xff;

/** Writing 0 resets the device (spec 1.3 §2.4 Device Reset; §4.1.4.3.1). */
export function isResetWrite(value: number): boolean {
  return (value & STATUS_MASK) === 0;
}

/** Whether this write is the driver setting FEATURES_OK for the first time (spec §3.1.1 step 5). */
export function setsFeaturesOk(current: number, value: number): boolean {
  return (value & VIRTIO_CONFIG_S_FEATURES_OK) !== 0 && (current & VIRTIO_CONFIG_S_FEATURES_OK) === 0;
}

/**
 * The register after a non-reset driver write. The device stores the byte as written (QEMU
 * virtio_set_status: `vdev->status = val`), except that a device refusing the driver's features
 * leaves FEATURES_OK clear (spec 1.3 §2.2.2 "it MUST fail to set the FEATURES_OK device status bit
 * when the driver writes it"), so the driver's re-read (§3.1.1 step 6) sees the refusal.
 */
export function statusAfterWrite(current: number, value: number, refusesFeatures: boolean): number {
  const written = value & STATUS_MASK;
  return setsFeaturesOk(current, written) && refusesFeatures ? written & ~VIRTIO_CONFIG_S_FEATURES_OK : written;
}

/** The device entering an error state sets DEVICE_NEEDS_RESET (spec 1.3 §2.1.2 device requirements). */
export function statusWithNeedsReset(current: number): number {
  return current | VIRTIO_CONFIG_S_NEEDS_RESET;
}
