// QEMU with the array ioctls (f412c1f57ab5) on a kernel without them (before 333c515d1896, or any
// vhost device but vhost-net): every array call is an unknown ioctl.

import type { Proposal } from '../proposal.ts';
import { qemuVmm } from '../../generators/profiles.ts';

export const proposal: Proposal = {
  id: 'qemu-new-on-old-kernel',
  title: 'a VMM with the array feature ioctls on a kernel without them',
  seeds: [],
  commits: ['f412c1f57ab5'],
  fate: 'userspace',
  history: 'QEMU 10.1 on a kernel before v6.17',
  policy: { kernel: { featuresArray: 'absent' }, vmm: { featuresIoctls: 'array-then-64-bit' } },
  baseline: { kernel: { featuresArray: 'absent' }, vmm: { featuresIoctls: '64-bit' } },
  oldVmms: [qemuVmm],
  expect: {
    I7: { verdict: 'holds', reason: 'no array view exists; the 64-bit one is what it was' },
    R: { verdict: 'holds', reason: 'GET_FEATURES_ARRAY fails (-ENOBUFS: count 2 read as a vq index) and the 64-bit ioctls run as before; no bit above 63 is offered, so none is lost' },
  },
};
