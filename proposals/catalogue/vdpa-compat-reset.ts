// What v6.7 merged: a separate .compat_reset(flags) op; vhost-vdpa passes VDPA_RESET_F_CLEAN_MAP
// unless IOTLB_PERSIST is acked, and only mlx5_vdpa/vdpa_sim implement it.

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-compat-reset',
  title: 'compat_reset(VDPA_RESET_F_CLEAN_MAP) unless IOTLB_PERSIST is acked (v6.7, upstream)',
  seeds: [SEED_VDPA_RESET],
  commits: ['bc91df5c70ac', 'a26f2e4e68ee', '4398776f7a6d'],
  fate: 'upstream',
  // mainline (torvalds/linux master, merge 77fa2fbe87fc, 5 Nov 2023): bc91df5c70ac "vhost-vdpa: clean
  // iotlb map during reset for older userspace", a26f2e4e68ee ".compat_reset", 4398776f7a6d
  // IOTLB_PERSIST. 10cbf8dfaf93, which Nov 2023 Fixes: tags cite, is the same patch in mst's vhost
  // linux-next branch (22 Oct 2023) before two fixups were squashed in: not a mainline commit.
  history: 'merged for v6.7 with "vdpa: introduce .compat_reset operation callback" and "vhost-vdpa: introduce IOTLB_PERSIST backend feature bit"',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'compat-reset' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'holds', reason: 'new userspace gets persistence, old userspace gets what its parent always did' },
    R: { verdict: 'holds', reason: 'without IOTLB_PERSIST every parent resets exactly as before' },
  },
};
