// The parent advertises persistent mappings; vhost-vdpa negotiates it with userspace, and a
// parent that used to clear keeps clearing unless IOTLB_PERSIST was negotiated.

import { bit } from '../../types/bits.ts';
import { VHOST_BACKEND_F_IOTLB_PERSIST } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET, VDPA_BEFORE_V6_7 } from './common.ts';

export const proposal: Proposal = {
  id: 'vdpa-parent-feature-negotiation',
  title: 'parents negotiate persistent mappings; without IOTLB_PERSIST they reset as before',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'rejected',
  history: 'semantically sound; more plumbing through every parent than compat_reset',
  policy: { kernel: { device: 'vhost-vdpa', vdpaReset: 'parent-negotiation' } },
  baseline: VDPA_BEFORE_V6_7,
  newBits: { backendFeatures: bit(VHOST_BACKEND_F_IOTLB_PERSIST) },
  expect: {
    I4: { verdict: 'holds', reason: 'persistence only where negotiated, the old behaviour everywhere else' },
    R: { verdict: 'holds', reason: 'old userspace never negotiates it' },
  },
};
