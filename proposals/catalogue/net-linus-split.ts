// Linus's split asked of vhost-net: a separate bit turns the IOTLB on, ACCESS_PLATFORM no longer does.

import { bit } from '../../types/bits.ts';
import { VHOST_F_IOTLB_SPLIT } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { NET_UPSTREAM, SEED_VSOCK_LINUS } from './common.ts';

export const proposal: Proposal = {
  id: 'net-linus-split',
  title: 'vhost-net: a separate vhost bit turns the IOTLB on instead of ACCESS_PLATFORM',
  seeds: [SEED_VSOCK_LINUS],
  commits: [],
  fate: 'rejected',
  history: 'not proposed for vhost-net: existing QEMU turns the IOTLB on with ACCESS_PLATFORM',
  policy: { kernel: { device: 'vhost-net', iotlbEnable: 'separate-bit' } },
  baseline: NET_UPSTREAM,
  newBits: { features: bit(VHOST_F_IOTLB_SPLIT) },
  expect: {
    I2: { verdict: 'holds', reason: 'no old VMM sets the new bit, so none gets the IOTLB by accident' },
    R: { verdict: 'violated', reason: 'QEMU with a vIOMMU acks ACCESS_PLATFORM and sends IOTLB updates, which now fail: the IOTLB never turns on' },
  },
};
