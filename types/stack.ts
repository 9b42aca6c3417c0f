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

/**
 * What a part or a whole stack offers the exhaustive engine (explore/): its state as a value.
 * The engine fingerprints the snapshot whole (explore/canonical.ts), so a snapshot is plain data
 * and holds every field a later op can read, except what the profile fixes (policies, rules),
 * which the caller identifies by the profile's index.
 *
 * - `snapshot()` returns a value the part never changes afterwards (the reference model shares
 *   immutable arrays with its live state rather than copying them), so the engine can keep it
 *   and `restore` it any number of times.
 * - `restore(s)` takes a snapshot of a part built for the same profile, not necessarily this
 *   instance, and makes this part behave exactly as the snapshotted one did.
 */
export interface Snapshotting {
  snapshot(): unknown;
  restore(s: unknown): void;
}

export interface SnapshottingPart extends Part, Snapshotting {}

/** A stack whose state the exhaustive engine can save, restore and fingerprint: its parts' in a fixed order. */
export interface SnapshottingStack extends Stack, Snapshotting {}

/** Makes the model's stack for a profile: model/stack.ts createModelStack, or a patched copy's (proposals/patch.ts). */
export type ModelFactory = (profile: Profile) => SnapshottingStack;

/** A proposal written as a patch to the model: the model before it and the patched one. */
export interface PatchModels {
  readonly baseline: ModelFactory;
  readonly patched: ModelFactory;
}
