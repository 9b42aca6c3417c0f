// The reference model of the guest's virtio device and driver probe, as a Part of the stack.

import type { Observation } from '../../types/observation.ts';
import type { Op } from '../../types/ops.ts';
import type { Profile } from '../../types/profile.ts';
import type { SnapshottingPart } from '../../types/stack.ts';
import { toHex } from '../../types/iotlbWire.ts';
import {
  type VirtioDevice, type VirtioDeviceSnapshot, createDevice, deviceRestore, deviceSnapshot,
  raiseNeedsReset, readConfig, readDriverFeatures, readStatus, resetDevice, writeDriverFeatures, writeStatus,
} from './device.ts';
import { virtioDevProbe } from './probe.ts';
import { rulesOf } from '../rules.ts';
import type { Rules } from '../../types/rules.ts';

/** One transport op on the device, and what the driver observes. */
export function applyVirtioOp(dev: VirtioDevice, op: Op, probeSteps: Rules['probeSteps']): Observation {
  switch (op.kind) {
    case 'DEVICE_RESET': resetDevice(dev); return { kind: 'ret', ret: 0 };
    case 'STATUS_WRITE': writeStatus(dev, op.status); return { kind: 'ret', ret: 0 };
    case 'STATUS_READ': return { kind: 'value', ret: 0, value: BigInt(readStatus(dev)) };
    case 'FEATURES_WRITE': return { kind: 'ret', ret: writeDriverFeatures(dev, op.features) };
    case 'FEATURES_READ': return { kind: 'value', ret: 0, value: readDriverFeatures(dev) };
    case 'CONFIG_READ': return { kind: 'config', bytes: toHex(Uint8Array.from(readConfig(dev, op.offset, op.width))) };
    case 'DEVICE_NEEDS_RESET': raiseNeedsReset(dev); return { kind: 'ret', ret: 0 };
    case 'DRIVER_PROBE': return { kind: 'probe', transcript: virtioDevProbe(dev, probeSteps) };
    default: throw new Error(`virtio model: ${op.kind} is not a guest virtio op`);
  }
}

export function createVirtioModel(profile: Profile): SnapshottingPart {
  const dev = createDevice(profile.guest);
  const { probeSteps } = rulesOf(profile);
  return {
    apply: op => applyVirtioOp(dev, op, probeSteps),
    snapshot: () => deviceSnapshot(dev),
    restore: s => deviceRestore(dev, s as VirtioDeviceSnapshot),
  };
}
