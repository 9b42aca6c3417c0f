// The fallback QEMU's comment rules out: retry with the 64-bit ioctls only when the array ioctl says
// -ENOTTY. A kernel without VHOST_GET_FEATURES_ARRAY sends the unknown ioctl to vhost_vring_ioctl,
// which reads the first u32 of the argument (count = 2) as a vq index: 2 >= nvqs, -ENOBUFS.

import type { Proposal } from '../proposal.ts';
import { qemuVmm } from '../../generators/profiles.ts';

export const proposal: Proposal = {
  id: 'qemu-features-array-enotty-only',
  title: 'a VMM that falls back to the 64-bit feature ioctls only on -ENOTTY',
  seeds: [],
  commits: ['f412c1f57ab5'],
  fate: 'rejected',
  history: 'f412c1f57ab5: "Can\'t check for ENOTTY, as the kernel for unknown ioctls interprets the argument as a virtio queue id"',
  policy: { vmm: { featuresIoctls: 'array-then-64-bit-on-enotty' } },
  baseline: { vmm: { featuresIoctls: '64-bit' } },
  oldVmms: [qemuVmm],
  expect: {
    I7: { verdict: 'holds', reason: 'where it gets on at all, it learns and sets only offered words; its failure is R\'s' },
    R: { verdict: 'violated', reason: 'on a kernel without the array ioctls count 2 is vq index 2: -ENOBUFS, no fallback, the guest\'s features are never set' },
  },
};
