// Extended feature negotiation on the guest side: e7d4c1c5a546 ("virtio: introduce extended
// features": 128-bit dev->features, virtio_get_features zeroing the words a transport without
// get_extended_features cannot read) and 69b946151224 ("virtio_pci_modern: allow configuring
// extended features": device_feature_select / driver_feature_select 0 to 3), on a device with
// select words 2 and 3 (QEMU 10.1's virtio-pci).

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'virtio-pci-extended-features',
  title: 'virtio_pci_modern: feature select words 2 and 3, on a device that has them',
  seeds: [],
  commits: ['e7d4c1c5a546', '69b946151224'],
  fate: 'upstream',
  history: 'v6.17, with vhost-net\'s array ioctls; QEMU 10.1 presents the words',
  policy: { guest: { driverFeatureWords: 4, deviceFeatureWords: 4 } },
  expect: {
    I1: { verdict: 'holds', reason: 'bits 64-127 are read, negotiated and written like the rest: negotiated ⊆ offered ∩ driver, nothing accepted after FEATURES_OK' },
  },
};
