// A guest with 69b946151224 on a device without select words 2 and 3 (QEMU before 10.1:
// virtio_pci_common_read gives device_feature 0 for device_feature_select > 1, and
// virtio_pci_common_write ignores driver_feature with driver_feature_select > 1).

import type { Proposal } from '../proposal.ts';

export const proposal: Proposal = {
  id: 'virtio-pci-extended-guest-old-device',
  title: 'a guest reading feature select words 2 and 3 from a device that has only 0 and 1',
  seeds: [],
  commits: ['69b946151224'],
  fate: 'upstream',
  history: 'a v6.17 guest on QEMU before 10.1',
  policy: { guest: { driverFeatureWords: 4, deviceFeatureWords: 2 } },
  expect: {
    I1: { verdict: 'holds', reason: 'words 2 and 3 read 0, so no bit above 63 is offered, negotiated or written' },
  },
};
