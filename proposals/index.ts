// The proposal catalogue: every behaviour and candidate fix from the seed threads, in seed order.

import { proposal as hwinfoKernelSanitises } from './catalogue/hwinfo-kernel-sanitises.ts';
import { proposal as hwinfoOldVmmNewKernelBtm } from './catalogue/hwinfo-old-vmm-new-kernel-btm.ts';
import { proposal as hwinfoVmmForwardsRaw } from './catalogue/hwinfo-vmm-forwards-raw.ts';
import { proposal as hwinfoVmmMasksBaseline } from './catalogue/hwinfo-vmm-masks-baseline.ts';
import { proposal as netAccessPlatform } from './catalogue/net-access-platform.ts';
import { proposal as netIotlbAfterMsgV2Ack } from './catalogue/net-iotlb-after-msg-v2-ack.ts';
import { proposal as netLinusSplit } from './catalogue/net-linus-split.ts';
import { proposal as probeAckBeforeAccess } from './catalogue/probe-ack-before-access.ts';
import { proposal as probeFinalizeBeforeValidate } from './catalogue/probe-finalize-before-validate.ts';
import { proposal as probeNoValidateOnS390 } from './catalogue/probe-no-validate-on-s390.ts';
import { proposal as probeRevertBlkSizeValidate } from './catalogue/probe-revert-blk-size-validate.ts';
import { proposal as probeValidateBeforeWrite } from './catalogue/probe-validate-before-write.ts';
import { proposal as probeWriteVersion1First } from './catalogue/probe-write-version1-first.ts';
import { proposal as size0ExemptBatch } from './catalogue/size0-exempt-batch.ts';
import { proposal as size0InvalidateWholeSpace } from './catalogue/size0-invalidate-whole-space.ts';
import { proposal as size0RejectAll } from './catalogue/size0-reject-all.ts';
import { proposal as size0Unchecked } from './catalogue/size0-unchecked.ts';
import { proposal as vdpaBuggyResetMapOp } from './catalogue/vdpa-buggy-reset-map-op.ts';
import { proposal as vdpaCompatReset } from './catalogue/vdpa-compat-reset.ts';
import { proposal as vdpaJasonPseudocode } from './catalogue/vdpa-jason-pseudocode.ts';
import { proposal as vdpaModuleParameter } from './catalogue/vdpa-module-parameter.ts';
import { proposal as vdpaParentFeatureNegotiation } from './catalogue/vdpa-parent-feature-negotiation.ts';
import { proposal as vdpaPersistWithoutCompatReset } from './catalogue/vdpa-persist-without-compat-reset.ts';
import { proposal as vdpaResetCleanMapFlag } from './catalogue/vdpa-reset-clean-map-flag.ts';
import { proposal as vdpaVduseNoResetMap } from './catalogue/vdpa-vduse-no-reset-map.ts';
import { proposal as vdpaUnconditionalPersist } from './catalogue/vdpa-unconditional-persist.ts';
import { proposal as vsockBeforeE13a6915a03f } from './catalogue/vsock-before-e13a6915a03f.ts';
import { proposal as vsockCrosvmMasksAccessPlatform } from './catalogue/vsock-crosvm-masks-access-platform.ts';
import { proposal as vsockCrosvmMasksOldBinary } from './catalogue/vsock-crosvm-masks-old-binary.ts';
import { proposal as vsockE13a6915a03f } from './catalogue/vsock-e13a6915a03f.ts';
import { proposal as vsockIotlbAfterMsgV2Ack } from './catalogue/vsock-iotlb-after-msg-v2-ack.ts';
import { proposal as vsockLinusSplit } from './catalogue/vsock-linus-split.ts';

import { proposal as iotlbMsgV1Compat } from './catalogue/iotlb-msg-v1-compat.ts';
import { proposal as iotlbMsgV2Compat } from './catalogue/iotlb-msg-v2-compat.ts';
import { proposal as iotlbMsgV1Native } from './catalogue/iotlb-msg-v1-native.ts';
import { proposal as netFeaturesArray32bitCount } from './catalogue/net-features-array-32bit-count.ts';
import { proposal as netFeaturesArrayAbsent } from './catalogue/net-features-array-absent.ts';
import { proposal as netFeaturesArrayFixed } from './catalogue/net-features-array-fixed.ts';
import { proposal as netFeaturesArrayMerged } from './catalogue/net-features-array-merged.ts';
import { proposal as qemuFeaturesArrayEnottyOnly } from './catalogue/qemu-features-array-enotty-only.ts';
import { proposal as qemuFeaturesArrayFallback } from './catalogue/qemu-features-array-fallback.ts';
import { proposal as qemuNewOnOldKernel } from './catalogue/qemu-new-on-old-kernel.ts';
import { proposal as qemuOldOnNewKernel } from './catalogue/qemu-old-on-new-kernel.ts';
import { proposal as virtioPciExtendedFeatures } from './catalogue/virtio-pci-extended-features.ts';
import { proposal as virtioPciExtendedGuestOldDevice } from './catalogue/virtio-pci-extended-guest-old-device.ts';
import { proposal as virtioPciOldGuestExtendedDevice } from './catalogue/virtio-pci-old-guest-extended-device.ts';
import type { Proposal } from './proposal.ts';

export const CATALOGUE: readonly Proposal[] = [
  vsockBeforeE13a6915a03f,
  vsockE13a6915a03f,
  vsockLinusSplit,
  vsockIotlbAfterMsgV2Ack,
  vsockCrosvmMasksAccessPlatform,
  vsockCrosvmMasksOldBinary,
  netAccessPlatform,
  netLinusSplit,
  netIotlbAfterMsgV2Ack,
  vdpaPersistWithoutCompatReset,
  vdpaCompatReset,
  vdpaJasonPseudocode,
  vdpaUnconditionalPersist,
  vdpaModuleParameter,
  vdpaBuggyResetMapOp,
  vdpaParentFeatureNegotiation,
  vdpaResetCleanMapFlag,
  vdpaVduseNoResetMap,
  size0Unchecked,
  size0RejectAll,
  size0ExemptBatch,
  size0InvalidateWholeSpace,
  iotlbMsgV1Native,
  iotlbMsgV1Compat,
  iotlbMsgV2Compat,
  hwinfoVmmForwardsRaw,
  hwinfoVmmMasksBaseline,
  hwinfoKernelSanitises,
  hwinfoOldVmmNewKernelBtm,
  probeValidateBeforeWrite,
  probeFinalizeBeforeValidate,
  probeWriteVersion1First,
  probeNoValidateOnS390,
  probeRevertBlkSizeValidate,
  probeAckBeforeAccess,
  netFeaturesArrayAbsent,
  netFeaturesArrayMerged,
  netFeaturesArrayFixed,
  netFeaturesArray32bitCount,
  qemuFeaturesArrayFallback,
  qemuFeaturesArrayEnottyOnly,
  qemuOldOnNewKernel,
  qemuNewOnOldKernel,
  virtioPciExtendedFeatures,
  virtioPciExtendedGuestOldDevice,
  virtioPciOldGuestExtendedDevice,
];

export function proposalById(id: string): Proposal | undefined {
  return CATALOGUE.find(p => p.id === id);
}
