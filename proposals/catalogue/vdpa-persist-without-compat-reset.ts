// IOTLB_PERSIST offered while mlx5_vdpa/vdpa_sim's .reset still drops the maps: the state the
// series started from before compat_reset (seed 002). Its own rule, so the pre-v6.7 baseline can
// be the kernel it really was: one without the bit.

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-persist-without-compat-reset',
  title: 'vhost-vdpa offers IOTLB_PERSIST but parents keep their old .reset',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'the gap the thread closes: the bit is only honest once vendor parents stop clearing on reset',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'persist-bit-without-compat-reset' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'violated', reason: 'userspace acks IOTLB_PERSIST, resets, and mlx5_vdpa/vdpa_sim have dropped its maps to 1:1' },
    R: { verdict: 'holds', reason: 'old userspace never acks the bit, and without it every parent resets as before v6.7: the bit lies only to new userspace' },
  },
};
