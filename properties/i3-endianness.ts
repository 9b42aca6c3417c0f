// I3 endianness consistency: every config field the driver decodes during probe, at validate
// and at probe stage, is the value the device meant, whatever the guest's and device's byte order.

import fc from 'fast-check';
import type { GuestConfig } from '../types/policy.ts';
import { runScript } from '../types/stack.ts';
import { hex } from '../types/trace.ts';
import { guestScriptArb, guestStackProfileArb } from '../generators/guest.ts';
import { judgeSteps, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';
import { U64_MAX } from '../types/bits.ts';


/** The value the device means for a config field the driver names (struct virtio_blk_config / virtio_vsock_config). */
export function meantConfigValue(config: GuestConfig, field: string): bigint | undefined {
  switch (field) {
    case 'capacity': return config.capacity & U64_MAX;
    case 'blk_size': return BigInt(config.blkSize >>> 0);
    case 'guest_cid': return config.guestCid & U64_MAX;
    default: return undefined;
  }
}

/** Each DRIVER_PROBE on its own: no state. */
export const endiannessLaw: StepLaw<object> = {
  start: () => ({}),
  step(_s, op, o, profile) {
    if (op.kind !== 'DRIVER_PROBE') return null;
    if (o.kind !== 'probe') return `DRIVER_PROBE observed ${o.kind}, not a transcript`;
    for (const read of o.transcript.reads) {
      const meant = meantConfigValue(profile.guest.config, read.field);
      if (meant === undefined) return `driver read unknown config field ${read.field}`;
      if (read.value !== meant) return `${read.stage}: ${read.field} decoded as ${hex(read.value)}, the device meant ${hex(meant)}`;
    }
    return null;
  },
};

export const I3: PropertyDef = {
  id: 'I3',
  title: 'endianness consistency',
  statement: 'every config field the driver decodes, at every stage of probe, equals the value the device meant, '
    + 'for LE and BE guests and legacy, transitional and modern devices',
  source: 'seed 004; virtio spec 1.3 §2.5 (config space endianness); 2f9a174f918e; mst Jan 2022 "acknowledge all features before access"',
  profiles: guestStackProfileArb({ probeFlow: fc.constant('ack-before-access') }),
  judges: ['guest.probeFlow', 'guest.blkValidate', 'guest.transitionalConfig'],
  scope: guestStackProfileArb(),
  scripts: guestScriptArb(8),
  check: onBothSides((stack, profile, ops) => judgeSteps(endiannessLaw, profile, ops, runScript(stack, ops))),
};
