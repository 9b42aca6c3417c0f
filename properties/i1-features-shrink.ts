// I1 features only shrink after validate: validate() may only clear bits; the driver negotiates
// only offered bits it (or the core's transport code) knows; nothing is accepted after
// FEATURES_OK; a failed FEATURES_OK re-read never reaches DRIVER_OK.

import type { ProbeTranscript } from '../types/observation.ts';
import type { GuestProfile } from '../types/policy.ts';
import { runScript } from '../types/stack.ts';
import { hex } from '../types/trace.ts';
import { bit, bits } from '../types/bits.ts';
import * as U from '../types/uapi.ts';
import { guestScriptArb, guestStackProfileArb } from '../generators/guest.ts';
import { judgeSteps, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';

const isSubset = (a: bigint, b: bigint): boolean => (a & ~b) === 0n;

/**
 * The transport bits the guest core may keep without the driver knowing them, stated here rather
 * than taken from the model it judges (a mistake in the model's constant would be invisible to I1):
 * vring_transport_features (drivers/virtio/virtio_ring.c) keeps INDIRECT_DESC, EVENT_IDX,
 * VERSION_1, ACCESS_PLATFORM, RING_PACKED, ORDER_PLATFORM, NOTIFICATION_DATA and IN_ORDER;
 * virtio-pci's vp_transport_features sets back SR_IOV, RING_RESET and ADMIN_VQ. NOTIF_CONFIG_DATA
 * is in neither.
 */
const CORE_KEEPS = bits(
  U.VIRTIO_RING_F_INDIRECT_DESC, U.VIRTIO_RING_F_EVENT_IDX, U.VIRTIO_F_VERSION_1, U.VIRTIO_F_ACCESS_PLATFORM,
  U.VIRTIO_F_RING_PACKED, U.VIRTIO_F_ORDER_PLATFORM, U.VIRTIO_F_NOTIFICATION_DATA, U.VIRTIO_F_IN_ORDER,
  U.VIRTIO_F_SR_IOV, U.VIRTIO_F_RING_RESET, U.VIRTIO_F_ADMIN_VQ,
);
const FEATURES_OK = BigInt(U.VIRTIO_CONFIG_S_FEATURES_OK);

/** What is wrong with one probe transcript, or null. */
export function probeTranscriptProblem(t: ProbeTranscript, guest: GuestProfile): string | null {
  if (!isSubset(t.afterValidate, t.beforeValidate)) {
    return `validate added features: before ${hex(t.beforeValidate)}, after ${hex(t.afterValidate)}`;
  }
  const supported = t.offered & (guest.driverFeatures | CORE_KEEPS);
  if (!isSubset(t.negotiated, supported)) {
    return `negotiated ${hex(t.negotiated)} ⊄ offered ∩ (driver ∪ core transport bits) ${hex(supported)}`;
  }
  const unoffered = t.written.find(w => !isSubset(w, t.offered));
  if (unoffered !== undefined) return `wrote ${hex(unoffered)}, not a subset of offered ${hex(t.offered)} (spec §2.2.1)`;
  const last = t.written.at(-1);
  if (last !== undefined && last !== t.negotiated) {
    return `device was last told ${hex(last)} but the driver runs with ${hex(t.negotiated)}`;
  }
  // virtio_features_ok (drivers/virtio/virtio.c): with restricted memory access (a confidential
  // guest, virtio_check_mem_acc_cb) "device must provide VIRTIO_F_VERSION_1" and ACCESS_PLATFORM, else -ENODEV
  const missing = [U.VIRTIO_F_VERSION_1, U.VIRTIO_F_ACCESS_PLATFORM].filter(b => (t.negotiated & bit(b)) === 0n);
  if (guest.restrictedMemory && t.result >= 0 && missing.length > 0) {
    return `a guest with restricted memory access probed with feature bit(s) ${missing.join(', ')} not negotiated (virtio_features_ok: -ENODEV)`;
  }
  const failed = t.result < 0 || t.featuresOkReread === false;
  if (failed && (t.result >= 0 || !(t.status & U.VIRTIO_CONFIG_S_FAILED) || (t.status & U.VIRTIO_CONFIG_S_DRIVER_OK))) {
    return `FEATURES_OK re-read ${String(t.featuresOkReread)}, result ${t.result}, status ${hex(t.status)}:`
      + ' a failed probe must end FAILED without DRIVER_OK (spec §3.1.1)';
  }
  return null;
}

/** What I1's raw-script law reads of the trace so far. */
export interface FeaturesLawState {
  /** the driver has seen FEATURES_OK (a STATUS_READ, or a probe's final status) */
  featuresOkSeen: boolean;
  /** the driver features read or written since then (undefined: none yet, or FEATURES_OK not seen) */
  locked: bigint | undefined;
}

/**
 * Raw scripts: once the driver has seen FEATURES_OK (a STATUS_READ, or a probe's final status),
 * every FEATURES_WRITE fails and FEATURES_READ does not change until a reset or a status write
 * that drops FEATURES_OK. A DRIVER_PROBE's transcript is judged by probeTranscriptProblem.
 */
export const featuresLaw: StepLaw<FeaturesLawState> = {
  start: () => ({ featuresOkSeen: false, locked: undefined }),
  step(s, op, o, profile) {
    switch (op.kind) {
      case 'DRIVER_PROBE': {
        if (o.kind !== 'probe') return `DRIVER_PROBE observed ${o.kind}, not a transcript`;
        const problem = probeTranscriptProblem(o.transcript, profile.guest);
        if (problem !== null) return problem;
        s.featuresOkSeen = (o.transcript.status & U.VIRTIO_CONFIG_S_FEATURES_OK) !== 0;
        s.locked = s.featuresOkSeen ? o.transcript.written.at(-1) : undefined;
        break;
      }
      case 'STATUS_READ':
        if (o.kind === 'value' && (o.value & FEATURES_OK) !== 0n) s.featuresOkSeen = true;
        else { s.featuresOkSeen = false; s.locked = undefined; }
        break;
      case 'STATUS_WRITE':
        if (!(op.status & U.VIRTIO_CONFIG_S_FEATURES_OK)) { s.featuresOkSeen = false; s.locked = undefined; }
        break;
      case 'DEVICE_RESET':
        s.featuresOkSeen = false;
        s.locked = undefined;
        break;
      case 'FEATURES_WRITE':
        if (s.featuresOkSeen && !(o.kind === 'ret' && o.ret < 0)) {
          return `driver features ${hex(op.features)} accepted after FEATURES_OK (spec §3.1.1 step 5)`;
        }
        break;
      case 'FEATURES_READ':
        if (s.featuresOkSeen && o.kind === 'value') {
          if (s.locked !== undefined && o.value !== s.locked) {
            return `driver features changed after FEATURES_OK: ${hex(s.locked)} → ${hex(o.value)}`;
          }
          s.locked = o.value;
        }
        break;
      default:
        break;
    }
    return null;
  },
};

export const I1: PropertyDef = {
  id: 'I1',
  title: 'features only shrink after validate',
  statement: 'validate() only clears features; negotiated ⊆ offered ∩ (driver ∪ core transport bits); '
    + 'no features are accepted after FEATURES_OK; a failed FEATURES_OK re-read never reaches DRIVER_OK; '
    + 'a guest with restricted memory access probes only with VERSION_1 and ACCESS_PLATFORM negotiated',
  source: 'virtio spec 1.3 §3.1.1 and §2.2; seed 004 (virtio: write back features before verify); over 128 bits since e7d4c1c5a546 / 69b946151224; drivers/virtio/virtio.c virtio_features_ok',
  profiles: guestStackProfileArb(),
  judges: ['guest.probeFlow', 'guest.blkValidate', 'guest.checksFeaturesOk', 'guest.restrictedMemory', 'guest.driverFeatureWords', 'guest.deviceFeatureWords'],
  scripts: guestScriptArb(12),
  check: onBothSides((stack, profile, ops) => judgeSteps(featuresLaw, profile, ops, runScript(stack, ops))),
};
