// A vhost_vdpa module parameter that makes mappings persist, set by the administrator.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-module-parameter',
  title: 'a module parameter makes mappings persist across reset (as enabled by the admin)',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'rejected: a host-wide knob cannot tell new userspace from old',
  // once set it is host-wide: every userspace on the host gets unconditional persistence
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'unconditional-persist' } },
  baseline: VDPA_BEFORE_V6_7,
  expect: {
    I4: { verdict: 'violated', reason: 'the parameter is per host, so old userspace on mlx5_vdpa/vdpa_sim loses its reset-clears contract' },
    R: { verdict: 'violated', reason: 'the same difference, seen against the pre-v6.7 kernel' },
  },
};
