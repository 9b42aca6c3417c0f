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
