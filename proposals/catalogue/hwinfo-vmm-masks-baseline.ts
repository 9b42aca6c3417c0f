// What was merged: the kernel reports raw idr[], the VMM masks to the baseline it supports.

import type { Proposal } from '../proposal.ts';
import { SEED_HW_INFO } from './common.ts';

export const proposal: Proposal = {
  id: 'hwinfo-vmm-masks-baseline',
  title: 'raw idr[] from the kernel, the VMM masks to its known baseline (upstream)',
  seeds: [SEED_HW_INFO],
  commits: [],
  fate: 'upstream',
  history: 'merged with struct iommu_hw_info_arm_smmuv3 (v6.13): "the VMM should only forward bits that it knows it can support"',
  policy: { kernel: { hwInfo: 'raw' }, vmm: { idr: 'mask-baseline' } },
  expect: {
    I5: { verdict: 'holds', reason: 'the guest sees only fields the VMM knows, at most the hardware\'s values' },
  },
};
