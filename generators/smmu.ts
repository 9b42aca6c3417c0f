// Generators for the arm-smmu-v3 hw_info world (seed 003): SMMU hardware IDR words, the kernel's
// hw_info policy, the VMM's IDR policy, and scripts of GET_HW_INFO / VMM_VSMMU_IDR.

import fc from 'fast-check';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { HW_INFO_POLICIES, type HwInfoPolicy, type SmmuProfile, VMM_IDR_POLICIES, type VmmIdrPolicy } from '../types/policy.ts';
import { idrFromFields, type IdrFieldValues } from '../types/smmuIdr.ts';
import { SMMU_IDR_FIELDS, SMMU_IDR_WORDS, type IdrField } from '../types/uapi.ts';
import { SMMU_BASELINE_FIELDS, upstreamProfile } from './profiles.ts';


/** Which parts of a profile to pin; anything left out uses the default arbitrary below. */
export interface HwInfoProfileOptions {
  readonly smmu?: fc.Arbitrary<SmmuProfile>;
  readonly hwInfo?: fc.Arbitrary<HwInfoPolicy>;
  readonly kernelIdrFields?: fc.Arbitrary<readonly string[]>;
  readonly vmmIdr?: fc.Arbitrary<VmmIdrPolicy>;
  readonly knownIdrFields?: fc.Arbitrary<readonly string[]>;
}

/** Fields that are not in the kdoc baseline and matter to seed 003: generated mostly non-zero. */
export const INTERESTING_IDR_FIELDS: readonly string[] = ['BTM', 'HTTU', 'MPAM', 'ATS'];

export const ALL_IDR_FIELD_NAMES: readonly string[] = SMMU_IDR_FIELDS.map(f => f.name);

/** A u32 made of 32 independent bits, so a counterexample shrinks bit by bit to the bits that matter. */
const u32BitsArb: fc.Arbitrary<number> = fc
  .array(fc.boolean(), { minLength: 32, maxLength: 32 })
  .map(bits => bits.reduce((w, b, i) => (b ? (w | (1 << i)) >>> 0 : w), 0));

/** A u32, hitting 0, 1, the sign bit and all-ones often. */
export const u32Arb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff) },
  { weight: 4, arbitrary: u32BitsArb },
);

/** Any value of the field; BTM/HTTU/MPAM/ATS are non-zero 3 times in 4 (and still shrink to 0). */
function fieldValueArb(f: IdrField): fc.Arbitrary<number> {
  const max = 2 ** f.width - 1;
  if (!INTERESTING_IDR_FIELDS.includes(f.name)) return fc.integer({ min: 0, max });
  return fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max }))
    .map(([present, value]) => (present === 0 ? 0 : value));
}

/** Random value for every named field (BTM/HTTU/MPAM/ATS mostly set), then `fixed` on top. */
export function idrFieldValuesArb(fixed: IdrFieldValues = {}): fc.Arbitrary<IdrFieldValues> {
  const model: Record<string, fc.Arbitrary<number>> = {};
  for (const f of SMMU_IDR_FIELDS) model[f.name] = f.name in fixed ? fc.constant(fixed[f.name]!) : fieldValueArb(f);
  return fc.record(model);
}

/** Hardware whose IDR words are built from named field values; no bit outside a named field. */
export function smmuFromFieldsArb(fixed: IdrFieldValues = {}): fc.Arbitrary<SmmuProfile> {
  return idrFieldValuesArb(fixed).map(v => ({ idr: idrFromFields(v) }));
}

/** Hardware with six arbitrary u32 words (reserved bits included). */
export const smmuRandomWordsArb: fc.Arbitrary<SmmuProfile> = fc
  .array(u32Arb, { minLength: SMMU_IDR_WORDS, maxLength: SMMU_IDR_WORDS })
  .map(idr => ({ idr }));

export const smmuProfileArb: fc.Arbitrary<SmmuProfile> = fc.oneof(
  { weight: 3, arbitrary: smmuFromFieldsArb() },
  { weight: 1, arbitrary: smmuRandomWordsArb },
);

export const hwInfoPolicyArb: fc.Arbitrary<HwInfoPolicy> = fc.constantFrom(...HW_INFO_POLICIES);
export const vmmIdrPolicyArb: fc.Arbitrary<VmmIdrPolicy> = fc.constantFrom(...VMM_IDR_POLICIES);

/** Today's kernel supports the kdoc baseline for nesting; a future one adds BTM (seed 003). */
export const BASELINE_PLUS_BTM: readonly string[] = [...SMMU_BASELINE_FIELDS, 'BTM'];
export const kernelIdrFieldsArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(SMMU_BASELINE_FIELDS) },
  { weight: 1, arbitrary: fc.constant(BASELINE_PLUS_BTM) },
);

/** A VMM's baseline: the whole kdoc list, or a VMM that implements only part of it. */
export const knownIdrFieldsArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(SMMU_BASELINE_FIELDS) },
  { weight: 1, arbitrary: fc.subarray([...SMMU_BASELINE_FIELDS]) },
);

/** Any subset of the named fields (for differential runs, not for invariants). */
export const anyIdrFieldNamesArb: fc.Arbitrary<readonly string[]> = fc.subarray([...ALL_IDR_FIELD_NAMES]);

/** upstreamProfile with the hw_info kernel policy, the VMM's IDR policy (default: mask-baseline, QEMU-like) and the SMMU generated. */
export function hwInfoProfileArb(opts: HwInfoProfileOptions = {}): fc.Arbitrary<Profile> {
  return fc
    .record({
      smmu: opts.smmu ?? smmuProfileArb,
      hwInfo: opts.hwInfo ?? hwInfoPolicyArb,
      kernelIdrFields: opts.kernelIdrFields ?? kernelIdrFieldsArb,
      vmmIdr: opts.vmmIdr ?? fc.constant<VmmIdrPolicy>('mask-baseline'),
      knownIdrFields: opts.knownIdrFields ?? knownIdrFieldsArb,
    })
    .map(hwInfoProfile);
}

/** What a hw_info profile varies; the rest is upstream. */
export interface HwInfoChoice {
  readonly smmu: SmmuProfile;
  readonly hwInfo: HwInfoPolicy;
  readonly kernelIdrFields: readonly string[];
  readonly vmmIdr: VmmIdrPolicy;
  readonly knownIdrFields: readonly string[];
}

export const hwInfoProfile = (r: HwInfoChoice): Profile => ({
  ...upstreamProfile,
  kernel: { ...upstreamProfile.kernel, hwInfo: r.hwInfo, kernelIdrFields: r.kernelIdrFields },
  vmm: { ...upstreamProfile.vmm, idr: r.vmmIdr, knownIdrFields: r.knownIdrFields },
  smmu: r.smmu,
});

/** Every policy and field set at random: for model ≡ impl. */
export const wideHwInfoProfileArb: fc.Arbitrary<Profile> = hwInfoProfileArb({
  kernelIdrFields: fc.oneof(kernelIdrFieldsArb, anyIdrFieldNamesArb),
  vmmIdr: vmmIdrPolicyArb,
  knownIdrFields: fc.oneof(knownIdrFieldsArb, anyIdrFieldNamesArb),
});

export const hwInfoOpArb: fc.Arbitrary<Op> = fc.constantFrom<Op>({ kind: 'GET_HW_INFO' }, { kind: 'VMM_VSMMU_IDR' });
export const hwInfoScriptArb: fc.Arbitrary<Op[]> = fc.array(hwInfoOpArb, { maxLength: 6 });
