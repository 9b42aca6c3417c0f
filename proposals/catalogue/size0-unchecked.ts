// vhost_chr_write_iter before e2ae38cf3d91: no size check, so UPDATE iova 0 size 0 computes
// last = 0 - 1 and maps all of [0, 2^64-1] (the syzbot report).

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'size0-unchecked',
  title: 'size-0 IOTLB messages unchecked (before e2ae38cf3d91)',
  seeds: [SEED_VDPA_RESET],
  commits: [],
  fate: 'merged, since replaced',
  history: 'up to v5.16; e2ae38cf3d91 (v5.17) rejected size 0',
  policy: { kernel: { sizeZero: 'accept-all' } },
  expect: {
    I6: { verdict: 'violated', reason: 'a size-0 UPDATE is accepted (iova 0: the whole space is mapped)' },
  },
};
