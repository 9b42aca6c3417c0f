// IOTLB_PERSIST offered while mlx5_vdpa/vdpa_sim's .reset still drops the maps: the state the
// series started from before compat_reset (seed 002). Its own rule: the pre-v6.7 kernel has no
// such bit.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-persist-without-compat-reset',
  title: 'vhost-vdpa offers IOTLB_PERSIST but parents keep their old .reset',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'the gap the thread closes: the bit is only honest once vendor parents stop clearing on reset',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'persist-bit-without-compat-reset' } },
  expect: {
    I4: { verdict: 'violated', reason: 'userspace acks IOTLB_PERSIST, resets, and mlx5_vdpa/vdpa_sim have dropped its maps to 1:1' },
  },
};
