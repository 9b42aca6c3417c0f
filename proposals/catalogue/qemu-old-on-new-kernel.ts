// An old VMM (VHOST_GET/SET_FEATURES only) on a kernel with 333c515d1896 and the clear_user fix:
// the kernel grew a second feature word (UDP tunnel GSO, bits 65 and 67) the VMM cannot see.

import type { Proposal } from '../proposal.ts';
import { qemuVmm } from '../../generators/profiles.ts';

export const proposal: Proposal = {
  id: 'qemu-old-on-new-kernel',
  title: 'a VMM with only the 64-bit feature ioctls on a kernel with the array ones',
  seeds: [],
  commits: ['333c515d1896', 'bbca931fce26', '3ae441712f84'],
  fate: 'upstream',
  history: 'every VMM before QEMU 10.1, and crosvm, on a kernel since v6.17',
  policy: { kernel: { device: 'vhost-net', featuresArray: 'clear-after-copied' }, vmm: { featuresIoctls: '64-bit' } },
  baseline: { kernel: { device: 'vhost-net', featuresArray: 'absent' }, vmm: { featuresIoctls: '64-bit' } },
  oldVmms: [qemuVmm],
  expect: {
    I7: { verdict: 'holds', reason: 'the 64-bit view is word 0 of the array view, and the VMM sets only offered bits of it' },
    R: { verdict: 'holds', reason: 'VHOST_GET_FEATURES is word 0 of the wider set, and VHOST_SET_FEATURES acks word 0 with word 1 cleared: the same answers' },
  },
};
