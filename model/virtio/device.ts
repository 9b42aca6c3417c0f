// The virtio device as the guest's transport sees it: status register, device and driver
// feature words, config space. Each operation is one register access by the driver.

import type { GuestProfile } from '../../types/policy.ts';
import { EINVAL, VIRTIO_CONFIG_S_FEATURES_OK } from '../../types/uapi.ts';
import { configImage, configIsLittleEndian, configRead } from './deviceConfig.ts';
import {
  type DeviceTransport, acceptsDriverFeatures, deviceFeatureMask, deviceTransport, driverFeatureMask,
  featuresOkHandshakeApplies, offeredFeatures,
} from './deviceFeatures.ts';
import { isResetWrite, statusAfterWrite, statusWithNeedsReset } from './deviceStatus.ts';

export interface VirtioDevice {
  readonly guest: GuestProfile;
  readonly transport: DeviceTransport;
  readonly offered: bigint;
  /** device_status */
  status: number;
  /** driver_feature, as last accepted from the driver */
  driverFeatures: bigint;
}

export function createDevice(guest: GuestProfile): VirtioDevice {
  return { guest, transport: deviceTransport(guest), offered: offeredFeatures(guest), status: 0, driverFeatures: 0n };
}

/** Reset: status 0 (spec 1.3 §2.1.2 "MUST initialize device status to 0 upon reset"); QEMU virtio_reset also zeroes guest_features. */
export function resetDevice(dev: VirtioDevice): void {
  dev.status = 0;
  dev.driverFeatures = 0n;
}

export function readStatus(dev: VirtioDevice): number {
  return dev.status;
}

/** A driver write of device_status: 0 resets, FEATURES_OK is kept only if the features are accepted. */
export function writeStatus(dev: VirtioDevice, value: number): void {
  if (isResetWrite(value)) return resetDevice(dev);
  const refuses = featuresOkHandshakeApplies(dev.transport, dev.driverFeatures)
    && !acceptsDriverFeatures(dev.offered, dev.guest.deviceRequires, dev.driverFeatures);
  dev.status = statusAfterWrite(dev.status, value, refuses);
}

/** device_feature, read through the driver's select words: what the device offers that the driver can see. */
export function readDeviceFeatures(dev: VirtioDevice): bigint {
  return dev.offered & driverFeatureMask(dev.guest);
}

/**
 * A driver write of driver_feature through its select words: stored (the words the device
 * implements; the rest is dropped), unless
 * FEATURES_OK is already set: QEMU virtio_set_features "The driver must not attempt to set
 * features after feature negotiation has finished" → -EINVAL, nothing stored
 * (spec 1.3 §3.1.1 step 5 "MUST NOT accept new feature bits after this step").
 */
export function writeDriverFeatures(dev: VirtioDevice, features: bigint): number {
  if (dev.status & VIRTIO_CONFIG_S_FEATURES_OK) return -EINVAL;
  dev.driverFeatures = features & driverFeatureMask(dev.guest) & deviceFeatureMask(dev.guest);
  return 0;
}

/** driver_feature, read back through the driver's select words. */
export function readDriverFeatures(dev: VirtioDevice): bigint {
  return dev.driverFeatures & driverFeatureMask(dev.guest);
}

/** The device sets DEVICE_NEEDS_RESET on an internal error. */
export function raiseNeedsReset(dev: VirtioDevice): void {
  dev.status = statusWithNeedsReset(dev.status);
}

/** Config bytes in address order, laid out in the byte order the device uses at this moment. */
export function readConfig(dev: VirtioDevice, offset: number, width: number): number[] {
  const littleEndian = configIsLittleEndian(dev.transport, dev.guest, dev.driverFeatures);
  return configRead(dev.transport, configImage(dev.guest, littleEndian), offset, width);
}

// --- snapshot and restore for the exhaustive engine (explore/) ------------------------------

/** What the profile fixes (createDevice): never snapshot. */
type DeviceFixed = 'guest' | 'transport' | 'offered';

/**
 * Every other field: the type is derived from VirtioDevice, so a field added there is a compile
 * error here until the snapshot holds it (and so explore's fingerprint does). A probe keeps no
 * state past its op (ProbeRun is local).
 */
export type VirtioDeviceSnapshot = Readonly<Omit<VirtioDevice, DeviceFixed>>;

export function deviceSnapshot(dev: VirtioDevice): VirtioDeviceSnapshot {
  return { status: dev.status, driverFeatures: dev.driverFeatures };
}

/** Every field of the snapshot (Object.assign: none can be forgotten). */
export function deviceRestore(dev: VirtioDevice, snap: VirtioDeviceSnapshot): void {
  Object.assign(dev, snap);
}
