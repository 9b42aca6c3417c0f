// The interface both the reference model and the optimised implementation provide.

import type { IotlbMapTuple } from './iotlbTable.ts';
import type { Op } from './ops.ts';
import type { Observation } from './observation.ts';
import type { Profile } from './profile.ts';

/** One instance of the whole modelled stack (kernel, VMM, guest, hardware) for a profile. */
export interface Stack {
  apply(op: Op): Observation;
}

export type StackFactory = (profile: Profile) => Stack;

/** Apply a whole script and collect what each step observed. */
export function runScript(stack: Stack, ops: readonly Op[]): Observation[] {
  const out: Observation[] = [];
  for (const op of ops) out.push(stack.apply(op));
  return out;
}

/**
 * The kernel's vhost device of a stack. Its device IOTLB is no party's observable (no ioctl lists
 * it), but the kernel conformance vectors compare it with the kernel's own table.
 */
export interface VhostPart extends Part {
  /** the device IOTLB's maps in tree order (vhost-vdpa: asid 0's); null before there is one */
  iotlbTable(): IotlbMapTuple[] | null;
}

/**
 * One party's share of a stack (vhost, the guest's virtio device, iommufd). A Stack routes
 * each op to the part that owns its kind; a part throws on a kind it does not own.
 */
export interface Part {
  apply(op: Op): Observation;
}
