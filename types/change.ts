// What a proposal changes, in the words the properties, the explore scopes and R share: the policy
// it pins, the behaviour before it (its baseline), the bits an old userspace cannot know, and the
// old userspaces it is judged by. A Proposal is one (proposals/proposal.ts), with its story and
// expectations around it.

import type { VmmProfile } from './policy.ts';
import { applyPolicy, type PolicyPatch, type Profile } from './profile.ts';

/** Bits an old userspace never sets: they did not exist when it was written. */
export interface NewBits {
  readonly features?: bigint;
  readonly backendFeatures?: bigint;
}

export interface PolicyChange {
  /** the policy fields (and rules) the change sets */
  readonly policy: PolicyPatch;
  /** for R: the behaviour before it, as the same fields */
  readonly baseline?: PolicyPatch;
  /** for R: bits an old userspace cannot know */
  readonly newBits?: NewBits;
  /** for R: the old userspaces (VMM profiles) to judge by; default every VMM the seeds name */
  readonly oldVmms?: readonly VmmProfile[];
  /**
   * for R: the old userspace takes in the guest side too: any guest profile, whose transport ops
   * and driver probes join the script. A patch needs it (the guest core is model code); a policy
   * change judged against the seeds' VMMs touches no guest, which stays the upstream one.
   */
  readonly oldGuests?: boolean;
}

/**
 * R's two sides of an old userspace's profile: its baseline put in, and the change put in. The one
 * place a change is applied against its baseline (R's check, R's explore pairs, its traces).
 */
export function changeSides(c: PolicyChange, profile: Profile): { readonly baseline: Profile; readonly proposal: Profile } {
  if (c.baseline === undefined) throw new Error('a change is judged against its baseline only when it has one');
  return { baseline: applyPolicy(profile, c.baseline), proposal: applyPolicy(profile, c.policy) };
}
