// The one registry of properties. Every other list derives from REGISTRY: the ids the CLI accepts
// and lists in its help, what judges a proposal (and so which keys a proposal's `expect` may have:
// PropertyId is the registry's keys), the explore scopes, P0's scopes over them. A property that is
// not here is not run, judged or explored; one a proposal expects but is not here does not compile.
//
// R is the one property not in it: it is built per proposal (noRegression: the proposal against
// its baseline), over the I-scopes of the properties the proposal touches.

import type { PolicyChange } from '../types/change.ts';
import type { PropertyDef } from '../types/property.ts';
import { pinPolicy, type ExploreEntry, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { I1 } from './i1-features-shrink.ts';
import { I1_EXPLORE } from './i1-features-shrink.explore.ts';
import { I2 } from './i2-no-silent-iotlb.ts';
import { I2_EXPLORE } from './i2-no-silent-iotlb.explore.ts';
import { I3 } from './i3-endianness.ts';
import { I3_EXPLORE } from './i3-endianness.explore.ts';
import { I4 } from './i4-persistence.ts';
import { I4_EXPLORE } from './i4-persistence.explore.ts';
import { I5 } from './i5-known-bits.ts';
import { I5_EXPLORE } from './i5-known-bits.explore.ts';
import { I6 } from './i6-iotlb-laws.ts';
import { I6_EXPLORE } from './i6-iotlb-laws.explore.ts';
import { I7 } from './i7-feature-views.ts';
import { I7_EXPLORE } from './i7-feature-views.explore.ts';
import { P0 } from './p0-differential.ts';
import { P0_WIRE_EXPLORE, p0Entry } from './p0-differential.explore.ts';
import { rEntry } from './r-no-regression.explore.ts';

/** A property: its definition, and (an invariant) its finite scope for explore. */
export interface Registered {
  readonly def: PropertyDef;
  /** the invariant's explore entry; P0 is explored over every invariant's scope instead */
  readonly explore?: ExploreEntry;
}

/** Every property, in the order the design lists them. */
export const REGISTRY = {
  P0: { def: P0 },
  I1: { def: I1, explore: I1_EXPLORE },
  I2: { def: I2, explore: I2_EXPLORE },
  I3: { def: I3, explore: I3_EXPLORE },
  I4: { def: I4, explore: I4_EXPLORE },
  I5: { def: I5, explore: I5_EXPLORE },
  I6: { def: I6, explore: I6_EXPLORE },
  I7: { def: I7, explore: I7_EXPLORE },
} as const satisfies Readonly<Record<string, Registered>>;

export type RegisteredId = keyof typeof REGISTRY;

/** What can judge a proposal: every invariant, and R (against the proposal's baseline). */
export type PropertyId = Exclude<RegisteredId, 'P0'> | 'R';

for (const [id, r] of Object.entries(REGISTRY) as [RegisteredId, Registered][]) {
  if (r.def.id !== id || (r.explore && r.explore.id !== id)) throw new Error(`properties/index.ts: ${id} is registered under another name`);
}

export const ALL_PROPERTIES: readonly PropertyDef[] = Object.values(REGISTRY).map(r => r.def);

/** The ids fuzz and the CLI accept, in registry order. */
export const PROPERTY_NAMES: readonly RegisteredId[] = Object.keys(REGISTRY) as RegisteredId[];

/** Everything that can judge a proposal, in registry order, R last. */
export const PROPERTY_IDS: readonly PropertyId[] = [...PROPERTY_NAMES.filter((id): id is Exclude<RegisteredId, 'P0'> => id !== 'P0'), 'R'];

export function propertyById(id: string): PropertyDef | undefined {
  return ALL_PROPERTIES.find(p => p.id.toLowerCase() === id.toLowerCase());
}

/** "P0, I1..I7" for help texts. */
export function propertyRange(): string {
  const invariants = PROPERTY_NAMES.filter(id => id !== 'P0');
  return `P0, ${invariants[0]}..${invariants.at(-1)}`;
}

// --- the explore scopes ------------------------------------------------------------------------
// Each invariant's finite scope (values narrow, default or wide; over its own profiles or what a
// proposal is judged over; a depth) and its monitor over a model machine. P0: model ≡ impl over
// each invariant's scope, and P0@wire for the IOTLB protocol no invariant's scope holds. R: the
// pair of model stacks under the old userspace's rewrite of each op, over the I-scopes of the
// properties the proposal touches.

/** The properties with a scope of their own (explore with no proposal explores these). */
export const EXPLORE_ENTRIES: readonly ExploreEntry[] = Object.values(REGISTRY).flatMap((r: Registered) => (r.explore ? [r.explore] : []));

/** R: explorable for a proposal with a baseline only (its scope is made of the I-scopes above). */
export const R_EXPLORE: ExploreEntry = rEntry(Object.values(REGISTRY).flatMap((r: Registered) => (r.explore ? [{ entry: r.explore, judges: r.def.judges ?? [] }] : [])));

/** P0 over each scope above, and over its own wire scope. */
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
export function scopeForProposal(p: PolicyChange, id: string, opts?: Omit<ScopeOptions, 'over'>): ExploreScope {
  const e = exploreEntry(id);
  if (e.proposalScope) return e.proposalScope(p, opts);
  return pinPolicy(e.scope({ ...opts, over: 'scope' }), p.policy, e.vacuous);
}
