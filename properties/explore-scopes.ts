// The registry of explore scopes: for each invariant its finite scope (values narrow, default or
// wide; over its own profiles or what a proposal is judged over; a depth), its monitor over a
// model machine, and a proposal's policy pinned onto the scope.
//
// R (a proposal's only, see r-no-regression.explore.ts): the pair of model stacks applying each
// alphabet op as the old userspace issues it, a one-bit monitor (a relaxation seen), over the
// I-scopes of the properties the proposal touches made old-userspace profiles, baseline and
// policy pinned.
//
// P0 (p0-differential.explore.ts): model ≡ impl over each invariant's scope, P0@I1 ... P0@I6, and
// P0@wire for the IOTLB protocol no invariant's scope holds; the implementation replayed, the
// state the model's.

import type { PolicyChange } from '../types/change.ts';
import { pinPolicy, type ExploreEntry, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { I1_EXPLORE } from './i1-features-shrink.explore.ts';
import { I2_EXPLORE } from './i2-no-silent-iotlb.explore.ts';
import { I3_EXPLORE } from './i3-endianness.explore.ts';
import { I4_EXPLORE } from './i4-persistence.explore.ts';
import { I5_EXPLORE } from './i5-known-bits.explore.ts';
import { I6_EXPLORE } from './i6-iotlb-laws.explore.ts';
import { I7_EXPLORE } from './i7-feature-views.explore.ts';
import { P0_WIRE_EXPLORE, p0Entry } from './p0-differential.explore.ts';
import { rEntry } from './r-no-regression.explore.ts';

/** The properties with a scope of their own (explore with no proposal explores these). */
export const EXPLORE_ENTRIES: readonly ExploreEntry[] = [I1_EXPLORE, I2_EXPLORE, I3_EXPLORE, I4_EXPLORE, I5_EXPLORE, I6_EXPLORE, I7_EXPLORE];

/** R: explorable for a proposal with a baseline only (its scope is made of the I-scopes above). */
export const R_EXPLORE: ExploreEntry = rEntry(EXPLORE_ENTRIES);

/** P0 over each scope above. */
export const P0_EXPLORE_ENTRIES: readonly ExploreEntry[] = [...EXPLORE_ENTRIES.map(p0Entry), P0_WIRE_EXPLORE];

/** Every entry `negcheck explore` runs with no proposal. */
export const ALL_EXPLORE_ENTRIES: readonly ExploreEntry[] = [...P0_EXPLORE_ENTRIES, ...EXPLORE_ENTRIES];

/** Every entry a proposal can be explored by. */
export const PROPOSAL_EXPLORE_ENTRIES: readonly ExploreEntry[] = [...EXPLORE_ENTRIES, R_EXPLORE];

export function exploreEntry(id: string): ExploreEntry {
  const all = [...ALL_EXPLORE_ENTRIES, R_EXPLORE];
  const e = all.find(x => x.id.toLowerCase() === id.toLowerCase());
  if (!e) throw new Error(`no explore scope for ${id} (there are ${all.map(x => x.id).join(', ')})`);
  return e;
}

/** The property's own scope (over its profiles, as `negcheck fuzz` runs it) unless `over: 'scope'`. */
export function scopeFor(id: string, opts?: ScopeOptions): ExploreScope {
  return exploreEntry(id).scope(opts);
}

/** The scope a proposal is judged over (as `prove` runs it): the property's proposal scope with the proposal's policy pinned. */
export function scopeForProposal(
  p: PolicyChange, id: string, opts?: Omit<ScopeOptions, 'over'>,
): ExploreScope {
  const e = exploreEntry(id);
  if (e.proposalScope) return e.proposalScope(p, opts);
  return pinPolicy(e.scope({ ...opts, over: 'scope' }), p.policy, e.vacuous);
}
