// iommufd IOMMU_GET_HW_INFO (arm-smmu-v3) and the VMM's vSMMU IDR, optimised: every policy is
// folded into per-word keep/set masks at creation, so an op is six AND/ORs on u32 numbers.
//   reported[w] = hw[w] & kernelKeep[w]
//   guest[w]    = (hw[w] & guestKeep[w]) | guestSet[w]

import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Part } from '../types/stack.ts';
import { SMMU_IDR_FIELDS, SMMU_IDR_WORDS, type IdrField } from '../types/uapi.ts';

const ALL_BITS = 0xffff_ffff;

/** S1P and COHACC: a sanitising kernel still reports them, as the iommufd.h kdoc has a VMM assume them. */
const KERNEL_REPORTED: readonly string[] = ['S1P', 'COHACC'];

/** S1P and COHACC, which the iommufd.h kdoc tells a VMM to assume true. */
const ASSUMED: readonly (readonly [string, number])[] = [['S1P', 1], ['COHACC', 1]];

const FIELD_BY_NAME: ReadonlyMap<string, IdrField> = new Map(SMMU_IDR_FIELDS.map(f => [f.name, f]));

function lookup(name: string): IdrField {
  const f = FIELD_BY_NAME.get(name);
  if (f === undefined) throw new Error(`unknown SMMU IDR field ${name}`);
  return f;
}

/** `width` ones (1..32) moved up by `shift`. */
function maskOf(f: IdrField): number {
  return ((ALL_BITS >>> (32 - f.width)) << f.shift) >>> 0;
}

function wordsOf(fill: number): Uint32Array {
  return new Uint32Array(SMMU_IDR_WORDS).fill(fill);
}

const NO_BITS = wordsOf(0);

/** Per word, the union of the named fields' masks. */
function keepMask(names: readonly string[]): Uint32Array {
  const m = wordsOf(0);
  for (const name of names) {
    const f = lookup(name);
    m[f.word] = (m[f.word]! | maskOf(f)) >>> 0;
  }
  return m;
}

export function createHwInfoImpl(profile: Profile): Part {
  const hw = profile.smmu.idr;
  const kernelKeep = profile.kernel.hwInfo === 'raw' ? wordsOf(ALL_BITS) : keepMask([...KERNEL_REPORTED, ...profile.kernel.kernelIdrFields]);
  const guestKeep = wordsOf(0);
  const guestSet = wordsOf(0);
  if (profile.vmm.idr === 'forward-raw') {
    guestKeep.set(kernelKeep);
  } else {
    const known = keepMask(profile.vmm.knownIdrFields);
    guestKeep.set(kernelKeep.map((k, w) => k & known[w]!));
    for (const [name, value] of ASSUMED) {
      const f = lookup(name);
      guestKeep[f.word] = guestKeep[f.word]! & ~maskOf(f);
      guestSet[f.word] = (guestSet[f.word]! | ((value << f.shift) & maskOf(f))) >>> 0;
    }
  }

  function observe(keep: Uint32Array, set: Uint32Array): Observation {
    const idr = Array.from(keep, (k, w) => (((hw[w] ?? 0) & k) | set[w]!) >>> 0);
    return { kind: 'idr', ret: 0, idr };
  }

  return {
    apply(op: Op): Observation {
      if (op.kind === 'GET_HW_INFO') return observe(kernelKeep, NO_BITS);
      if (op.kind === 'VMM_VSMMU_IDR') return observe(guestKeep, guestSet);
      throw new Error(`hw_info impl does not own op ${op.kind}`);
    },
  };
}
