// The exhaustive half of a verdict: breadth-first search of the property's finite scope with the
// proposal's policy pinned (negcheck explore), beside fast-check's sampled one.

import { explore } from '../explore/engine.ts';
import { stackMachine } from '../explore/stackMachine.ts';
import { type Coverage, coverageOf, coverageText } from '../explore/verdict.ts';
import { RuleFaultInSearch } from '../explore/expand.ts';
import { traceOps } from '../generators/scope.ts';
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
  | ({ readonly found: 'violated'; readonly message: string } & Explored)
  | ({ readonly found: 'bound reached' } & Explored)
  /** a property with no proposal scope (P0: its scopes are not a proposal's) */
  | { readonly found: 'not explorable' };

export function isExplorable(id: PropertyId): boolean {
  return PROPOSAL_EXPLORE_ENTRIES.some(e => e.id === id);
}

export function exhaustiveVerdict(p: Proposal, id: PropertyId, o: ExhaustiveOptions): ExhaustiveVerdict {
  if (!isExplorable(id)) return { found: 'not explorable' };
  const entry = exploreEntry(id);
  const scope = scopeForProposal(p, id, { depth: o.depth });
  let r;
  try {
    r = explore(entry.explorable(scope, stackMachine(scope.profiles, scope.alphabet)), {
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
    case 'violated': return { found: 'violated', depth: r.counterexample.ops.length, states: r.distinct, coverage, message: r.counterexample.message };
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
