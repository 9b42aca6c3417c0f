// 95932ab2ea07 "vhost: allow batching hint without size": only UPDATE and INVALIDATE need a size.

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'size0-exempt-batch',
  title: 'size-0 batch hints allowed again (95932ab2ea07)',
  seeds: [SEED_VDPA_RESET],
  commits: ['95932ab2ea07'],
  fate: 'merged, since replaced',
  history: 'v5.17; INVALIDATE size 0 allowed again by ca50ec377c2e',
  policy: { kernel: { sizeZero: 'reject-update-invalidate' } },
  baseline: { kernel: { sizeZero: 'reject-all' } },
  expect: {
    I6: { verdict: 'holds', reason: 'size-0 UPDATEs are still rejected' },
    R: { verdict: 'holds', reason: 'a relaxation: only calls e2ae38cf3d91 refused now succeed' },
  },
};
