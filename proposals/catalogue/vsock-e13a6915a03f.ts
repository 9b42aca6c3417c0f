// e13a6915a03f "vhost/vsock: add IOTLB API support": vhost-vsock offers ACCESS_PLATFORM and acking
// it turns the device IOTLB on (seeds 000/001).

import type { Proposal } from '../proposal.ts';
import { NON_IOTLB_VMMS, SEED_VSOCK_LINUS, SEED_VSOCK_WILL, VSOCK_BEFORE_E13A, VSOCK_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-e13a6915a03f',
  title: 'vhost-vsock offers ACCESS_PLATFORM, which turns the IOTLB on (e13a6915a03f, upstream)',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: ['e13a6915a03f'],
  fate: 'upstream',
  history: 'upstream kept the kernel as it was and fixed crosvm instead (crosvm commit 4e7d00be masks ACCESS_PLATFORM)',
  policy: VSOCK_E13A,
  baseline: VSOCK_BEFORE_E13A,
  oldVmms: NON_IOTLB_VMMS,
  expect: {
    I2: { verdict: 'violated', reason: 'crosvm before 4e7d00be intersects and acks ACCESS_PLATFORM; VHOST_VSOCK_SET_RUNNING then misses on the used ring and fails with -EFAULT (seed 000)' },
    R: { verdict: 'violated', reason: 'the same crosvm binary worked on the kernel before: Linus\'s regression' },
  },
};
