// e2ae38cf3d91 "vhost: fix hung thread due to erroneous iotlb entries": every size-0 message -EINVAL.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'size0-reject-all',
  title: 'every size-0 IOTLB message is -EINVAL (e2ae38cf3d91)',
  seeds: [SEED_VDPA_RESET],
  commits: ['e2ae38cf3d91'],
  fate: 'merged, since replaced',
  history: 'v5.17; batch hints exempted by 95932ab2ea07, whole-space INVALIDATE by ca50ec377c2e',
  policy: { kernel: { sizeZero: 'reject-all' } },
  baseline: { kernel: { sizeZero: 'accept-all' } },
  expect: {
    I6: { verdict: 'holds', reason: 'malformed UPDATEs are rejected and change nothing' },
    R: { verdict: 'violated', reason: 'old userspace\'s size-0 messages (batch hints, whole-range INVALIDATE) now fail' },
  },
};
