// The guest virtio core's view of features (drivers/virtio/virtio.c, virtio_ring.c,
// virtio_pci_modern.c): which transport bits it keeps, dev->features before the first write,
// and the byte order it decodes config with.

import {
  VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_ADMIN_VQ, VIRTIO_F_IN_ORDER, VIRTIO_F_NOTIFICATION_DATA,
  VIRTIO_F_ORDER_PLATFORM, VIRTIO_F_RING_PACKED, VIRTIO_F_RING_RESET, VIRTIO_F_SR_IOV, VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC,
} from '../../types/uapi.ts';
import { bit, bits, hasBit } from '../../types/bits.ts';

/** include/uapi/linux/virtio_config.h: VIRTIO_TRANSPORT_F_START 28, VIRTIO_TRANSPORT_F_END 42 (after ADMIN_VQ). */
export const VIRTIO_TRANSPORT_F_START = 28;
export const VIRTIO_TRANSPORT_F_END = 42;

/** Bits [START, END): the core always copies the offered ones into dev->features (virtio_dev_probe). */
export const TRANSPORT_FEATURE_RANGE: bigint = (bit(VIRTIO_TRANSPORT_F_END) - 1n) & ~(bit(VIRTIO_TRANSPORT_F_START) - 1n);

/**
 * Transport bits that survive finalize_features. vring_transport_features (virtio_ring.c) keeps
 * INDIRECT_DESC, EVENT_IDX, VERSION_1, ACCESS_PLATFORM, RING_PACKED, ORDER_PLATFORM,
 * NOTIFICATION_DATA and IN_ORDER (added with the in-order virtqueue series) and clears the rest
 * of the range; virtio-pci's vp_transport_features then sets back SR_IOV (when the function has
 * the SR-IOV capability, assumed for a device that offers it), RING_RESET and ADMIN_VQ.
 * NOTIF_CONFIG_DATA (39), bits 30-31 and any other bit of the range are cleared.
 */
export const CORE_TRANSPORT_FEATURES: bigint = bits(
  VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_RING_PACKED, VIRTIO_F_ORDER_PLATFORM, VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_IN_ORDER,
  VIRTIO_F_SR_IOV, VIRTIO_F_RING_RESET, VIRTIO_F_ADMIN_VQ,
);

/**
 * dev->features before the first finalize (virtio_dev_probe): driver features ∩ device features
 * (the driver has no separate legacy table, so driver_features_legacy = driver_features), plus
 * every transport bit the device offers ("Transport features always preserved to pass to
 * finalize_features").
 */
export function initialDevFeatures(deviceFeatures: bigint, driverFeatures: bigint): bigint {
  return (deviceFeatures & driverFeatures) | (deviceFeatures & TRANSPORT_FEATURE_RANGE);
}

/** What finalize_features leaves in dev->features: transport bits the core does not understand are cleared. */
export function filterTransportFeatures(features: bigint): bigint {
  return features & ~(TRANSPORT_FEATURE_RANGE & ~CORE_TRANSPORT_FEATURES);
}

/**
 * virtio_is_little_endian (include/linux/virtio_config.h): VERSION_1 in dev->features, or a
 * little-endian guest (virtio_legacy_is_little_endian, include/linux/virtio_byteorder.h).
 */
export function virtioIsLittleEndian(devFeatures: bigint, guestEndian: 'le' | 'be'): boolean {
  return hasBit(devFeatures, VIRTIO_F_VERSION_1) || guestEndian === 'le';
}
