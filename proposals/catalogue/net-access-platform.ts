// vhost-net as upstream has it: ACCESS_PLATFORM has turned the IOTLB on since the device IOTLB
// was added (6b1e6cc7855b, v4.8). The seeds ask the vsock question of vhost-net too.

import type { Proposal } from '../proposal.ts';
import { NET_UPSTREAM, SEED_VSOCK_LINUS } from './common.ts';

export const proposal: Proposal = {
  id: 'net-access-platform',
  title: 'vhost-net: ACCESS_PLATFORM turns the IOTLB on (upstream since v4.8)',
  seeds: [SEED_VSOCK_LINUS],
  commits: ['6b1e6cc7855b'],
  fate: 'upstream',
  history: 'unchanged upstream; QEMU with a vIOMMU depends on it',
  policy: NET_UPSTREAM,
  expect: {
    I2: { verdict: 'violated', reason: 'an intersecting VMM (crosvm before 4e7d00be) whose guest acks ACCESS_PLATFORM breaks on vhost-net exactly as on vsock' },
  },
};
