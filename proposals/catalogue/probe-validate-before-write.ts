// 82e89ea077b9's blk_size validation in the flow of the time: validate() reads config before any
// feature is written (seed 004, the s390 regression).

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-validate-before-write',
  title: 'virtio-blk validate reads blk_size before features are written (82e89ea077b9)',
  seeds: [SEED_PROBE],
  commits: ['82e89ea077b9'],
  fate: 'merged, since replaced',
  history: 'v5.15-rc; broke s390 with QEMU transitional devices',
  policy: { guest: { probeFlow: 'validate-before-write', blkValidate: 'blk-size' } },
  expect: {
    I1: { verdict: 'holds', reason: 'validate only ever clears BLK_SIZE' },
    I3: { verdict: 'violated', reason: 'a BE guest reads a transitional device\'s config before VERSION_1 is written and decodes blk_size in the wrong byte order' },
  },
};
