// I5 forwarded bits are known bits (seed 003): what the guest's vSMMU sees ⊆ hardware ∩
// kernel-supported ∩ the VMM's known baseline, except the fields the uapi kdoc says to assume.

import fc from 'fast-check';
import type { Observation } from '../types/observation.ts';
import type { Profile } from '../types/profile.ts';
import { SMMU_NAMED_BITS, idrFieldValue } from '../types/smmuIdr.ts';
import { hex } from '../types/trace.ts';
import { SMMU_IDR_FIELDS } from '../types/uapi.ts';
import { hwInfoProfileArb, hwInfoScriptArb, vmmIdrPolicyArb } from '../generators/smmu.ts';
import { lawCheck, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';

/**
 * Fields a VMM sets without reading them (include/uapi/linux/iommufd.h, iommu_hw_info_arm_smmuv3):
 * "S1P should be assumed to be true if a NESTED HWPT can be created", "VFIO/iommufd only support
 * platforms with COHACC, it should be assumed to be true". So they may read 1 whatever the
 * hardware says, and they must not read 0 when the hardware has them: nothing between the
 * hardware and the guest (kernel or VMM) may hide what every nesting setup has.
 */
export const I5_ASSUMED_FIELDS: readonly string[] = ['S1P', 'COHACC'];

/** Every way the guest's IDR words break I5 for this profile; empty when they keep it. */
export function guestIdrProblems(profile: Profile, guest: readonly number[]): string[] {
  const known = new Set(profile.vmm.knownIdrFields);
  const supported = new Set(profile.kernel.kernelIdrFields);
  const problems: string[] = [];
  for (const f of SMMU_IDR_FIELDS) {
    const v = idrFieldValue(guest, f);
    if (I5_ASSUMED_FIELDS.includes(f.name)) {
      if (v === 0 && idrFieldValue(profile.smmu.idr, f) !== 0) problems.push(`${f.name}=0 hides what the hardware has and the kdoc says to assume`);
      continue;
    }
    if (v === 0) continue;
    if (!known.has(f.name)) problems.push(`${f.name}=${v} is not in the VMM's known baseline`);
    else if (!supported.has(f.name)) problems.push(`${f.name}=${v} is not kernel-supported`);
    const hw = idrFieldValue(profile.smmu.idr, f);
    if (v > hw) problems.push(`${f.name}=${v} exceeds the hardware's ${hw}`);
  }
  SMMU_NAMED_BITS.forEach((named, w) => {
    const stray = ((guest[w] ?? 0) & ~named) >>> 0;
    if (stray !== 0) problems.push(`IDR${w} bits ${hex(stray)} belong to no named field`);
  });
  return problems;
}

function observationProblems(profile: Profile, o: Observation): string[] {
  if (o.kind !== 'idr') return [`VMM_VSMMU_IDR observed '${o.kind}', not 'idr'`];
  return o.ret < 0 ? [] : guestIdrProblems(profile, o.idr);
}

/** Each VMM_VSMMU_IDR on its own: no state. */
export const knownBitsLaw: StepLaw<object> = {
  start: () => ({}),
  step(_s, op, o, profile) {
    if (op.kind !== 'VMM_VSMMU_IDR') return null;
    const problems = observationProblems(profile, o);
    if (problems.length === 0) return null;
    const words = o.kind === 'idr' ? ` [${o.idr.map(w => hex(w)).join(' ')}]` : '';
    return `guest vSMMU IDR${words}: ${problems.join('; ')}`;
  },
};

export const I5: PropertyDef = {
  id: 'I5',
  title: 'forwarded bits are known bits',
  statement:
    'every field non-zero in the guest vSMMU IDR is in (VMM known baseline ∩ kernel-supported) or is S1P/COHACC, ' +
    'a non-assumed field is ≤ the hardware value, S1P/COHACC are not 0 where the hardware has them, ' +
    'and no bit outside a named field is set',
  source:
    'seed 003 (Jason Gunthorpe: "All VMM\'s must mask the BTM bit from day 0"); ' +
    'include/uapi/linux/iommufd.h struct iommu_hw_info_arm_smmuv3 kdoc',
  // QEMU-like VMMs that mask to (part of) the kdoc baseline; raw or sanitising kernels.
  profiles: hwInfoProfileArb({ vmmIdr: fc.constant('mask-baseline') }),
  judges: ['kernel.hwInfo', 'kernel.kernelIdrFields', 'vmm.idr', 'vmm.knownIdrFields'],
  // raw-forwarding VMMs too
  scope: hwInfoProfileArb({ vmmIdr: vmmIdrPolicyArb }),
  scripts: hwInfoScriptArb,
  check: onBothSides(lawCheck(knownBitsLaw)),
};
