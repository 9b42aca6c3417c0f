// A profile fixes every party's policy for one run: which kernel, which VMM, which guest,
// which hardware. Everything that varies between kernel versions, VMMs and proposals is a
// field here, so a proposal is "the baseline profile with these fields changed".

import type { GuestProfile, KernelPolicy, PolicyField, SmmuProfile, VmmProfile } from './policy.ts';
import { RULE_SPECS, type RuleOverrides } from './rules.ts';

/** The fields a proposal pins; everything else in a profile is left to the generators. */
export interface PolicyPatch {
  readonly kernel?: Partial<KernelPolicy>;
  readonly vmm?: Partial<VmmProfile>;
  readonly guest?: Partial<GuestProfile>;
  /** a proposal's own functions for named rules (types/rules.ts), over the policy's */
  readonly rules?: RuleOverrides;
}

/** The profile with the patch's fields put in. */
export function applyPolicy(p: Profile, patch: PolicyPatch): Profile {
  const rules = patch.rules || p.rules ? { rules: { ...p.rules, ...patch.rules } } : {};
  return {
    kernel: { ...p.kernel, ...patch.kernel },
    vmm: { ...p.vmm, ...patch.vmm },
    guest: { ...p.guest, ...patch.guest },
    smmu: p.smmu,
    ...rules,
  };
}

/** A profile's own rules (a proposal's), or none. */
export function hasRules(p: Profile): boolean {
  return p.rules !== undefined && Object.keys(p.rules).length > 0;
}

/** The profile without its rules (functions): what a corpus entry stores. */
export function withoutRules(p: Profile): Profile {
  const { rules: _rules, ...rest } = p;
  return rest;
}

/** The `party.field` names a patch sets. */
export function patchedFields(patch: PolicyPatch): PolicyField[] {
  const out: PolicyField[] = [];
  for (const k of Object.keys(patch.kernel ?? {})) out.push(`kernel.${k}` as PolicyField);
  for (const k of Object.keys(patch.vmm ?? {})) out.push(`vmm.${k}` as PolicyField);
  for (const k of Object.keys(patch.guest ?? {})) out.push(`guest.${k}` as PolicyField);
  return out;
}

/** The policy fields whose behaviour a patch changes: the fields it sets and those its rules stand for. */
export function judgedFields(patch: PolicyPatch): PolicyField[] {
  const fromRules = Object.keys(patch.rules ?? {}).flatMap(name => RULE_SPECS.find(s => s.name === name)?.fields ?? []);
  return [...new Set([...patchedFields(patch), ...fromRules])];
}

export interface Profile {
  readonly kernel: KernelPolicy;
  readonly vmm: VmmProfile;
  readonly guest: GuestProfile;
  readonly smmu: SmmuProfile;
  /** a proposal's functions for named rules, in force over the policy's (model only: no implementation has them) */
  readonly rules?: RuleOverrides;
}
