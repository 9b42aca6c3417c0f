// Robin Murphy's alternative in seed 003: the kernel sanitises idr[] to what it supports.

import type { Proposal } from '../proposal.ts';
import { SMMU_BASELINE_FIELDS } from '../../generators/profiles.ts';
import { SEED_HW_INFO } from './common.ts';

export const proposal: Proposal = {
  id: 'hwinfo-kernel-sanitises',
  title: 'the kernel sanitises idr[] to the fields it supports',
  seeds: [SEED_HW_INFO],
  commits: [],
  fate: 'rejected',
  history: 'not merged; Jason: "Even with your plan the VMM can not pass the kernel\'s IDR register into the VM unprotected"',
  policy: { kernel: { hwInfo: 'sanitise', kernelIdrFields: SMMU_BASELINE_FIELDS } },
  baseline: { kernel: { hwInfo: 'raw' } },
  expect: {
    I5: { verdict: 'violated', reason: 'a VMM that forwards the sanitised words still hands the guest fields it does not support itself' },
    R: { verdict: 'holds', reason: 'a VMM that masks to the baseline builds the same guest IDR from the sanitised words' },
  },
};
