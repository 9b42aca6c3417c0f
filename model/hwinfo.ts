// iommufd IOMMU_GET_HW_INFO on arm-smmu-v3, and the IDR a VMM presents to its guest's vSMMU
// (seed 003). One rule per function; each cites the kernel function or uapi kdoc it mirrors.

import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile, SmmuProfile } from '../types/profile.ts';
import type { SnapshottingPart } from '../types/stack.ts';
import { SMMU_IDR_WORDS } from '../types/uapi.ts';
import { rulesOf } from './rules.ts';
import { fieldNamed, keepFields, withField, type IdrWords } from './smmuIdr.ts';

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
 * arm_smmu_hw_info (arm-smmu-v3-iommufd.c): `info->idr[i] = readl_relaxed(base_idr + i)` for
 * i = 0..5. A 32-bit read; a word the profile leaves out reads 0.
 */
export function readHwIdr(smmu: SmmuProfile): bigint[] {
  return Array.from({ length: SMMU_IDR_WORDS }, (_, i) => BigInt.asUintN(32, BigInt(smmu.idr[i] ?? 0)));
}

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
