// vhost-net before 333c515d1896: VHOST_GET/SET_FEATURES_ARRAY do not exist. The ioctl numbers reach
// vhost_vring_ioctl, which reads the first u32 of the argument (the low half of count) as a vq
// index: -ENOBUFS for an index >= nvqs (QEMU's count of 2), -ENOTTY below it.

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'net-features-array-absent',
  title: 'vhost-net before VHOST_GET/SET_FEATURES_ARRAY (64-bit features only)',
  seeds: [],
  commits: [],
  fate: 'merged, since replaced',
  history: 'every kernel before the v6.17 merge window',
  policy: { kernel: { device: 'vhost-net', featuresArray: 'absent' } },
  expect: {
    I7: { verdict: 'holds', reason: 'one view only: the array ioctls fail without touching the VMM\'s buffer, and every VMM falls back or stops' },
  },
};
