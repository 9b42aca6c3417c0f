// The guest's virtio core probing a device (drivers/virtio/virtio.c register_virtio_device and
// virtio_dev_probe), in the three historical orders of feature writes and validate (seed 004).

import type { ConfigRead, ProbeTranscript } from '../../types/observation.ts';
import type { GuestProfile } from '../../types/policy.ts';
import type { ProbeStep, Rules } from '../../types/rules.ts';
import {
  ENODEV, VIRTIO_CONFIG_S_ACKNOWLEDGE, VIRTIO_CONFIG_S_DRIVER, VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_FAILED,
  VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_VERSION_1,
} from '../../types/uapi.ts';
import { filterTransportFeatures, initialDevFeatures, virtioIsLittleEndian } from './coreFeatures.ts';
import type { ConfigField } from './deviceConfig.ts';
import { type VirtioDevice, readConfig, readDeviceFeatures, readStatus, writeDriverFeatures, writeStatus } from './device.ts';
import { type DriverContext, type FieldDecode, type VirtioDriver, driverFor } from './drivers.ts';
import { bit, hasBit } from '../../types/bits.ts';

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

/**
 * The feature steps around validate, in the order the probeSteps rule gives (model/rules.ts names
 * the four historical flows of seed 004). `negotiate` sets dev->features to the offered features
 * the driver knows; `write-version1` writes VERSION_1 alone (2f9a174f918e); `write` is
 * virtio_finalize_features; `write-if-changed` writes again only if validate changed the features.
 * Without a validate step, validate never runs: before and after are the final features.
 */
function runFeatureSteps(run: ProbeRun, deviceFeatures: bigint, steps: readonly ProbeStep[]): ValidateOutcome {
  let outcome: ValidateOutcome | null = null;
  for (const step of steps) {
    switch (step) {
      case 'negotiate': run.features = initialDevFeatures(deviceFeatures, run.guest.driverFeatures); break;
      case 'write-version1': run.features = bit(VIRTIO_F_VERSION_1); finalizeFeatures(run); break;
      case 'write': finalizeFeatures(run); break;
      case 'validate': outcome = runValidate(run); break;
      case 'write-if-changed': if (outcome !== null && outcome.afterValidate !== outcome.beforeValidate) finalizeFeatures(run); break;
    }
  }
  return outcome ?? { beforeValidate: run.features, afterValidate: run.features };
}

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
export function virtioDevProbe(dev: VirtioDevice, probeSteps: Rules['probeSteps']): ProbeTranscript {
  writeStatus(dev, 0);
  addStatus(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
  addStatus(dev, VIRTIO_CONFIG_S_DRIVER);
  const offered = readDeviceFeatures(dev);
  const run: ProbeRun = {
    dev, guest: dev.guest, driver: driverFor(dev.guest), features: 0n, stage: 'validate',
    written: [], reads: [], featuresOkReread: null,
  };
  const steps = probeSteps(offered, dev.guest.endian === 'be', run.driver.validate !== undefined);
  const { beforeValidate, afterValidate } = runFeatureSteps(run, offered, steps);
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
