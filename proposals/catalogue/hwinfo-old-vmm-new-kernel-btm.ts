// An old raw-forwarding VMM on a newer sanitising kernel that starts reporting BTM (seed 003:
// "All VMM's must mask the BTM bit from day 0, or we can never set it to 1 in a future kernel").

import type { Proposal } from '../proposal.ts';
import { SMMU_BASELINE_FIELDS } from '../../generators/profiles.ts';
import { SEED_HW_INFO } from './common.ts';

export const proposal: Proposal = {
  id: 'hwinfo-old-vmm-new-kernel-btm',
  title: 'an old VMM that forwards idr[] on a kernel that starts reporting BTM',
  seeds: [SEED_HW_INFO],
  commits: [],
  fate: 'rejected',
  history: 'the reason masking is the VMM\'s job from day 0',
  policy: { kernel: { hwInfo: 'sanitise', kernelIdrFields: [...SMMU_BASELINE_FIELDS, 'BTM'] }, vmm: { idr: 'forward-raw', knownIdrFields: SMMU_BASELINE_FIELDS } },
  expect: {
    I5: { verdict: 'violated', reason: 'BTM reaches the guest of a VMM that never did the KVM VMID flow BTM needs' },
  },
};
