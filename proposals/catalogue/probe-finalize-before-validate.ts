// Halil Pasic's RFC "virtio: write back features before verify": finalize_features before
// validate when VERSION_1 is offered, then again after.

import type { Proposal } from '../proposal.ts';
import { SEED_PROBE } from './common.ts';

export const proposal: Proposal = {
  id: 'probe-finalize-before-validate',
  title: 'finalize features before validate, and again after (RFC)',
  seeds: [SEED_PROBE],
  commits: [],
  fate: 'rejected',
  history: 'Cornelia: "We end up calling ->finalize_features twice"; superseded by 2f9a174f918e and then mst\'s flow',
  policy: { guest: { probeFlow: 'finalize-before-validate' } },
  expect: {
    I1: { verdict: 'holds', reason: 'validate still only clears; the second write is a subset of the first' },
    I3: { verdict: 'holds', reason: 'the device has seen VERSION_1 before validate reads config (the objection, side effects of a bit written then cleared, is outside the model)' },
  },
};
