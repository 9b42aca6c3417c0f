// Halil's band-aid in seed 004: compile the blk_size check out on s390.

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-no-validate-on-s390',
  title: 'compile the blk_size validation out on s390 (big-endian)',
  seeds: [SEED_PROBE],
  commits: [],
  fate: 'rejected',
  history: 'Cornelia wanted something more generic than "exclude for s390"',
  policy: { guest: { probeFlow: 'validate-before-write', blkValidate: 'blk-size-not-on-be' } },
  expect: {
    I1: { verdict: 'holds', reason: 'validate only clears where it still runs' },
    I3: { verdict: 'holds', reason: 'little-endian guests read the same bytes either way; BE guests no longer read before FEATURES_OK' },
  },
};
