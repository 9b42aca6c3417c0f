// A 32-bit VMM on a 64-bit kernel writing v1 IOTLB messages (seed 002, Jason: "V1 suffers from
// in-stable ABI in 32bit archs"): struct vhost_msg's union is 4-byte aligned on i386 and 8-byte
// aligned on x86_64, so the kernel reads the body 4 bytes off.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'iotlb-msg-v1-compat',
  title: 'v1 IOTLB messages from a 32-bit VMM on a 64-bit kernel',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'merged, since replaced',
  history: 'the v1 layout is ABI-dependent; struct vhost_msg_v2 (IOTLB_MSG_V2) fixed it, v1 stays the default',
  policy: { kernel: { abi: 'lp64' }, vmm: { userAbi: 'i386', iotlbMsgV2: false } },
  expect: {
    I6: { verdict: 'violated', reason: 'the kernel reads the message 4 bytes off and maps (or refuses) something other than what was written' },
  },
};
