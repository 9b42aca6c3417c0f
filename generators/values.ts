// The small value sets explore scopes are built from, shared by several properties: the guest's
// world (I1, I3) and the u64 edges of IOVAs and sizes (I2, I4, I6). Each set is the finite
// counterpart of a fast-check arbitrary in generators/, kept to its edges.

import { GUEST_RAM_HVA } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { GuestConfig, GuestProfile, ProbeFlow } from '../types/policy.ts';
import { hex } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { GUEST_FEATURE_POOL } from './guest.ts';
import { U64_MAX, bit, bits } from '../types/bits.ts';
import { axis, describeAxes, labelled, product, type Axis, type ValueLevel } from './scope.ts';
import { upstreamGuest, upstreamProfile } from './profiles.ts';

/** The values a level keeps: `narrow` ⊆ `default` ⊆ `wide`, each list adding to the one before. */
export function byLevel<T>(level: ValueLevel, narrow: readonly T[], more: readonly T[] = [], wide: readonly T[] = []): T[] {
  return level === 'narrow' ? [...narrow] : level === 'default' ? [...narrow, ...more] : [...narrow, ...more, ...wide];
}

export const PAGE = 0x1000n;
/** where maps point: the VMM's guest RAM (above a 32-bit kernel's user limit) */
export const HVA = GUEST_RAM_HVA;
/** where maps point when the kernel may be 32-bit: below its 0xC0000000 user limit */
export const UADDR32 = 0x1000_0000n;

// --- the guest (I1, I3) ----------------------------------------------------------------------


const POOL = GUEST_FEATURE_POOL.reduce((a, b) => a | bit(b), 0n);
/** a device-specific bit (spec §2.2: 50-127) no modelled device offers */
const UNMEETABLE = bit(50);

/** The UDP tunnel GSO bits (65, 67): virtio-net's first feature bits above 63. */
const TUNNEL = bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) | bit(U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO);

/** The feature sets of a guest profile, and the select words each side carries (upstreamGuest's unless given). */
type FeatureSets = Pick<GuestProfile, 'offered' | 'driverFeatures' | 'deviceRequires'> &
  Partial<Pick<GuestProfile, 'driverFeatureWords' | 'deviceFeatureWords'>>;

/** Feature words: what the device offers, what the driver knows, what the device requires. */
function featureSets(level: ValueLevel): Axis<FeatureSets> {
  const upstream = { offered: upstreamGuest.offered, driverFeatures: upstreamGuest.driverFeatures, deviceRequires: 0n };
  return byLevel<readonly [string, FeatureSets]>(level,
    [['upstream blk', upstream]],
    [
      // every bit that matters to probe, the transport bits the core clears (39) or never knew (30) included
      ['every pool bit', { offered: POOL, driverFeatures: POOL, deviceRequires: 0n }],
      // FEATURES_OK refused: the failed-probe path
      ['unmeetable requirement', { ...upstream, deviceRequires: UNMEETABLE }],
      // bits above 63 (69b946151224): both sides with select words 2 and 3, then either without
      ['bits 65, 67 (4 words each side)', { ...upstream, offered: upstream.offered | TUNNEL, driverFeatures: upstream.driverFeatures | TUNNEL }],
      ['bits 65, 67, a device with 2 words', { ...upstream, offered: upstream.offered | TUNNEL, driverFeatures: upstream.driverFeatures | TUNNEL, deviceFeatureWords: 2 }],
      ['bits 65, 67, a driver with 2 words', { ...upstream, offered: upstream.offered | TUNNEL, driverFeatures: upstream.driverFeatures | TUNNEL, driverFeatureWords: 2 }],
    ],
    [
      ['driver knows nothing', { ...upstream, driverFeatures: 0n }],
      ['every u64 bit', { offered: U64_MAX, driverFeatures: U64_MAX, deviceRequires: bit(U.VIRTIO_F_ACCESS_PLATFORM) }],
    ],
  );
}

/** Config values: upstream; byte-asymmetric ones (a swap changes them); out of range. */
function configs(level: ValueLevel): Axis<GuestConfig> {
  const show = (c: GuestConfig): string => `capacity ${hex(c.capacity)} blk_size ${hex(c.blkSize)} cid ${hex(c.guestCid)}`;
  return labelled(show, byLevel<GuestConfig>(level,
    [upstreamGuest.config],
    [{ capacity: 0x0102_0304_0506_0708n, blkSize: 512, guestCid: 0x0102_0304_0506_0708n }],
    [
      // 0x0002_0000 reads as 512 swapped; 0 and all ones are out of range
      { capacity: 0n, blkSize: 0x0002_0000, guestCid: U64_MAX },
      { capacity: U64_MAX, blkSize: 0xffff_ffff, guestCid: 0n },
    ],
  ));
}

/**
 * The guest profiles of a scope: every endianness, device, transport, transitional rule,
 * validate policy and restricted-memory setting, with the given probe flows; feature words and
 * config values per level. The driver honours a refused FEATURES_OK (as guestProfileArb's does).
 */
export function guestProfiles(level: ValueLevel, flows: readonly ProbeFlow[]): { profiles: Profile[]; line: string } {
  const axes = {
    endian: axis<GuestProfile['endian']>('le', 'be'),
    deviceType: axis<GuestProfile['deviceType']>('blk', 'vsock'),
    transport: axis<GuestProfile['transport']>('modern', 'transitional', 'legacy'),
    transitionalConfig: axis<GuestProfile['transitionalConfig']>('native-until-version1-written', 'le-if-offered'),
    probeFlow: axis(...flows),
    blkValidate: axis<GuestProfile['blkValidate']>('blk-size', 'blk-size-not-on-be', 'none'),
    restrictedMemory: axis(false, true),
    features: featureSets(level),
    config: configs(level),
  };
  const profiles = product(axes).map(({ features, ...g }): Profile => ({
    ...upstreamProfile, guest: { ...upstreamGuest, ...g, ...features, checksFeaturesOk: true },
  }));
  return { profiles, line: `guest: ${describeAxes(axes)}; checksFeaturesOk = true` };
}

const S = {
  ACK: U.VIRTIO_CONFIG_S_ACKNOWLEDGE, DRIVER: U.VIRTIO_CONFIG_S_DRIVER, FEATURES_OK: U.VIRTIO_CONFIG_S_FEATURES_OK,
  DRIVER_OK: U.VIRTIO_CONFIG_S_DRIVER_OK, FAILED: U.VIRTIO_CONFIG_S_FAILED,
};

/** The guest's transport ops and the whole probe: the spec §3.1.1 status steps, feature writes, reads. */
export function guestAlphabet(level: ValueLevel): Op[] {
  return byLevel<Op>(level,
    [
      { kind: 'DRIVER_PROBE' },
      { kind: 'DEVICE_RESET' },
      { kind: 'FEATURES_WRITE', features: bit(U.VIRTIO_F_VERSION_1) },
      { kind: 'STATUS_WRITE', status: S.ACK | S.DRIVER | S.FEATURES_OK },
      { kind: 'STATUS_READ' },
      { kind: 'FEATURES_READ' },
    ],
    [
      { kind: 'STATUS_WRITE', status: S.ACK | S.DRIVER },
      { kind: 'STATUS_WRITE', status: S.ACK | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK },
      { kind: 'FEATURES_WRITE', features: 0n },
      { kind: 'FEATURES_WRITE', features: POOL },
      { kind: 'DEVICE_NEEDS_RESET' },
    ],
    [
      { kind: 'STATUS_WRITE', status: 0 },
      { kind: 'STATUS_WRITE', status: S.ACK | S.DRIVER | S.FAILED },
      { kind: 'STATUS_WRITE', status: 0xff },
      { kind: 'FEATURES_WRITE', features: U64_MAX },
      // capacity, and blk_size (offset 20): config reads in both widths the fields have
      { kind: 'CONFIG_READ', offset: 0, width: 8 },
      { kind: 'CONFIG_READ', offset: 20, width: 4 },
    ],
  );
}

// --- IOVAs, sizes, IOTLB messages (I2, I4, I6) -------------------------------------------------

export const AP = bits(U.VIRTIO_F_ACCESS_PLATFORM);
