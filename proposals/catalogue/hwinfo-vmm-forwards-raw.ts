// A VMM that copies IOMMU_GET_HW_INFO's idr[] into the guest's vSMMU unmasked (seed 003).

import type { Proposal } from '../proposal.ts';
import { SEED_HW_INFO } from './common.ts';

export const proposal: Proposal = {
  id: 'hwinfo-vmm-forwards-raw',
  title: 'the VMM forwards the raw idr[] to the guest',
  seeds: [SEED_HW_INFO],
  commits: [],
  fate: 'rejected',
  history: 'the kdoc forbids it: a VMM "should only forward bits that it knows it can support"',
  policy: { kernel: { hwInfo: 'raw' }, vmm: { idr: 'forward-raw' } },
  expect: {
    I5: { verdict: 'violated', reason: 'BTM/HTTU reach the guest though neither the kernel nor the VMM supports them' },
  },
};
