// The virtio device as the guest's transport sees it: status register, device and driver
// feature words, config space. Each operation is one register access by the driver.

import type { FingerprintSink } from '../../types/fingerprint.ts';
import type { GuestProfile } from '../../types/profile.ts';
import { EINVAL, VIRTIO_CONFIG_S_FEATURES_OK } from '../../types/uapi.ts';
import { configImage, configIsLittleEndian, configRead } from './deviceConfig.ts';
import {
  type DeviceTransport, acceptsDriverFeatures, deviceFeatureMask, deviceTransport, driverFeatureMask,
  featuresOkHandshakeApplies, offeredFeatures,
} from './deviceFeatures.ts';
import { featureWord } from '../featuresArray.ts';
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

// --- snapshot, restore and fingerprint for the exhaustive engine (explore/) ------------------

export interface VirtioDeviceSnapshot {
  readonly status: number;
  readonly driverFeatures: bigint;
}

export function deviceSnapshot(dev: VirtioDevice): VirtioDeviceSnapshot {
  return { status: dev.status, driverFeatures: dev.driverFeatures };
}

/** `guest`, `transport` and `offered` are the profile's. */
export function deviceRestore(dev: VirtioDevice, snap: VirtioDeviceSnapshot): void {
  dev.status = snap.status;
  dev.driverFeatures = snap.driverFeatures;
}

/**
 * Written: the status register and driver_feature, both read back (STATUS_READ, FEATURES_READ)
 * and both steering later ops (FEATURES_OK, the config byte order). A probe keeps no state of its
 * own past the op (its ProbeRun is local). Left out: guest, transport and offered, the profile's.
 */
export function deviceFingerprint(dev: VirtioDevice, sink: FingerprintSink): void {
  sink.u32(dev.status);
  sink.u64(featureWord(dev.driverFeatures, 0n));
  sink.u64(featureWord(dev.driverFeatures, 1n));
}
