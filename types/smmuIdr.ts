// SMMUv3 IDR words built and read by named field (layout: SMMU_IDR_FIELDS in uapi.ts).
// For writing profiles and checking properties; the model and the implementation each decode
// fields their own way, so this file is a third, independent reading of the layout.

import { SMMU_IDR_FIELDS, SMMU_IDR_WORDS, type IdrField } from './uapi.ts';

/** Field values by name, e.g. `{ BTM: 1, HTTU: 2, SIDSIZE: 16 }`; unnamed fields are 0. */
export type IdrFieldValues = Readonly<Record<string, number>>;

export function smmuIdrField(name: string): IdrField {
  const f = SMMU_IDR_FIELDS.find(x => x.name === name);
  if (f === undefined) throw new Error(`unknown SMMU IDR field ${name}`);
  return f;
}

/** GENMASK(shift + width - 1, shift) as a u32. */
export function idrFieldMask(f: IdrField): number {
  return ((2 ** f.width - 1) * 2 ** f.shift) >>> 0;
}

/** FIELD_GET on the field's word (a missing word reads 0). */
export function idrFieldValue(idr: readonly number[], f: IdrField): number {
  return (((idr[f.word] ?? 0) & idrFieldMask(f)) >>> 0) / 2 ** f.shift;
}

/** IDR0..IDR5 with each named field set to its value; throws on an unknown name or a value that does not fit. */
export function idrFromFields(values: IdrFieldValues): number[] {
  const idr = new Array<number>(SMMU_IDR_WORDS).fill(0);
  for (const [name, value] of Object.entries(values)) {
    const f = smmuIdrField(name);
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** f.width) {
      throw new Error(`SMMU IDR field ${name} is ${f.width} bits wide; ${value} does not fit`);
    }
    idr[f.word] = ((idr[f.word] ?? 0) | (value * 2 ** f.shift)) >>> 0;
  }
  return idr;
}

/** A copy of `idr` (six words) with each named field replaced by its value; every other bit unchanged. */
export function withIdrFields(idr: readonly number[], values: IdrFieldValues): number[] {
  const set = idrFromFields(values);
  const out = Array.from({ length: SMMU_IDR_WORDS }, (_, w) => (idr[w] ?? 0) >>> 0);
  for (const name of Object.keys(values)) {
    const f = smmuIdrField(name);
    out[f.word] = (((out[f.word] ?? 0) & ~idrFieldMask(f)) | (set[f.word]! & idrFieldMask(f))) >>> 0;
  }
  return out;
}

/** Per word, the bits that belong to some named field. */
export const SMMU_NAMED_BITS: readonly number[] = SMMU_IDR_FIELDS.reduce(
  (acc, f) => { acc[f.word] = ((acc[f.word] ?? 0) | idrFieldMask(f)) >>> 0; return acc; },
  new Array<number>(SMMU_IDR_WORDS).fill(0),
);
