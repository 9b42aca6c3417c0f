// A guest before 69b946151224 (or on a transport without get_extended_features: virtio_get_features
// zeroes the words above 63) on a device that offers bits above 63 (QEMU 10.1's virtio-net with the
// UDP tunnel offloads).

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'virtio-pci-old-guest-extended-device',
  title: 'a guest that reads feature select words 0 and 1 only, from a device that offers bits above 63',
  seeds: [],
  commits: ['e7d4c1c5a546'],
  fate: 'upstream',
  history: 'a guest before v6.17, or virtio-mmio / virtio-ccw today, on QEMU 10.1',
  policy: { guest: { driverFeatureWords: 2, deviceFeatureWords: 4 } },
  expect: {
    I1: { verdict: 'holds', reason: 'the driver never sees words 2 and 3, so it acks nothing there and the device keeps nothing there' },
  },
};
