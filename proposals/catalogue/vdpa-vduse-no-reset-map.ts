// A vDPA parent with set_map and no reset_map: VDUSE (drivers/vdpa/vdpa_user/vduse_dev.c). No 1:1
// passthrough to start from; vduse_dev_reset resets the bounce map only, so the set_map maps
// survive a reset; vhost_vdpa_has_persistent_map is false, so IOTLB_PERSIST is not offered and
// VHOST_SET_BACKEND_FEATURES with it is -EOPNOTSUPP (4398776f7a6d).

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-vduse-no-reset-map',
  title: 'vhost-vdpa on VDUSE: set_map, no reset_map, no IOTLB_PERSIST (v6.7 compat reset)',
  seeds: [SEED_VDPA_RESET],
  commits: ['4398776f7a6d'],
  fate: 'upstream',
  history: 'VDUSE since v5.15; the persist contract of v6.7 leaves it out (no reset_map)',
  policy: { kernel: { device: 'vhost-vdpa', parent: 'vduse', vdpaReset: 'compat-reset' } },
  expect: {
    I4: { verdict: 'holds', reason: 'the maps survive a reset, as they did before v6.7 for every parent but mlx5_vdpa/vdpa_sim, and nobody could ack IOTLB_PERSIST' },
    I6: { verdict: 'holds', reason: 'the parent\'s view is the shadow IOTLB after every set_map, batch or not' },
  },
};
