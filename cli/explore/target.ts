// What `negcheck explore` explores: a property's scope (or a proposal's, with its policy pinned),
// the model machine over it, and the property's monitor. Plain data in, so a worker thread builds
// the same Explorable from the same arguments.

import { stackMachine } from '../../explore/stackMachine.ts';
import type { Explorable } from '../../explore/types.ts';
import type { ExploreEntry, ExploreScope, ValueLevel } from '../../generators/scope.ts';
import { transitionNamingMachine } from '../../harness/explore-coverage.ts';
import { exploreEntry, scopeFor, scopeForProposal } from '../../properties/index.ts';
import type { Proposal } from '../../proposals/proposal.ts';
import { loadProposal } from '../../proposals/load.ts';

/** Structured-cloneable: crosses to the explore workers. */
export interface ExploreTargetSpec {
  readonly property: string;
  /** a catalogue id or a proposal file */
  readonly proposal?: string;
  readonly values: ValueLevel;
  readonly depth: number;
  /** name the transitions taken (explore --compare-fuzz) */
  readonly transitions?: boolean;
}

export interface ResolvedTarget {
  readonly spec: ExploreTargetSpec;
  readonly label: string;
  readonly entry: ExploreEntry;
  readonly scope: ExploreScope;
  readonly proposal: Proposal | null;
}

export async function resolveExploreTarget(spec: ExploreTargetSpec): Promise<ResolvedTarget> {
  const entry = exploreEntry(spec.property);
  const opts = { values: spec.values, depth: spec.depth };
  if (spec.proposal === undefined) return { spec, label: spec.property, entry, scope: scopeFor(spec.property, opts), proposal: null };
  const proposal = await loadProposal(spec.proposal);
  return { spec, label: `${proposal.id}/${spec.property}`, entry, scope: scopeForProposal(proposal, spec.property, opts), proposal };
}

/** The model machine over the target's scope, times the property's monitor. */
export function explorableOf(t: ResolvedTarget): Explorable {
  const machine = stackMachine(t.scope.profiles, t.scope.alphabet);
  return t.entry.explorable(t.scope, t.spec.transitions ? transitionNamingMachine(machine, t.scope.profiles, t.scope.alphabet) : machine);
}

/** The worker factory (explore/spec.ts): the same Explorable, built from plain data. */
export async function explorableForTarget(spec: ExploreTargetSpec): Promise<Explorable> {
  return explorableOf(await resolveExploreTarget(spec));
}
