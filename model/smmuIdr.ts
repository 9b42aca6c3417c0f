// SMMUv3 ID registers IDR0..IDR5 as bigint u32 words, and the field rules on them.
// Layout: SMMU_IDR_FIELDS (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h IDR0..IDR5 #defines,
// SMMUv3 spec IHI0070 §6.3.1-6.3.6). A field is GENMASK(shift + width - 1, shift) of its word.

import { SMMU_IDR_FIELDS, SMMU_IDR_WORDS, type IdrField } from '../types/uapi.ts';

/** IDR0..IDR5; a word past the end reads 0. */
export type IdrWords = readonly bigint[];

/** The field called `name`; a profile naming a field the layout does not define is a mistake. */
export function fieldNamed(name: string): IdrField {
  const f = SMMU_IDR_FIELDS.find(x => x.name === name);
  if (f === undefined) throw new Error(`unknown SMMU IDR field ${name}`);
  return f;
}

/** GENMASK(shift + width - 1, shift). */
export function fieldMask(f: IdrField): bigint {
  return ((1n << BigInt(f.width)) - 1n) << BigInt(f.shift);
}

/** FIELD_GET(mask, idr[word]). */
export function idrField(idr: IdrWords, f: IdrField): bigint {
  return ((idr[f.word] ?? 0n) & fieldMask(f)) >> BigInt(f.shift);
}

/** A copy of `idr` with the field replaced by FIELD_PREP(mask, value); every other bit unchanged. */
export function withField(idr: IdrWords, f: IdrField, value: bigint): bigint[] {
  const out = [...idr];
  while (out.length < SMMU_IDR_WORDS) out.push(0n);
  const m = fieldMask(f);
  out[f.word] = ((out[f.word] ?? 0n) & ~m) | ((value << BigInt(f.shift)) & m);
  return out;
}

/** Six zero words. */
export function zeroIdr(): bigint[] {
  return Array.from({ length: SMMU_IDR_WORDS }, () => 0n);
}

/** Zero words with only the `names` fields copied from `idr`: every other field, and every bit of no named field, reads 0. */
export function keepFields(idr: IdrWords, names: readonly string[]): bigint[] {
  let out = zeroIdr();
  for (const name of names) {
    const f = fieldNamed(name);
    out = withField(out, f, idrField(idr, f));
  }
  return out;
}

// --- the fields the kernel reports and a VMM assumes (the named IDR rules pick these) -------

/**
 * Fields a VMM sets whatever the hardware says (include/uapi/linux/iommufd.h, struct
 * iommu_hw_info_arm_smmuv3 kdoc): "S1P should be assumed to be true if a NESTED HWPT can be
 * created" (the modelled VMM always can) and "VFIO/iommufd only support platforms with COHACC, it
 * should be assumed to be true". ATS "is a per-device property": the modelled VMM describes no
 * ATS-capable device, so it leaves ATS 0.
 */
export const VMM_ASSUMED_FIELDS: Readonly<Record<string, bigint>> = { S1P: 1n, COHACC: 1n };

/**
 * Fields a kernel that sanitises idr[] still reports as the hardware has them (include/uapi/linux/
 * iommufd.h, struct iommu_hw_info_arm_smmuv3 kdoc): "S1P should be assumed to be true if a NESTED
 * HWPT can be created" and "VFIO/iommufd only support platforms with COHACC, it should be assumed
 * to be true". A kernel that supports nesting at all supports both, so a sanitiser that cleared
 * them would tell a VMM forwarding its words that the guest has no stage 1 and no coherent walks.
 */
export const KERNEL_REPORTED_FIELDS: readonly string[] = ['S1P', 'COHACC'];

/**
 * Robin Murphy's proposal (seed 003): the kernel "uses the ID register mechanism itself to
 * advertise the set of features it's able/willing to support, by sanitising the values it offers
 * to the VMM". Each field against the iommufd.h kdoc:
 * - the list "Only the following fields should be used" (idr[0] ST_LEVEL, TERM_MODEL,
 *   STALL_MODEL, TTENDIAN, CD2L, ASID16, TTF; idr[1] SIDSIZE, SSIDSIZE; idr[3] BBML, RIL; idr[5]
 *   VAX, GRAN64K, GRAN16K, GRAN4K) is `kernelFields` today: kept raw;
 * - S1P and COHACC, which the kdoc tells a VMM to assume: kept raw (KERNEL_REPORTED_FIELDS);
 * - ATS "is a per-device property ... the VMM ... should set the corresponding idr": not the
 *   kernel's word to report, cleared;
 * - HTTU, BTM, MPAM "are not currently supported by the kernel for nesting": cleared unless
 *   `kernelFields` names them (a future kernel with vBTM);
 * - every other field and every bit of no named field: cleared ("VMMs do not read bits outside
 *   the list").
 */
export function sanitiseIdr(raw: IdrWords, kernelFields: readonly string[]): bigint[] {
  return keepFields(raw, [...KERNEL_REPORTED_FIELDS, ...kernelFields]);
}

/** Set every VMM_ASSUMED_FIELDS field to its assumed value. */
export function assumeNestingFields(idr: IdrWords): bigint[] {
  let out = [...idr];
  for (const [name, value] of Object.entries(VMM_ASSUMED_FIELDS)) out = withField(out, fieldNamed(name), value);
  return out;
}
