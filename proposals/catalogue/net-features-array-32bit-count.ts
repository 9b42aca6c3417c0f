// The same code on a 32-bit kernel: size_mul(size_t, size_t) takes the u64 count - copied as a
// 32-bit size_t, so a count of 2^32 + 2 becomes a clear of 0 bytes and the call succeeds with the
// VMM's trailing words untouched (and 2^32 + 3 clears one word). Derived from the C types of
// size_mul (include/linux/overflow.h) and the merged vhost_net_ioctl; not reported upstream.

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'net-features-array-32bit-count',
  title: 'vhost-net on a 32-bit kernel: VHOST_GET_FEATURES_ARRAY truncates count - copied to size_t',
  seeds: [],
  commits: ['333c515d1896', '3ae441712f84'],
  fate: 'upstream',
  history: 'found by negcheck (I7 over the proposal scope); size_mul since v6 of the series',
  // a VMM built for the kernel's ABI (as on a 32-bit host)
  policy: { kernel: { device: 'vhost-net', featuresArray: 'clear-after-copied', abi: 'i386', accessOk: 'x86-32' }, vmm: { userAbi: 'i386' } },
  expect: {
    I7: { verdict: 'violated', reason: 'count 2^32 + 2 returns 0 with features[2..] not zeroed' },
    I6: { verdict: 'holds', reason: 'the IOTLB messages of a VMM built for the same 32-bit ABI are read as written' },
  },
};
