// ff63198850f3: the blk_size validation reverted.

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-revert-blk-size-validate',
  title: 'revert the blk_size validation',
  seeds: [SEED_PROBE],
  commits: ['ff63198850f3'],
  fate: 'upstream',
  history: 'merged; virtio-blk has no validate() since',
  policy: { guest: { probeFlow: 'validate-before-write', blkValidate: 'none' } },
  expect: {
    I1: { verdict: 'holds', reason: 'no validate, nothing cleared' },
    I3: { verdict: 'holds', reason: 'config is read only after FEATURES_OK' },
  },
};
