// The registry of explore scopes: for each invariant its finite scope (values narrow, default or
// wide; over its own profiles or what a proposal is judged over; a depth), its monitor over a
// model machine, and a proposal's policy pinned onto the scope.
//
// Not here yet:
// - R compares two runs (baseline and proposal profile) of one old-userspace script, step by step.
//   Its machine would be the pair of model stacks applying each alphabet op as the old userspace
//   issues it (asOldUserspace: feature words masked by what the baseline offers and by newBits,
//   IOTLB-protocol ops skipped for a VMM that does not speak it: a per-profile rewrite of the op,
//   so the machine, not the alphabet, does it); the observation is the pair. The monitor keeps one
//   bit: a call the baseline refused now succeeds (compareRuns stops there, so nothing after it
//   is judged). The scope pins baseline and policy onto old-userspace profiles (every kernel field
//   the proposal leaves free, every old VMM, a few SMMUs) and needs the alphabet of all three
//   worlds (vhost ops, the VMM's feature plumbing, hw_info).
// - P0 compares model and implementation op by op: a machine of both stacks (the implementation
//   snapshotting and fingerprinting too, or replayed), the pair as observation, a monitor with no
//   state. Its profiles are every field of every party (anyProfileArb), too many to enumerate as
//   one product: one scope per world (the vhost side with I6's and I4's values, the guest side
//   with I1's, hw_info with I5's), the union of their alphabets mixed in as P0's scripts mix them.

import type { Proposal } from '../proposals/proposal.ts';
import { pinPolicy, type ExploreEntry, type ExploreScope, type ScopeOptions } from './explore-law.ts';
import { I1_EXPLORE } from './i1-features-shrink.explore.ts';
import { I2_EXPLORE } from './i2-no-silent-iotlb.explore.ts';
import { I3_EXPLORE } from './i3-endianness.explore.ts';
import { I4_EXPLORE } from './i4-persistence.explore.ts';
import { I5_EXPLORE } from './i5-known-bits.explore.ts';
import { I6_EXPLORE } from './i6-iotlb-laws.explore.ts';

export const EXPLORE_ENTRIES: readonly ExploreEntry[] = [I1_EXPLORE, I2_EXPLORE, I3_EXPLORE, I4_EXPLORE, I5_EXPLORE, I6_EXPLORE];

export function exploreEntry(id: string): ExploreEntry {
  const e = EXPLORE_ENTRIES.find(x => x.id.toLowerCase() === id.toLowerCase());
  if (!e) throw new Error(`no explore scope for ${id} (there are ${EXPLORE_ENTRIES.map(x => x.id).join(', ')})`);
  return e;
}

/** The property's own scope (over its profiles, as `negcheck fuzz` runs it) unless `over: 'scope'`. */
export function scopeFor(id: string, opts?: ScopeOptions): ExploreScope {
  return exploreEntry(id).scope(opts);
}

/** The scope a proposal is judged over (as `prove` runs it): the property's proposal scope with the proposal's policy pinned. */
export function scopeForProposal(p: Pick<Proposal, 'policy'>, id: string, opts?: Omit<ScopeOptions, 'over'>): ExploreScope {
  const e = exploreEntry(id);
  return pinPolicy(e.scope({ ...opts, over: 'scope' }), p.policy, e.vacuous);
}
