// .reset(clean_map) on every parent, clean_map = !IOTLB_PERSIST.

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-reset-clean-map-flag',
  title: 'a clean_map argument to every parent\'s .reset',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'semantically sound; changing every parent\'s .reset signature was avoided by a separate compat_reset op',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'reset-clean-map-flag' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'holds', reason: 'only mlx5_vdpa/vdpa_sim honour clean_map, and only for old userspace' },
    R: { verdict: 'holds', reason: 'old userspace sees every parent reset as before' },
  },
};
