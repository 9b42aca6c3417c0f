// The exhaustive half of a verdict: breadth-first search of the property's finite scope with the
// proposal's policy pinned (negcheck explore), beside fast-check's sampled one.

import { explore } from '../explore/engine.ts';
import { stackMachine } from '../explore/stackMachine.ts';
import { PROPOSAL_EXPLORE_ENTRIES, exploreEntry, scopeForProposal } from '../properties/explore-scopes.ts';
import type { Proposal, PropertyId } from './proposal.ts';

export interface ExhaustiveOptions {
  readonly depth: number;
  /** per property: then `bound reached` with the depth completed */
  readonly timeMs?: number;
}

export type ExhaustiveVerdict =
  | { readonly found: 'holds'; readonly depth: number; readonly states: number; readonly complete: boolean }
  | { readonly found: 'violated'; readonly depth: number; readonly states: number; readonly message: string }
  | { readonly found: 'bound reached'; readonly depth: number; readonly states: number }
  /** a property with no proposal scope (P0: its scopes are not a proposal's) */
  | { readonly found: 'not explorable' };

export function isExplorable(id: PropertyId): boolean {
  return PROPOSAL_EXPLORE_ENTRIES.some(e => e.id === id);
}

export function exhaustiveVerdict(p: Proposal, id: PropertyId, o: ExhaustiveOptions): ExhaustiveVerdict {
  if (!isExplorable(id)) return { found: 'not explorable' };
  const entry = exploreEntry(id);
  const scope = scopeForProposal(p, id, { depth: o.depth });
  const r = explore(entry.explorable(scope, stackMachine(scope.profiles, scope.alphabet)), {
    maxDepth: o.depth, ...(o.timeMs !== undefined ? { timeLimitMs: o.timeMs } : {}),
  });
  switch (r.outcome) {
    case 'holds': return { found: 'holds', depth: r.depthCompleted, states: r.distinct, complete: r.complete };
    case 'violated': return { found: 'violated', depth: r.counterexample.ops.length, states: r.distinct, message: r.counterexample.message };
    case 'bound reached': return { found: 'bound reached', depth: r.depthCompleted, states: r.distinct };
  }
}

/** "exhaustive depth 6, 725,488 states" and the like. */
export function formatExhaustive(v: ExhaustiveVerdict): string {
  switch (v.found) {
    case 'holds': return `holds · exhaustive depth ${v.depth}${v.complete ? ' (complete)' : ''}, ${v.states.toLocaleString('en')} states`;
    case 'violated': return `VIOLATED · exhaustive at depth ${v.depth} (${v.states.toLocaleString('en')} states)`;
    case 'bound reached': return `bound reached · exhaustive depth ${v.depth} completed, ${v.states.toLocaleString('en')} states`;
    case 'not explorable': return 'no exhaustive scope';
  }
}

/** The two engines disagree: one found a violation the other, within its bound, did not. */
export function enginesDisagree(sampled: 'holds' | 'violated', v: ExhaustiveVerdict): boolean {
  if (v.found === 'violated') return sampled === 'holds';
  if (v.found === 'holds') return sampled === 'violated';
  return false;
}
