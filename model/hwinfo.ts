// iommufd IOMMU_GET_HW_INFO on arm-smmu-v3, and the IDR a VMM presents to its guest's vSMMU
// (seed 003). One rule per function; each cites the kernel function or uapi kdoc it mirrors.

import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { SmmuProfile } from '../types/policy.ts';
import type { SnapshottingPart } from '../types/stack.ts';
import { SMMU_IDR_WORDS } from '../types/uapi.ts';
import { rulesOf } from './rules.ts';
import { fieldNamed, type IdrWords } from './smmuIdr.ts';

/**
 * arm_smmu_hw_info (arm-smmu-v3-iommufd.c): `info->idr[i] = readl_relaxed(base_idr + i)` for
 * i = 0..5. A 32-bit read; a word the profile leaves out reads 0.
 */
export function readHwIdr(smmu: SmmuProfile): bigint[] {
  return Array.from({ length: SMMU_IDR_WORDS }, (_, i) => BigInt.asUintN(32, BigInt(smmu.idr[i] ?? 0)));
}

function idrObservation(idr: IdrWords): Observation {
  return { kind: 'idr', ret: 0, idr: idr.map(w => Number(w)) };
}

/**
 * The iommufd hw_info part of the stack: owns GET_HW_INFO and VMM_VSMMU_IDR. Stateless: both ops
 * are functions of the profile (the registers, the kernel's and the VMM's policies), so its
 * snapshot is null.
 */
export function createHwInfoModel(profile: Profile): SnapshottingPart {
  // A profile naming an unknown field is rejected up front, not on the first op.
  for (const name of [...profile.kernel.kernelIdrFields, ...profile.vmm.knownIdrFields]) fieldNamed(name);
  const rules = rulesOf(profile);
  return {
    apply(op: Op): Observation {
      switch (op.kind) {
        case 'GET_HW_INFO':
          return idrObservation(rules.hwInfoIdr(readHwIdr(profile.smmu)));
        case 'VMM_VSMMU_IDR':
          // the VMM reads IOMMU_GET_HW_INFO first, then builds the vSMMU registers from it
          return idrObservation(rules.vmmIdr(rules.hwInfoIdr(readHwIdr(profile.smmu))));
        default:
          throw new Error(`hw_info model does not own op ${op.kind}`);
      }
    },
    snapshot: () => null,
    restore: () => {},
  };
}
