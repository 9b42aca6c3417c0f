// The rejected "only after IOTLB_MSG_V2 was acked" rule, asked of vhost-net.

import type { Proposal } from '../proposal.ts';
import { NET_UPSTREAM, SEED_VSOCK_LINUS, SEED_VSOCK_WILL } from './common.ts';

export const proposal: Proposal = {
  id: 'net-iotlb-after-msg-v2-ack',
  title: 'vhost-net: ACCESS_PLATFORM turns the IOTLB on only after userspace acked IOTLB_MSG_V2',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: [],
  fate: 'rejected',
  history: 'not merged',
  policy: { kernel: { device: 'vhost-net', iotlbEnable: 'access-platform-after-msg-v2-ack' } },
  baseline: NET_UPSTREAM,
  expect: {
    I2: { verdict: 'holds', reason: 'a VMM that does not speak IOTLB messages never acks IOTLB_MSG_V2' },
    R: { verdict: 'violated', reason: 'a QEMU that sends v1 IOTLB messages without acking backend features loses its IOTLB' },
  },
};
