// The optimised implementation of the guest's virtio device and driver probe, as a Part.

import type { Observation } from '../../types/observation.ts';
import type { Op } from '../../types/ops.ts';
import type { Profile } from '../../types/profile.ts';
import type { Part } from '../../types/stack.ts';
import { FastVirtioDevice } from './device.ts';
import { featuresOf, toHalves } from './featureWord.ts';
import { type FastGuest, fastGuest, fastProbe } from './probe.ts';

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i]!];
  return s;
}

const RET_OK: Observation = { kind: 'ret', ret: 0 };

function applyFast(dev: FastVirtioDevice, g: FastGuest, op: Op): Observation {
  switch (op.kind) {
    case 'DEVICE_RESET': dev.reset(); return RET_OK;
    case 'STATUS_WRITE': dev.writeStatus(op.status); return RET_OK;
    case 'STATUS_READ': return { kind: 'value', ret: 0, value: BigInt(dev.status) };
    case 'FEATURES_WRITE': {
      const [lo, hi] = toHalves(op.features);
      const [extLo, extHi] = toHalves(op.features >> 64n);
      return { kind: 'ret', ret: dev.writeFeatures(lo, hi, extLo, extHi) };
    }
    // read back through the driver's select words
    case 'FEATURES_READ':
      return { kind: 'value', ret: 0, value: featuresOf(dev.drvLo, dev.drvHi, dev.driverExt ? dev.drvExtLo : 0, dev.driverExt ? dev.drvExtHi : 0) };
    case 'CONFIG_READ': return { kind: 'config', bytes: hexOf(dev.readConfig(op.offset, op.width)) };
    case 'DEVICE_NEEDS_RESET': dev.raiseNeedsReset(); return RET_OK;
    case 'DRIVER_PROBE': return { kind: 'probe', transcript: fastProbe(dev, g) };
    default: throw new Error(`virtio impl: ${op.kind} is not a guest virtio op`);
  }
}

export function createVirtioImpl(profile: Profile): Part {
  const dev = new FastVirtioDevice(profile.guest);
  const g = fastGuest(profile.guest);
  return { apply: op => applyFast(dev, g, op) };
}
