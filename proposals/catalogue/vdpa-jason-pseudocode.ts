// Jason Wang's first pseudo-code in seed 002: reset(); if (!IOTLB_PERSIST) reset_map().

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-jason-pseudocode',
  title: 'reset(); if (!IOTLB_PERSIST) reset_map()',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'the thread concluded it does not work for on-chip parents whose reset_map restores a 1:1 default',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'reset-then-reset-map' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'violated', reason: 'on an on-chip parent, old userspace\'s reset now restores the 1:1 default it never had' },
    R: { verdict: 'violated', reason: 'the same difference, seen against the pre-v6.7 kernel' },
  },
};
