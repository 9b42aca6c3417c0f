// The VMM-side fix that landed (crosvm 4e7d00be): mask ACCESS_PLATFORM before VHOST_SET_FEATURES.

import type { Proposal } from '../proposal.ts';
import { SEED_VSOCK_LINUS, SEED_VSOCK_WILL, VSOCK_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-crosvm-masks-access-platform',
  title: 'crosvm masks ACCESS_PLATFORM before VHOST_SET_FEATURES (crosvm 4e7d00be), on e13a6915a03f',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: ['crosvm 4e7d00be'],
  fate: 'userspace',
  history: 'what upstream did: the kernel was kept and crosvm fixed',
  policy: { ...VSOCK_E13A, vmm: { features: 'intersect-mask-access-platform', speaksIotlb: false } },
  expect: {
    I2: { verdict: 'holds', reason: 'the fixed VMM never passes ACCESS_PLATFORM to vhost, so the IOTLB stays off' },
  },
};
