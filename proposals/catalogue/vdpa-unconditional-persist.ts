// Mappings always survive reset, whatever userspace acked (the first idea of the series).

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-unconditional-persist',
  title: 'mappings persist across every vDPA reset',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'rejected: old userspace came to depend on mlx5_vdpa/vdpa_sim dropping maps on reset',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'unconditional-persist' } },
  baseline: VDPA_BEFORE_V6_7,
  expect: {
    I4: { verdict: 'violated', reason: 'old userspace on mlx5_vdpa/vdpa_sim finds its old maps after reset instead of 1:1' },
    R: { verdict: 'violated', reason: 'the same difference, seen against the pre-v6.7 kernel' },
  },
};
