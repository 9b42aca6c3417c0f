// The guest's virtio core probing a device (drivers/virtio/virtio.c register_virtio_device and
// virtio_dev_probe), in the three historical orders of feature writes and validate (seed 004).

import type { ConfigRead, ProbeTranscript } from '../../types/observation.ts';
import type { GuestProfile, ProbeFlow } from '../../types/profile.ts';
import {
  ENODEV, VIRTIO_CONFIG_S_ACKNOWLEDGE, VIRTIO_CONFIG_S_DRIVER, VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_FAILED,
  VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_VERSION_1,
} from '../../types/uapi.ts';
import { filterTransportFeatures, initialDevFeatures, virtioIsLittleEndian } from './coreFeatures.ts';
import type { ConfigField } from './deviceConfig.ts';
import { type VirtioDevice, readConfig, readDeviceFeatures, readStatus, writeDriverFeatures, writeStatus } from './device.ts';
import { type DriverContext, type FieldDecode, type VirtioDriver, driverFor } from './drivers.ts';
import { bit, hasBit } from './featureBits.ts';

/** One probe in progress: the core's dev->features and what it has done so far. */
interface ProbeRun {
  readonly dev: VirtioDevice;
  readonly guest: GuestProfile;
  readonly driver: VirtioDriver;
  /** dev->features */
  features: bigint;
  stage: ConfigRead['stage'];
  readonly written: bigint[];
  readonly reads: ConfigRead[];
  featuresOkReread: boolean | null;
}

interface ValidateOutcome {
  readonly beforeValidate: bigint;
  readonly afterValidate: bigint;
}

/** virtio_add_status: read-modify-write, never clears a bit. */
function addStatus(dev: VirtioDevice, status: number): void {
  writeStatus(dev, readStatus(dev) | status);
}

/** Config bytes (address order) as an unsigned number in the given byte order. */
function decodeUnsigned(bytes: readonly number[], littleEndian: boolean): bigint {
  const ordered = littleEndian ? [...bytes].reverse() : bytes;
  return ordered.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** A driver's config read: through the transport, decoded, and recorded with its stage. */
function readField(run: ProbeRun, field: ConfigField, decode: FieldDecode): bigint {
  const littleEndian = decode === 'le' || virtioIsLittleEndian(run.features, run.guest.endian);
  const value = decodeUnsigned(readConfig(run.dev, field.offset, field.width), littleEndian);
  run.reads.push({ stage: run.stage, field: field.name, value });
  return value;
}

function driverContext(run: ProbeRun): DriverContext {
  return {
    get features() { return run.features; },
    set features(f: bigint) { run.features = f; },
    readField: (field, decode) => readField(run, field, decode),
  };
}

/** config->finalize_features: drop transport bits the core does not know, write the rest to the device. */
function finalizeFeatures(run: ProbeRun): void {
  run.features = filterTransportFeatures(run.features);
  writeDriverFeatures(run.dev, run.features);
  run.written.push(run.features);
}

/** drv->validate on dev->features (it may only clear bits), when the driver has one. */
function runValidate(run: ProbeRun): ValidateOutcome {
  const beforeValidate = run.features;
  run.driver.validate?.(driverContext(run));
  return { beforeValidate, afterValidate: run.features };
}

/** 404123c2db79 + 82e89ea077b9 (v5.15-rc): validate reads config before any features are written. */
function validateBeforeWrite(run: ProbeRun, deviceFeatures: bigint): ValidateOutcome {
  run.features = initialDevFeatures(deviceFeatures, run.guest.driverFeatures);
  const outcome = runValidate(run);
  finalizeFeatures(run);
  return outcome;
}

/**
 * 2f9a174f918e "virtio: write back F_VERSION_1 before validate": a big-endian guest whose driver
 * has validate writes VERSION_1 alone first, so that a device detecting legacy by the written
 * features switches to little-endian config; then as before.
 */
function writeVersion1First(run: ProbeRun, deviceFeatures: bigint): ValidateOutcome {
  if (run.driver.validate && run.guest.endian === 'be' && hasBit(deviceFeatures, VIRTIO_F_VERSION_1)) {
    run.features = bit(VIRTIO_F_VERSION_1);
    finalizeFeatures(run);
  }
  return validateBeforeWrite(run, deviceFeatures);
}

/** mst, Jan 2022 "virtio: acknowledge all features before access": write, validate, write again if it changed them. */
function ackBeforeAccess(run: ProbeRun, deviceFeatures: bigint): ValidateOutcome {
  run.features = initialDevFeatures(deviceFeatures, run.guest.driverFeatures);
  finalizeFeatures(run);
  const outcome = runValidate(run);
  if (outcome.afterValidate !== outcome.beforeValidate) finalizeFeatures(run);
  return outcome;
}

/**
 * Halil Pasic's RFC "virtio: write back features before verify" (seed 004): with VERSION_1
 * offered, finalize_features before validate so the device knows the config byte order;
 * validate; then virtio_finalize_features as ever, so finalize runs twice.
 */
function finalizeBeforeValidate(run: ProbeRun, deviceFeatures: bigint): ValidateOutcome {
  run.features = initialDevFeatures(deviceFeatures, run.guest.driverFeatures);
  if (hasBit(deviceFeatures, VIRTIO_F_VERSION_1)) finalizeFeatures(run);
  const outcome = runValidate(run);
  finalizeFeatures(run);
  return outcome;
}

const FEATURE_FLOWS: Readonly<Record<ProbeFlow, (run: ProbeRun, deviceFeatures: bigint) => ValidateOutcome>> = {
  'validate-before-write': validateBeforeWrite,
  'write-version1-first': writeVersion1First,
  'ack-before-access': ackBeforeAccess,
  'finalize-before-validate': finalizeBeforeValidate,
};

/**
 * virtio_features_ok: restricted memory access needs VERSION_1 and ACCESS_PLATFORM; a legacy
 * device (no VERSION_1) skips FEATURES_OK; otherwise set it and re-read (spec 1.3 §3.1.1 steps 5-6).
 * A driver with checksFeaturesOk false (a deliberately broken variant) ignores a refused re-read.
 */
function virtioFeaturesOk(run: ProbeRun): number {
  if (run.guest.restrictedMemory) {
    if (!hasBit(run.features, VIRTIO_F_VERSION_1)) return -ENODEV;
    if (!hasBit(run.features, VIRTIO_F_ACCESS_PLATFORM)) return -ENODEV;
  }
  if (!hasBit(run.features, VIRTIO_F_VERSION_1)) return 0;
  addStatus(run.dev, VIRTIO_CONFIG_S_FEATURES_OK);
  run.featuresOkReread = (readStatus(run.dev) & VIRTIO_CONFIG_S_FEATURES_OK) !== 0;
  return run.featuresOkReread || !run.guest.checksFeaturesOk ? 0 : -ENODEV;
}

/** virtio_dev_probe's tail: mark DRIVER_OK unless the driver's probe already did (virtio_device_ready). */
function deviceReady(dev: VirtioDevice): void {
  const status = readStatus(dev);
  if (!(status & VIRTIO_CONFIG_S_DRIVER_OK)) writeStatus(dev, status | VIRTIO_CONFIG_S_DRIVER_OK);
}

/**
 * register_virtio_device (reset, ACKNOWLEDGE) then virtio_dev_probe (DRIVER, read device
 * features, the profile's feature flow, virtio_features_ok, drv->probe, DRIVER_OK). Any error:
 * virtio_add_status(FAILED) and the errno. `status` is the final register, as sysfs shows it.
 */
export function virtioDevProbe(dev: VirtioDevice): ProbeTranscript {
  writeStatus(dev, 0);
  addStatus(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
  addStatus(dev, VIRTIO_CONFIG_S_DRIVER);
  const offered = readDeviceFeatures(dev);
  const run: ProbeRun = {
    dev, guest: dev.guest, driver: driverFor(dev.guest), features: 0n, stage: 'validate',
    written: [], reads: [], featuresOkReread: null,
  };
  const { beforeValidate, afterValidate } = FEATURE_FLOWS[dev.guest.probeFlow](run, offered);
  const result = virtioFeaturesOk(run);
  if (result === 0) {
    run.stage = 'probe';
    run.driver.probe(driverContext(run));
    deviceReady(dev);
  } else {
    addStatus(dev, VIRTIO_CONFIG_S_FAILED);
  }
  return {
    result, status: readStatus(dev), offered, beforeValidate, afterValidate,
    written: run.written, negotiated: run.features, reads: run.reads, featuresOkReread: run.featuresOkReread,
  };
}
