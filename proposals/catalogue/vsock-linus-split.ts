// Linus's suggestion in seed 000: a feature bit must not mean two things, so a separate
// vhost-only bit, not ACCESS_PLATFORM, turns the device IOTLB on.

import { bit } from '../../types/bits.ts';
import { VHOST_F_IOTLB_SPLIT } from '../../types/uapi.ts';
import type { Proposal } from '../proposal.ts';
import { NON_IOTLB_VMMS, SEED_VSOCK_LINUS, VSOCK_BEFORE_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-linus-split',
  title: 'vhost-vsock: a separate vhost bit turns the IOTLB on, ACCESS_PLATFORM only describes the guest',
  seeds: [SEED_VSOCK_LINUS],
  commits: [],
  fate: 'rejected',
  history: 'not merged: QEMU already relied on ACCESS_PLATFORM enabling the IOTLB for vhost-net, and crosvm was fixed instead',
  policy: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: true, iotlbEnable: 'separate-bit' } },
  baseline: VSOCK_BEFORE_E13A,
  newBits: { features: bit(VHOST_F_IOTLB_SPLIT) },
  oldVmms: NON_IOTLB_VMMS,
  expect: {
    I2: { verdict: 'holds', reason: 'no VMM that predates the new bit can set it, so none gets the IOTLB by accident' },
    R: { verdict: 'holds', reason: 'an old VMM sees ACCESS_PLATFORM offered, may ack it, and nothing else changes' },
  },
};
