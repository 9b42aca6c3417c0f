// Today's upstream flow (mst, Jan 2022, "virtio: acknowledge all features before access"):
// write the features before validate, and again if validate changed them.

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-ack-before-access',
  title: 'acknowledge all features before access (upstream)',
  seeds: [SEED_PROBE],
  commits: ['c4f269601734'],
  fate: 'upstream',
  history: 'merged for v5.17 (c4f269601734); drivers/virtio/virtio.c virtio_dev_probe today',
  policy: { guest: { probeFlow: 'ack-before-access' } },
  expect: {
    I1: { verdict: 'holds', reason: 'validate only clears; the rewrite is a subset' },
    I3: { verdict: 'holds', reason: 'every config read follows a features write, with or without a validate that reads blk_size' },
  },
};
