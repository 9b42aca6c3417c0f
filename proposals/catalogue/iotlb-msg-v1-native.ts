// v1 IOTLB messages where userspace and kernel share the ABI (why most userspace never noticed).

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'iotlb-msg-v1-native',
  title: 'v1 IOTLB messages from a VMM built for the kernel\'s own ABI',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'upstream',
  history: 'still the default when IOTLB_MSG_V2 is not acked: "most of the userspace survives since it never runs on 32bit archs"',
  policy: { vmm: { iotlbMsgV2: false } },
  expect: {
    I6: { verdict: 'holds', reason: 'with userAbi = kernel ABI (the scope\'s default) both sides agree on the v1 layout' },
  },
};
