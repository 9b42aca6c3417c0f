// Generators for the guest's virtio world (seed 004): guest profiles (endianness, transport,
// probe flow, feature words, config values) and scripts of raw transport ops plus DRIVER_PROBE.

import fc from 'fast-check';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import {
  BLK_VALIDATE_POLICIES, ENDIANS, FEATURE_WORDS, GUEST_DEVICE_TYPES, type GuestConfig, type GuestProfile, PROBE_FLOWS, TRANSITIONAL_CONFIGS, TRANSPORTS,
} from '../types/policy.ts';
import {
  VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_CONFIG_S_ACKNOWLEDGE, VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_FAILED, VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_NOTIF_CONFIG_DATA, VIRTIO_F_RING_PACKED, VIRTIO_F_RING_RESET,
  VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_VSOCK_F_SEQPACKET,
} from '../types/uapi.ts';
import { upstreamProfile } from './profiles.ts';
import { bit, U64_MAX } from '../types/bits.ts';
import { u64Arb } from './u64.ts';


/**
 * Feature bits that matter to probe: VERSION_1 (endianness, FEATURES_OK), ACCESS_PLATFORM
 * (restricted memory), BLK_SIZE (validate), plus kept transport bits, a transport bit the core
 * clears (NOTIF_CONFIG_DATA, 39) and one it never knew (30).
 */
export const GUEST_FEATURE_POOL: readonly number[] = [
  VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SIZE_MAX,
  VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_RING_PACKED, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_F_RING_RESET,
  VIRTIO_F_NOTIF_CONFIG_DATA, 30, VIRTIO_VSOCK_F_SEQPACKET,
];

/** A feature word: a subset of the pool, sometimes with stray u64 bits. */
export const guestFeatureWordArb: fc.Arbitrary<bigint> = fc
  .tuple(
    fc.subarray([...GUEST_FEATURE_POOL]),
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(0n) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 63 }).map(bit) },
      { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
    ),
  )
  .map(([ns, extra]) => ns.reduce((acc, n) => acc | bit(n), extra));

/**
 * Bits above 63 (e7d4c1c5a546): the UDP tunnel GSO pair virtio-net offers (65, 67), their _CSUM
 * bits (66, 68), the ends of the second word (64, 127), any.
 */
export const guestHighWordArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0n) },
  { weight: 3, arbitrary: fc.subarray([65, 66, 67, 68], { minLength: 1 }).map(ns => ns.reduce((acc, n) => acc | bit(n), 0n)) },
  { weight: 1, arbitrary: fc.constantFrom(bit(64), bit(127)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }).map(w => w << 64n) },
);

/** A feature set of up to 128 bits: a word as above and a second word. */
export const guestFeaturesArb: fc.Arbitrary<bigint> = fc.tuple(guestFeatureWordArb, guestHighWordArb).map(([w0, w1]) => w0 | w1);

/** What the device requires: usually nothing, sometimes pool bits it may not get. */
export const deviceRequiresArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 2, arbitrary: guestFeaturesArb },
);

/**
 * blk_size: the usable bounds (512, 4096), out-of-range values (0, 1, 2^32-1, 2^28), values
 * whose byte swap is in range (0x0002_0000 reads as 512 swapped) and anything.
 */
export const blkSizeArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(512, 4096, 0, 1, 0xffff_ffff, 0x1000_0000, 1024, 2048, 0x0002_0000, 0x0010_0000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }) },
);

export const guestConfigArb: fc.Arbitrary<GuestConfig> = fc.record({
  capacity: u64Arb,
  blkSize: blkSizeArb,
  guestCid: fc.oneof({ weight: 1, arbitrary: fc.constant(3n) }, { weight: 2, arbitrary: u64Arb }),
});

/** Pin any field of the guest profile; the rest are drawn. */
export type GuestProfileOverrides = { readonly [K in keyof GuestProfile]?: fc.Arbitrary<GuestProfile[K]> };

export function guestProfileWith(overrides: GuestProfileOverrides = {}): fc.Arbitrary<GuestProfile> {
  return fc.record<GuestProfile>({
    endian: overrides.endian ?? fc.constantFrom(...ENDIANS),
    deviceType: overrides.deviceType ?? fc.constantFrom(...GUEST_DEVICE_TYPES),
    transport: overrides.transport ?? fc.constantFrom(...TRANSPORTS),
    transitionalConfig: overrides.transitionalConfig ?? fc.constantFrom(...TRANSITIONAL_CONFIGS),
    probeFlow: overrides.probeFlow ?? fc.constantFrom(...PROBE_FLOWS),
    blkValidate: overrides.blkValidate ?? fc.constantFrom(...BLK_VALIDATE_POLICIES),
    offered: overrides.offered ?? guestFeaturesArb,
    driverFeatures: overrides.driverFeatures ?? guestFeaturesArb,
    deviceRequires: overrides.deviceRequires ?? deviceRequiresArb,
    restrictedMemory: overrides.restrictedMemory ?? fc.boolean(),
    config: overrides.config ?? guestConfigArb,
    checksFeaturesOk: overrides.checksFeaturesOk ?? fc.constant(true),
    driverFeatureWords: overrides.driverFeatureWords ?? fc.constantFrom(...FEATURE_WORDS),
    deviceFeatureWords: overrides.deviceFeatureWords ?? fc.constantFrom(...FEATURE_WORDS),
  });
}

/** Every guest profile: all flows, transports, endiannesses; an upstream driver (checks FEATURES_OK). */
export const guestProfileArb: fc.Arbitrary<GuestProfile> = guestProfileWith();

/** A whole profile: upstream kernel, VMM and SMMU around a generated guest. */
export function guestStackProfileArb(overrides: GuestProfileOverrides = {}): fc.Arbitrary<Profile> {
  return guestProfileWith(overrides).map(guest => ({ ...upstreamProfile, guest }));
}

const S = {
  ACK: VIRTIO_CONFIG_S_ACKNOWLEDGE, DRIVER: VIRTIO_CONFIG_S_DRIVER, FEATURES_OK: VIRTIO_CONFIG_S_FEATURES_OK,
  DRIVER_OK: VIRTIO_CONFIG_S_DRIVER_OK, NEEDS_RESET: VIRTIO_CONFIG_S_NEEDS_RESET, FAILED: VIRTIO_CONFIG_S_FAILED,
};

/** Status bytes: the spec §3.1.1 sequence first, then any combination of status bits, then any byte. */
export const statusValueArb: fc.Arbitrary<number> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      0, S.ACK, S.ACK | S.DRIVER, S.ACK | S.DRIVER | S.FEATURES_OK, S.ACK | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK,
      S.ACK | S.DRIVER | S.DRIVER_OK, S.ACK | S.DRIVER | S.FAILED,
    ),
  },
  { weight: 2, arbitrary: fc.subarray(Object.values(S)).map(bs => bs.reduce((a, b) => a | b, 0)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xff }) },
);

/** Driver features a raw script writes: VERSION_1 alone, pool subsets, anything. */
const writtenFeaturesArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(bit(VIRTIO_F_VERSION_1)) },
  { weight: 3, arbitrary: guestFeatureWordArb },
);

export const guestOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'DEVICE_RESET' }) },
  { weight: 3, arbitrary: statusValueArb.map((status): Op => ({ kind: 'STATUS_WRITE', status })) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'STATUS_READ' }) },
  { weight: 3, arbitrary: writtenFeaturesArb.map((features): Op => ({ kind: 'FEATURES_WRITE', features })) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'FEATURES_READ' }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ offset: fc.integer({ min: 0, max: 40 }), width: fc.constantFrom(1, 2, 4, 8) })
      .map(({ offset, width }): Op => ({ kind: 'CONFIG_READ', offset, width })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'DEVICE_NEEDS_RESET' }) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'DRIVER_PROBE' }) },
);

export function guestScriptArb(maxLength = 12): fc.Arbitrary<Op[]> {
  return fc.array(guestOpArb, { minLength: 1, maxLength });
}
