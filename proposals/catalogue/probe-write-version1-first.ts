// 2f9a174f918e "virtio: write back F_VERSION_1 before validate": BE guests write VERSION_1 alone first.

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-write-version1-first',
  title: 'write back VERSION_1 before validate (2f9a174f918e)',
  seeds: [SEED_PROBE],
  commits: ['2f9a174f918e'],
  fate: 'merged, since replaced',
  history: 'merged for v5.15; replaced by "acknowledge all features before access" (mst, Jan 2022)',
  policy: { guest: { probeFlow: 'write-version1-first' } },
  expect: {
    I1: { verdict: 'holds', reason: 'validate still only clears' },
    I3: { verdict: 'holds', reason: 'a transitional device switches to little-endian once VERSION_1 is written, before validate reads' },
  },
};
