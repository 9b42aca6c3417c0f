// The fix: the same 32-bit VMM writes struct vhost_msg_v2, whose layout is the same on every ABI.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'iotlb-msg-v2-compat',
  title: 'v2 IOTLB messages from a 32-bit VMM on a 64-bit kernel (IOTLB_MSG_V2, upstream)',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'upstream',
  history: 'VHOST_BACKEND_F_IOTLB_MSG_V2: explicit u32 type + u32 asid before the body, so one layout everywhere',
  policy: { kernel: { abi: 'lp64' }, vmm: { userAbi: 'i386', iotlbMsgV2: true } },
  expect: {
    I6: { verdict: 'holds', reason: 'the body sits at offset 8 for every ABI, so the kernel reads what was written' },
  },
};
