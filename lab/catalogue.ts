// The catalogue's counterexamples whose kernel is a lab kernel, as traces `negcheck kernel` runs by
// default: for each proposal whose kernel fields all say what a lab kernel's profile claims (and
// that brings no rules of its own: a lab kernel runs no proposal's code), the shortest
// counterexample the random search finds for each property the proposal expects violated. The
// search runs here, with a fixed seed: the traces are found, not stored, and the same every run.

import { CATALOGUE } from '../proposals/index.ts';
import { type Proposal, proposalRuleNames } from '../proposals/proposal.ts';
import { proveProperty } from '../proposals/prove.ts';
import type { PropertyId } from '../properties/index.ts';
import type { KernelPolicy } from '../types/policy.ts';
import type { KernelInput } from './inputs.ts';
import type { LabProfile } from './profiles.ts';

/** The search's seed and runs per property (a catalogue violation is found within a few dozen runs). */
export const CATALOGUE_SEARCH = { seed: 20261206, runs: 500 } as const;

/** Whether the proposal's kernel is this lab kernel: every kernel field it sets is one the lab claims, with the claimed value. */
export function isLabKernelProposal(p: Proposal, lab: LabProfile): boolean {
  const fields = Object.entries(p.policy.kernel ?? {}) as [keyof KernelPolicy, unknown][];
  if (fields.length === 0 || proposalRuleNames(p).length > 0) return false;
  const claims = lab.kernel as Readonly<Record<string, { readonly value: unknown }>>;
  return fields.every(([f, v]) => f === 'device'
    ? lab.devices.value.includes(v as KernelPolicy['device'])
    : claims[f] !== undefined && JSON.stringify(claims[f].value) === JSON.stringify(v));
}

/**
 * The counterexamples for one lab kernel. An I-property's trace runs as found; R's as the old
 * userspace's script on the proposal's side (the side that is this kernel). A property the search
 * finds holding gives nothing: `test/proposals.test.ts` holds the catalogue to its expectations.
 */
export function catalogueInputs(lab: LabProfile, o: { seed: number; runs: number } = CATALOGUE_SEARCH): KernelInput[] {
  return CATALOGUE.filter(p => isLabKernelProposal(p, lab)).flatMap(p =>
    (Object.keys(p.expect) as PropertyId[]).filter(id => p.expect[id]?.verdict === 'violated').flatMap((id): KernelInput[] => {
      const row = proveProperty(p, id, { seed: o.seed, runs: o.runs });
      const e = row.entry;
      if (e === undefined) return [];
      return [{ name: `catalogue: ${p.id} ${id} (seed ${o.seed})`, profile: e.proposalProfile ?? e.profile, ops: e.ops }];
    }));
}
