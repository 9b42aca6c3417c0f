// ca50ec377c2e "vhost: Allow null msg.size on VHOST_IOTLB_INVALIDATE": INVALIDATE iova 0 size 0
// means the whole space again (QEMU's whole-range unmap for virtio-iommu).

import type { Proposal } from '../proposal.ts';
import { SEED_VDPA_RESET } from './common.ts';

export const proposal: Proposal = {
  id: 'size0-invalidate-whole-space',
  title: 'size-0 INVALIDATE allowed again: the whole space (ca50ec377c2e, upstream)',
  seeds: [SEED_VDPA_RESET],
  commits: ['ca50ec377c2e'],
  fate: 'upstream',
  history: 'v6.6; only a size-0 UPDATE is refused today',
  policy: { kernel: { sizeZero: 'reject-update' } },
  baseline: { kernel: { sizeZero: 'reject-update-invalidate' } },
  expect: {
    I6: { verdict: 'holds', reason: 'size-0 UPDATEs are still rejected; INVALIDATE iova 0 size 0 removes every map' },
    R: { verdict: 'holds', reason: 'a relaxation: only calls 95932ab2ea07 refused now succeed' },
  },
};
