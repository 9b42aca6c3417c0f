// The device's side of feature negotiation: which interface it presents, what it offers, and
// whether it accepts the driver's features when the driver sets FEATURES_OK.

import type { GuestProfile } from '../../types/policy.ts';
import { VIRTIO_F_VERSION_1 } from '../../types/uapi.ts';
import { U128_MASK, U32_MASK, isSubset } from './featureBits.ts';
import { U64_MAX, bit, hasBit } from '../../types/bits.ts';

export type DeviceTransport = GuestProfile['transport'];

/**
 * The interface the device presents. virtio-vsock has no legacy interface (spec 1.3 §5.10 has no
 * "Legacy Interface" subsection; QEMU vhost-vsock-pci calls virtio_pci_force_virtio_1), so a
 * vsock device is modern whatever the profile says.
 */
export function deviceTransport(guest: GuestProfile): DeviceTransport {
  return guest.deviceType === 'vsock' ? 'modern' : guest.transport;
}

/**
 * Width of the feature registers for `words` select words: legacy virtio-pci has one 32-bit word
 * ("Legacy Interfaces: A Note on PCI Device Layout"); a modern interface carries word
 * device_feature_select / driver_feature_select = i for bits 32i..32i+31 (spec 1.3 §4.1.4.3).
 */
export function featureWordMask(transport: DeviceTransport, words: GuestProfile['deviceFeatureWords']): bigint {
  return transport === 'legacy' ? U32_MASK : words === 4 ? U128_MASK : U64_MAX;
}

/** The bits the device presents and stores: its select words. */
export function deviceFeatureMask(guest: GuestProfile): bigint {
  return featureWordMask(deviceTransport(guest), guest.deviceFeatureWords);
}

/**
 * The bits the guest's transport reads and writes: its select words (a select word the device
 * does not implement reads 0, and a write there is dropped, so the narrower side decides).
 */
export function driverFeatureMask(guest: GuestProfile): bigint {
  return featureWordMask(deviceTransport(guest), guest.driverFeatureWords);
}

/**
 * Device features offered. Modern and transitional devices MUST offer VERSION_1 (spec 1.3 §6,
 * "A device MUST offer VIRTIO_F_VERSION_1"; §2.2.3 transitional devices offer it too); a legacy
 * device cannot (bit 32 does not exist in its 32-bit register).
 */
export function offeredFeatures(guest: GuestProfile): bigint {
  const transport = deviceTransport(guest);
  const word = guest.offered & deviceFeatureMask(guest);
  return transport === 'legacy' ? word & ~bit(VIRTIO_F_VERSION_1) : word | bit(VIRTIO_F_VERSION_1);
}

/**
 * Whether the FEATURES_OK handshake applies to the driver's features at all. Legacy devices have
 * no FEATURES_OK (spec 1.3 §3.1.2: legacy drivers skip steps 5-6), and a transitional device
 * whose driver did not acknowledge VERSION_1 is talking to a legacy driver (spec §2.2.3
 * "Transitional devices MUST detect Legacy drivers by detecting that VIRTIO_F_VERSION_1 has not
 * been acknowledged"). QEMU agrees: virtio_set_status validates only when VERSION_1 is in
 * guest_features, otherwise the bit is stored as written.
 */
export function featuresOkHandshakeApplies(transport: DeviceTransport, driverFeatures: bigint): boolean {
  if (transport === 'legacy') return false;
  if (transport === 'transitional') return hasBit(driverFeatures, VIRTIO_F_VERSION_1);
  return true;
}

/**
 * Whether the device keeps FEATURES_OK set: the driver's features are a subset of what was
 * offered (spec §2.2.1 "MUST NOT accept a feature which the device did not offer"), include what
 * the device requires and VERSION_1 (spec §2.2.2: the device "MUST fail to set the FEATURES_OK
 * device status bit" for a subset it does not accept; §6: a non-transitional device "MAY fail
 * to operate further if VIRTIO_F_VERSION_1 is not accepted").
 */
export function acceptsDriverFeatures(offered: bigint, required: bigint, driverFeatures: bigint): boolean {
  return isSubset(driverFeatures, offered)
    && isSubset(required, driverFeatures)
    && hasBit(driverFeatures, VIRTIO_F_VERSION_1);
}
