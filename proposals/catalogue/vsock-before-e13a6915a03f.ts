// vhost-vsock before e13a6915a03f: it offered no ACCESS_PLATFORM, so no VMM could turn its IOTLB on.

import type { Proposal } from '../proposal.ts';
import { SEED_VSOCK_LINUS, SEED_VSOCK_WILL, VSOCK_BEFORE_E13A } from './common.ts';

export const proposal: Proposal = {
  id: 'vsock-before-e13a6915a03f',
  title: 'vhost-vsock without ACCESS_PLATFORM (before e13a6915a03f)',
  seeds: [SEED_VSOCK_LINUS, SEED_VSOCK_WILL],
  commits: [],
  fate: 'merged, since replaced',
  history: 'the behaviour up to v5.10; e13a6915a03f added ACCESS_PLATFORM to VHOST_VSOCK_FEATURES in v5.11',
  policy: VSOCK_BEFORE_E13A,
  expect: {
    I2: { verdict: 'holds', reason: 'ACCESS_PLATFORM is never offered, so an intersecting VMM never acks it' },
  },
};
