// "vhost/net: fix clear_user start address in VHOST_GET_FEATURES_ARRAY" (mst's vhost tree,
// 3ae441712f84; stable backports): the trailing words are cleared from features[copied], so a VMM
// with a larger buffer gets the kernel's words followed by zeros, as the comment promised ("Zero
// the trailing space provided by user-space"). On a 64-bit kernel; see net-features-array-32bit-count.

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'net-features-array-fixed',
  title: 'vhost-net: VHOST_GET/SET_FEATURES_ARRAY with the clear_user fix (64-bit kernel)',
  seeds: [],
  commits: ['333c515d1896', 'bbca931fce26', '3ae441712f84'],
  fate: 'upstream',
  history: 'the fix is in mst/vhost and the stable trees; the diff is inferred from its title (research notes, issue 14)',
  policy: { kernel: { device: 'vhost-net', featuresArray: 'clear-after-copied' } },
  baseline: { kernel: { device: 'vhost-net', featuresArray: 'absent' } },
  expect: {
    I7: { verdict: 'holds', reason: 'every count gives the offered words, then zeros, and nothing past count' },
    R: { verdict: 'holds', reason: 'the 64-bit ioctls answer as before; the array ioctls were unknown, so an old userspace never relied on them' },
  },
};
