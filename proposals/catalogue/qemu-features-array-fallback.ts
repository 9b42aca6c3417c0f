// QEMU f412c1f57ab5 ("vhost-backend: implement extended features support"): VHOST_GET_FEATURES_ARRAY
// first and VHOST_GET_FEATURES after any error; VHOST_SET_FEATURES_ARRAY first and
// VHOST_SET_FEATURES after an error unless bits above 63 would be lost. Judged against the QEMU
// before it on every kernel: a new VMM on an old kernel, and on the kernels with the array ioctls.

import type { Proposal } from '../proposal.ts';
import { qemuVmm } from '../../generators/profiles.ts';

export const proposal: Proposal = {
  id: 'qemu-features-array-fallback',
  title: 'QEMU: the array feature ioctls first, the 64-bit ones after any error',
  seeds: [],
  commits: ['f412c1f57ab5'],
  fate: 'userspace',
  history: 'QEMU 10.1 with the virtio-net UDP tunnel offloads; its comment: "Can\'t check for ENOTTY"',
  policy: { vmm: { featuresIoctls: 'array-then-64-bit' } },
  baseline: { vmm: { featuresIoctls: '64-bit' } },
  oldVmms: [qemuVmm],
  expect: {
    I7: { verdict: 'holds', reason: 'the words the VMM learns through the array ioctl are the offered ones, and it sets only those' },
    R: { verdict: 'holds', reason: 'where the kernel has no array ioctls (-ENOBUFS or -ENOTTY) the 64-bit ones run, so every kernel answers the guest as before' },
  },
};
