// The exhaustive half of a verdict: breadth-first search of the property's finite scope with the
// proposal's policy pinned (negcheck explore), beside fast-check's sampled one.

import { explore } from '../explore/engine.ts';
import { stackMachine } from '../explore/stackMachine.ts';
import { type Coverage, coverageOf, coverageText } from '../explore/verdict.ts';
import { RuleFaultInSearch } from '../explore/expand.ts';
import { traceOps, type ExploreEntry, type ExploreScope } from '../generators/scope.ts';
import { againstBaseline } from '../explore/baseline.ts';
import type { Explorable } from '../explore/types.ts';
import { rExplorable } from '../properties/r-no-regression.explore.ts';
import type { PatchModels } from '../types/stack.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { patchModelsOf } from './patch.ts';
import { PROPOSAL_EXPLORE_ENTRIES, exploreEntry, scopeForProposal } from '../properties/index.ts';
import { ProposalFault } from '../harness/run.ts';
import { ProposalRuleError } from '../types/rules.ts';
import type { Proposal } from './proposal.ts';
import type { PropertyId } from '../properties/index.ts';

export interface ExhaustiveOptions {
  readonly depth: number;
  /** per property: then `bound reached` with the depth completed */
  readonly timeMs?: number;
}

/** What every explored verdict has: the depth, the states, and what the verdict covers (explore/verdict.ts). */
interface Explored {
  readonly depth: number;
  readonly states: number;
  readonly coverage: Coverage;
}

export type ExhaustiveVerdict =
  | ({ readonly found: 'holds'; readonly complete: boolean } & Explored)
  /** with the shortest trace: the profile it starts from and its ops (as the property's own check replays them) */
  | ({ readonly found: 'violated'; readonly message: string; readonly trace?: { readonly profile: Profile; readonly ops: readonly Op[] } } & Explored)
  | ({ readonly found: 'bound reached' } & Explored)
  /** a property with no proposal scope (P0: its scopes are not a proposal's) */
  | { readonly found: 'not explorable' };

export function isExplorable(id: PropertyId): boolean {
  return PROPOSAL_EXPLORE_ENTRIES.some(e => e.id === id);
}

/**
 * The property over its scope: the model under its monitor; for a patch, R's pair on the model at
 * HEAD and the patched one, an invariant on both models (a violation counts where HEAD's keeps it).
 */
function explorableOf(entry: ExploreEntry, scope: ExploreScope, patch: PatchModels | undefined): Explorable {
  if (!patch) return entry.explorable(scope, stackMachine(scope.profiles, scope.alphabet));
  if (entry.id === 'R') return rExplorable(scope, patch);
  return againstBaseline(
    entry.explorable(scope, stackMachine(scope.profiles, scope.alphabet, patch.baseline)),
    entry.explorable(scope, stackMachine(scope.profiles, scope.alphabet, patch.patched)),
  );
}

export function exhaustiveVerdict(p: Proposal, id: PropertyId, o: ExhaustiveOptions): ExhaustiveVerdict {
  if (!isExplorable(id)) return { found: 'not explorable' };
  const entry = exploreEntry(id);
  const scope = scopeForProposal(p, id, { depth: o.depth });
  let r;
  try {
    r = explore(explorableOf(entry, scope, patchModelsOf(p)), {
      maxDepth: o.depth, ...(o.timeMs !== undefined ? { timeLimitMs: o.timeMs } : {}),
    });
  } catch (e) {
    // a proposal's rule failed: the same error fast-check's side throws, with the explored trace
    if (e instanceof RuleFaultInSearch) throw new ProposalFault(ProposalRuleError.fromData(e.error), id, scope.profiles[e.init]!, traceOps(scope, e.ops));
    throw e;
  }
  const coverage = coverageOf(r, { profiles: scope.profiles.length, ops: scope.alphabet.length });
  switch (r.outcome) {
    case 'holds': return { found: 'holds', depth: r.depthCompleted, states: r.distinct, coverage, complete: r.complete };
    case 'violated': {
      const trace = { profile: scope.profiles[r.counterexample.init]!, ops: entry.script(scope, r.counterexample.ops) };
      return { found: 'violated', depth: r.counterexample.ops.length, states: r.distinct, coverage, message: r.counterexample.message, trace };
    }
    case 'bound reached': return { found: 'bound reached', depth: r.depthCompleted, states: r.distinct, coverage };
  }
}

/** "holds · exhaustive: every trace of ≤ 6 ops over the scope's 18 ops × 132 profiles (725,488 states)" and the like. */
export function formatExhaustive(v: ExhaustiveVerdict): string {
  if (v.found === 'not explorable') return 'no exhaustive scope';
  const states = `${v.states.toLocaleString('en')} states`;
  switch (v.found) {
    case 'holds': return `holds · exhaustive: ${coverageText(v.coverage)} (${states})`;
    case 'violated': return `VIOLATED · exhaustive at depth ${v.depth} (${coverageText(v.coverage)} holds; ${states})`;
    case 'bound reached': return `bound reached · exhaustive: holds for ${coverageText(v.coverage)} (${states})`;
  }
}

/** The two engines disagree: one found a violation the other, within its bound, did not. */
export function enginesDisagree(sampled: 'holds' | 'violated', v: ExhaustiveVerdict): boolean {
  if (v.found === 'violated') return sampled === 'holds';
  if (v.found === 'holds') return sampled === 'violated';
  return false;
}
