// The same VMM-side fix judged for the crosvm binary already deployed: it has not got the fix.

import type { Proposal } from '../proposal.ts';
import { SEED_VSOCK_LINUS, SEED_VSOCK_WILL, VSOCK_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-crosvm-masks-old-binary',
  title: 'the crosvm-side fix, judged for the old crosvm binary still deployed (intersects), on e13a6915a03f',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: ['e13a6915a03f'],
  fate: 'userspace',
  history: 'a userspace fix does not reach binaries already shipped: why Linus asked for the kernel to change',
  policy: { ...VSOCK_E13A, vmm: { features: 'intersect', knownFeatures: 0n, speaksIotlb: false } },
  expect: {
    I2: { verdict: 'violated', reason: 'the old binary still intersects and acks ACCESS_PLATFORM; its vring start fails with -EFAULT and a MISS nobody answers' },
  },
};
