// What a proposal is: a behaviour or candidate fix from a seed thread, as the policy fields it
// changes, with the verdict its authors (or the thread) expect from each property.

import type { PolicyChange } from '../types/change.ts';
import type { PolicyPatch } from '../types/profile.ts';
import { ruleProblems, type RuleOverrides } from '../types/rules.ts';
import { PROPERTY_IDS, type PropertyId } from '../properties/index.ts';
import type { PatchedModel } from './patch.ts';

export type Verdict = 'holds' | 'violated';

export interface Expected {
  readonly verdict: Verdict;
  /** one line: why */
  readonly reason: string;
}

/** What became of it upstream. */
export type Fate = 'upstream' | 'merged, since replaced' | 'rejected' | 'proposed' | 'userspace';

export interface Proposal extends PolicyChange {
  /** short, unique, kebab-case */
  readonly id: string;
  readonly title: string;
  /** the seed thread file(s) it comes from */
  readonly seeds: readonly string[];
  /** commit ids it comes from or that merged it */
  readonly commits: readonly string[];
  readonly fate: Fate;
  /** one line on what was merged or why not */
  readonly history: string;
  /** the policy fields this proposal sets (kernel / VMM / driver / parent); its `rules` are put in by withRulesInPolicy */
  readonly policy: PolicyPatch;
  /**
   * its own functions for named rules (types/rules.ts; `negcheck prove --rules` lists them), in
   * force on the proposal's side only, over what its policy picks
   */
  readonly rules?: RuleOverrides;
  /** set when loaded from a file: its absolute path (a corpus entry's rulesFrom) */
  readonly source?: string;
  /**
   * A unified diff to model/ (in a file: its path, relative to the file): the proposal is the
   * patched model, judged by every invariant and by R against the model at HEAD (proposals/patch.ts)
   */
  readonly patch?: string;
  /** the patch, applied and loaded (set by the loader) */
  readonly patched?: PatchedModel;
  /** the expected verdict of every property that applies */
  readonly expect: Readonly<Partial<Record<PropertyId, Expected>>>;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

/** Checks a value that claims to be a proposal (a user's file may export anything). */
export function proposalProblems(x: unknown): string[] {
  if (typeof x !== 'object' || x === null) return ['not an object'];
  const p = x as Record<string, unknown>;
  const out: string[] = [];
  if (typeof p['id'] !== 'string' || !ID.test(p['id'])) out.push('id: a kebab-case string is required');
  if (typeof p['title'] !== 'string' || p['title'] === '') out.push('title: a non-empty string is required');
  if (!Array.isArray(p['seeds'])) out.push('seeds: an array of seed file names is required');
  if (!Array.isArray(p['commits'])) out.push('commits: an array is required');
  if (p['policy'] === undefined && p['rules'] === undefined && p['patch'] === undefined) out.push('policy, rules or patch: a proposal changes policy fields { kernel?, vmm?, guest? }, rules, or the model (a patch)');
  else if (p['policy'] !== undefined && (typeof p['policy'] !== 'object' || p['policy'] === null)) out.push('policy: an object { kernel?, vmm?, guest? } is required');
  else for (const k of Object.keys(p['policy'] ?? {})) if (!['kernel', 'vmm', 'guest', 'rules'].includes(k)) out.push(`policy.${k}: unknown party (kernel, vmm, guest)`);
  if (p['rules'] !== undefined) out.push(...ruleProblems(p['rules']));
  const inPolicy = (p['policy'] as Record<string, unknown> | undefined)?.['rules'];
  if (inPolicy !== undefined) out.push(...ruleProblems(inPolicy).map(m => `policy.${m}`));
  if (p['baseline'] !== undefined && (typeof p['baseline'] !== 'object' || p['baseline'] === null)) out.push('baseline: must be an object');
  if (p['patch'] !== undefined && (typeof p['patch'] !== 'string' || p['patch'] === '')) out.push('patch: the path of a unified diff to model/ is required');
  // a patch can change a rule's named implementation itself; a rule override on a patched copy would be the copy's own
  if (p['patch'] !== undefined && (p['rules'] !== undefined || inPolicy !== undefined)) out.push('patch and rules: a proposal brings a patch or rules, not both (a patch may change model/rules.ts)');
  const expect = p['expect'];
  if (typeof expect !== 'object' || expect === null) out.push('expect: an object { I1?: { verdict, reason }, ... } is required');
  else {
    for (const [k, v] of Object.entries(expect)) {
      if (!(PROPERTY_IDS as readonly string[]).includes(k)) { out.push(`expect.${k}: unknown property (${PROPERTY_IDS.join(', ')})`); continue; }
      const e = v as Record<string, unknown> | null;
      if (e === null || (e['verdict'] !== 'holds' && e['verdict'] !== 'violated')) out.push(`expect.${k}.verdict: "holds" or "violated"`);
      if (typeof e?.['reason'] !== 'string') out.push(`expect.${k}.reason: a string is required`);
    }
  }
  return out;
}

/**
 * The proposal as prove, explore and fuzz use it: its `rules` put into its policy, so that
 * everything that pins the policy on a profile (the proposal's side; never the baseline's) puts
 * the rules in force there too.
 */
export function withRulesInPolicy(p: Proposal): Proposal {
  const policy = p.policy ?? {};
  if (p.rules === undefined) return p.policy === undefined ? { ...p, policy } : p;
  return { ...p, policy: { ...policy, rules: { ...policy.rules, ...p.rules } } };
}

/** The names of the rules a proposal brings (none: [] ). */
export function proposalRuleNames(p: Pick<Proposal, 'policy' | 'rules'>): string[] {
  return [...new Set([...Object.keys(p.policy?.rules ?? {}), ...Object.keys(p.rules ?? {})])];
}
