// Transition coverage: which state-machine transitions and outcomes a run reached, as named
// counters, so a generator that goes blind shows up as a zero (and fails a must-reach list).
// Counted on the model side only, from ops and observables, never from internals.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../types/errors.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Stack, StackFactory } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { vhostHasFeaturesArray } from '../model/vhost.ts';
import type { Subject } from '../types/property.ts';

export type CoverageCounts = Map<string, number>;

/** Not a transition: the number of ops applied (model side), for op-steps/s. */
export const STEPS = '#steps';

const MSG_TYPE_NAMES: Readonly<Record<number, string>> = {
  [U.VHOST_IOTLB_MISS]: 'MISS', [U.VHOST_IOTLB_UPDATE]: 'UPDATE', [U.VHOST_IOTLB_INVALIDATE]: 'INVALIDATE',
  [U.VHOST_IOTLB_ACCESS_FAIL]: 'ACCESS_FAIL', [U.VHOST_IOTLB_BATCH_BEGIN]: 'BATCH_BEGIN', [U.VHOST_IOTLB_BATCH_END]: 'BATCH_END',
};

/** 'ok' for success, else the errno's name. */
export function outcomeName(ret: number): string {
  return ret >= 0 ? 'ok' : U.ERRNO_NAMES[-ret] ?? `E${-ret}`;
}

/** The spec §3.1.1 steps a status write can be: the init sequence, reset, FAILED, or anything else. */
export function statusName(status: number): string {
  if (status === 0) return 'RESET';
  if (status & U.VIRTIO_CONFIG_S_FAILED) return 'FAILED';
  const step = STATUS_SEQUENCE.find(([v]) => v === status);
  return step ? step[1] : 'out-of-sequence';
}

const S = { A: U.VIRTIO_CONFIG_S_ACKNOWLEDGE, D: U.VIRTIO_CONFIG_S_DRIVER, F: U.VIRTIO_CONFIG_S_FEATURES_OK, O: U.VIRTIO_CONFIG_S_DRIVER_OK };
const STATUS_SEQUENCE: readonly [number, string][] = [
  [S.A, 'ACK'], [S.A | S.D, 'ACK|DRIVER'], [S.A | S.D | S.F, 'ACK|DRIVER|FEATURES_OK'], [S.A | S.D | S.F | S.O, 'ACK|DRIVER|FEATURES_OK|DRIVER_OK'],
];

/** A vring start's outcome: ok or the errno, and whether it queued a MISS. */
function vringOutcome(o: Observation): string {
  if (o.kind !== 'vring') return 'none';
  return `${outcomeName(o.ret)}${o.miss === null ? '' : ' MISS'}`;
}

/**
 * A VMM_SET_FEATURES: the VMM's combine rule and outcome; for a VMM with the array ioctls also
 * whether the kernel has them (else the fallback ran) and whether bits above 63 were set.
 */
function vmmTransition(profile: Profile, o: Observation, ret: number): string {
  const base = `vmm ${profile.vmm.features} SET_FEATURES ${outcomeName(ret)}`;
  if (profile.vmm.featuresIoctls === '64-bit') return base;
  const arrays = vhostHasFeaturesArray(profile.kernel);
  const high = o.kind === 'vmm' && o.set >> 64n !== 0n ? ', bits above 63' : '';
  return `${base} (${profile.vmm.featuresIoctls}, kernel ${arrays ? 'with' : 'without'} the array ioctls${high})`;
}

/** The transition one op made, or null for ops that only read. `persist` is what the stack had acked. */
export function transitionOf(op: Op, o: Observation, profile: Profile, persist: boolean): string | null {
  const ret = 'ret' in o ? o.ret : 0;
  switch (op.kind) {
    case 'IOTLB_WRITE': {
      const header = op.msg.header === U.VHOST_IOTLB_MSG_V2 ? 'v2' : op.msg.header === U.VHOST_IOTLB_MSG ? 'v1' : 'bad-header';
      return `iotlb ${header} ${MSG_TYPE_NAMES[op.msg.type] ?? 'unknown-type'} ${outcomeName(ret)}`;
    }
    case 'IOTLB_WRITE_RAW': return `iotlb raw write ${outcomeName(ret)}`;
    case 'IOTLB_READ': return `iotlb read ${ret > 0 ? 'message' : ret === 0 ? 'short buffer' : outcomeName(ret)}`;
    case 'VQ_ACCESS':
      if (o.kind !== 'access') return null;
      return `translate ${o.outcome === 'ok' ? 'hit' : o.outcome === 'miss' ? 'miss' : `fault ${U.ERRNO_NAMES[o.errno] ?? o.errno}`}`;
    case 'VSOCK_SET_RUNNING': return `${profile.kernel.device} VSOCK_SET_RUNNING ${op.start !== 0 ? 'start' : 'stop'} ${vringOutcome(o)}`;
    case 'NET_SET_BACKEND': return `${profile.kernel.device} NET_SET_BACKEND ${op.fd === -1 ? 'detach' : 'attach'} ${vringOutcome(o)}`;
    case 'SET_FEATURES': case 'SET_BACKEND_FEATURES': case 'GET_FEATURES': case 'GET_BACKEND_FEATURES':
      return `${profile.kernel.device} ${op.kind} ${outcomeName(ret)}`;
    // the count against the kernel's two words: below, equal, above
    case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY': {
      const count = op.count < 2n ? 'count<2' : op.count === 2n ? 'count=2' : 'count>2';
      return `${profile.kernel.device} ${op.kind} ${count} ${outcomeName(ret)}`;
    }
    case 'VDPA_SET_STATUS':
      if ((op.status & 0xff) === 0) return `vdpa reset ${persist ? 'with' : 'without'} IOTLB_PERSIST on ${profile.kernel.parent}`;
      return `vdpa status ${outcomeName(ret)}`;
    case 'VMM_SET_FEATURES': return vmmTransition(profile, o, ret);
    case 'STATUS_WRITE': return `virtio status -> ${statusName(op.status & 0xff)}`;
    case 'DRIVER_PROBE': {
      if (o.kind !== 'probe') return null;
      const t = o.transcript;
      const refused = t.featuresOkReread === false ? ' FEATURES_OK refused' : '';
      // feature select words 2 and 3 (69b946151224): a probe that negotiated a bit above 63
      const high = t.negotiated >> 64n !== 0n ? ', bits above 63' : '';
      return `virtio probe ${profile.guest.probeFlow} ${outcomeName(t.result)}${refused}${high}`;
    }
    case 'DEVICE_RESET': return 'virtio reset';
    case 'FEATURES_WRITE': return 'virtio features write';
    case 'CONFIG_READ': return 'virtio config read';
    case 'GET_HW_INFO': return `hw_info GET_HW_INFO ${profile.kernel.hwInfo} ${outcomeName(ret)}`;
    case 'VMM_VSMMU_IDR': return `hw_info vSMMU IDR built (${profile.vmm.idr}, kernel ${profile.kernel.hwInfo})`;
    default: return null;
  }
}

function bump(counts: CoverageCounts, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The transition a stack makes by being built for `profile` (which vDPA parent), or null. */
export function initialTransition(profile: Profile): string | null {
  return profile.kernel.device === 'vhost-vdpa' ? `vdpa parent ${profile.kernel.parent}` : null;
}

/** Whether IOTLB_PERSIST is acked after `op` (transitionOf's `persist`): a successful SET_BACKEND_FEATURES sets it. */
export function persistAfter(op: Op, o: Observation, persist: boolean): boolean {
  if (op.kind === 'SET_BACKEND_FEATURES' && o.kind === 'ret' && o.ret === 0) {
    return (op.features & (1n << BigInt(U.VHOST_BACKEND_F_IOTLB_PERSIST))) !== 0n;
  }
  return persist;
}

/** A stack that counts every transition it makes into `counts`. */
function countingStack(inner: Stack, profile: Profile, counts: CoverageCounts): Stack {
  let persist = false;
  const first = initialTransition(profile);
  if (first !== null) bump(counts, first);
  return {
    apply(op: Op): Observation {
      const o = inner.apply(op);
      bump(counts, STEPS);
      persist = persistAfter(op, o, persist);
      const t = transitionOf(op, o, profile, persist);
      if (t !== null) bump(counts, t);
      return o;
    },
  };
}

/** The subject with its model side counting transitions (the impl side is P0's business). */
export function countingSubject(subject: Subject, counts: CoverageCounts): Subject {
  const model: StackFactory = profile => countingStack(subject.model(profile), profile, counts);
  return { ...subject, model };
}

/** The must-reach list `negcheck fuzz` checks by default (and `explore --compare-fuzz` compares on). */
export const MUST_REACH_FILE = fileURLToPath(new URL('../properties/must-reach.txt', import.meta.url));

/** `property transition` lines; '#' starts a comment. */
export function parseMustReach(text: string): { property: string; transition: string }[] {
  return text.split('\n').map(l => l.replace(/#.*/, '').trim()).filter(l => l !== '').map(l => {
    const sp = l.indexOf(' ');
    return { property: l.slice(0, sp), transition: l.slice(sp + 1).trim() };
  });
}

/** The must-reach list in a file; a missing or malformed one is an input error naming it. */
export function readMustReach(file: string): { property: string; transition: string }[] {
  try {
    return parseMustReach(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`--must-reach ${file}: ${(e as Error).message}`);
  }
}
