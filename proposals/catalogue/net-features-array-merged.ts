// 333c515d1896 "vhost-net: allow configuring extended features" as merged (v7 of Paolo Abeni's
// series, with bbca931fce26 offering the UDP tunnel GSO bits 65 and 67): VHOST_GET_FEATURES_ARRAY
// clears the VMM's trailing words with clear_user(argp, ...) where argp has only been moved past
// count, so a count above the kernel's two words wipes the words it has just copied (v4 of the
// series introduced it; v3's loop advanced argp and was right).

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'net-features-array-merged',
  title: 'vhost-net: VHOST_GET/SET_FEATURES_ARRAY as merged (clear_user from features[0])',
  seeds: [],
  commits: ['333c515d1896', 'bbca931fce26'],
  fate: 'merged, since replaced',
  history: 'v6.17 merge window; fixed by "vhost/net: fix clear_user start address in VHOST_GET_FEATURES_ARRAY"',
  policy: { kernel: { device: 'vhost-net', featuresArray: 'clear-at-start' } },
  baseline: { kernel: { device: 'vhost-net', featuresArray: 'absent' } },
  expect: {
    I7: { verdict: 'violated', reason: 'a count of 3 reads features[0] = 0 (no VERSION_1) and leaves features[2] as the VMM left it' },
    R: { verdict: 'holds', reason: 'the 64-bit ioctls answer as before; the array ioctls were unknown, so an old userspace never relied on them' },
  },
};
