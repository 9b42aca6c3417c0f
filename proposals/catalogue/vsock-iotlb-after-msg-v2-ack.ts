// Discussed and rejected in seeds 000/001: turn the IOTLB on with ACCESS_PLATFORM only when
// userspace has first acked VHOST_BACKEND_F_IOTLB_MSG_V2, i.e. said it speaks IOTLB messages.

import type { Proposal } from '../proposal.ts';
import { NON_IOTLB_VMMS, SEED_VSOCK_LINUS, SEED_VSOCK_WILL, VSOCK_BEFORE_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-iotlb-after-msg-v2-ack',
  title: 'vhost-vsock: ACCESS_PLATFORM turns the IOTLB on only after userspace acked IOTLB_MSG_V2',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: [],
  fate: 'rejected',
  history: 'discussed in the thread; not merged (the fix went into crosvm)',
  policy: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: true, iotlbEnable: 'access-platform-after-msg-v2-ack' } },
  baseline: VSOCK_BEFORE_E13A,
  oldVmms: NON_IOTLB_VMMS,
  expect: {
    I2: { verdict: 'holds', reason: 'a VMM that does not speak IOTLB messages never acks IOTLB_MSG_V2, so its IOTLB stays off' },
    R: { verdict: 'holds', reason: 'for such a VMM nothing but the offer changes' },
  },
};
