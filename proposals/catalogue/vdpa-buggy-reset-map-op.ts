// A `buggy_virtio_reset_map` parent op (mlx5_vdpa, vdpa_sim) vhost-vdpa calls on reset unless
// IOTLB_PERSIST is acked; .reset itself no longer touches the maps.

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-buggy-reset-map-op',
  title: 'a buggy_virtio_reset_map parent op, called on reset unless IOTLB_PERSIST is acked',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'semantically sound; rejected for the shape of the API (an op named for a bug), replaced by compat_reset',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'buggy-reset-map-op' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'holds', reason: 'only the parents that used to clear still clear, and only for old userspace' },
    R: { verdict: 'holds', reason: 'old userspace sees every parent reset as before' },
  },
};
