// Policy fragments and userspaces several catalogue entries share.

import type { PolicyPatch } from '../../types/profile.ts';
import { qemuNoIommu } from '../../properties/i2-no-silent-iotlb.ts';
import { crosvmFixed, crosvmOld } from '../../generators/profiles.ts';

export const SEED_VSOCK_LINUS = '000_701fd102af9e2e59.txt';
export const SEED_VSOCK_WILL = '001_082908fde87eb884.txt';
export const SEED_VDPA_RESET = '002_7f436d30332a3d9f.txt';
export const SEED_HW_INFO = '003_9bbe31794be3e53c.txt';
export const SEED_PROBE = '004_c7d0dbbf67665f81.txt';

/** vhost-vsock before e13a6915a03f: no ACCESS_PLATFORM offered. */
export const VSOCK_BEFORE_E13A: PolicyPatch = {
  kernel: { device: 'vhost-vsock', vsockAccessPlatform: false, iotlbEnable: 'access-platform' },
};

/** vhost-vsock since e13a6915a03f (v5.11): ACCESS_PLATFORM offered, and acking it turns the IOTLB on. */
export const VSOCK_E13A: PolicyPatch = {
  kernel: { device: 'vhost-vsock', vsockAccessPlatform: true, iotlbEnable: 'access-platform' },
};

/** vhost-net as it has been since the device IOTLB (6b1e6cc7855b, v4.8). */
export const NET_UPSTREAM: PolicyPatch = { kernel: { device: 'vhost-net', iotlbEnable: 'access-platform' } };

/**
 * Seeds 000/001 judge by VMMs that do not speak the IOTLB protocol: a QEMU with a vIOMMU does,
 * and answers MISS messages, which the model's scripts do not do for it.
 */
export const NON_IOTLB_VMMS = [crosvmOld, crosvmFixed, qemuNoIommu];

/** vhost-vdpa before v6.7: plain .reset, whatever the parent does with the maps; no IOTLB_PERSIST to ack. */
export const VDPA_BEFORE_V6_7: PolicyPatch = { kernel: { device: 'vhost-vdpa', vdpaReset: 'plain-reset' } };
