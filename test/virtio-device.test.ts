// The guest's virtio device at its edges, by hand on the model and the implementation: FEATURES_OK
// refused for a driver bit above 63 the device does not offer, and config reads outside the config
// space.

import { describe, expect, it } from 'vitest';
import { upstreamGuest, upstreamProfile } from '../generators/profiles.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { GuestProfile } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { onBothSides } from './both-sides.ts';
import { bit } from '../types/bits.ts';

const V1 = bit(U.VIRTIO_F_VERSION_1);
const S_DRIVER = U.VIRTIO_CONFIG_S_ACKNOWLEDGE | U.VIRTIO_CONFIG_S_DRIVER;
const guest = (g: Partial<GuestProfile>): Profile => ({ ...upstreamProfile, guest: { ...upstreamGuest, ...g } });

const run = onBothSides;

describe('FEATURES_OK and the driver\'s words 2 and 3', () => {
  // upstreamGuest offers nothing above 63; driver and device both carry words 2 and 3
  const handshake = (features: bigint): Op[] => [
    { kind: 'STATUS_WRITE', status: S_DRIVER }, { kind: 'FEATURES_WRITE', features },
    { kind: 'STATUS_WRITE', status: S_DRIVER | U.VIRTIO_CONFIG_S_FEATURES_OK }, { kind: 'STATUS_READ' },
  ];
  it.each([['word 2', bit(65)], ['word 3', bit(97)]])('a bit in %s the device does not offer: FEATURES_OK does not stick', (_w, b) => {
    expect(run(guest({}), handshake(V1 | b)).at(-1)).toEqual({ kind: 'value', ret: 0, value: BigInt(S_DRIVER) });
  });
  it('VERSION_1 alone: it does', () => {
    expect(run(guest({}), handshake(V1)).at(-1)).toEqual({ kind: 'value', ret: 0, value: BigInt(S_DRIVER | U.VIRTIO_CONFIG_S_FEATURES_OK) });
  });
});

describe('config reads outside the config space', () => {
  it.each(['modern', 'legacy'] as const)('%s: a negative offset reads 0xff bytes; a width of 0 or less reads nothing', transport => {
    const obs = run(guest({ transport }), [
      { kind: 'CONFIG_READ', offset: -4, width: 4 }, { kind: 'CONFIG_READ', offset: -8, width: 8 },
      { kind: 'CONFIG_READ', offset: 0, width: 0 }, { kind: 'CONFIG_READ', offset: 0, width: -1 },
    ]);
    expect(obs).toEqual([
      { kind: 'config', bytes: 'ffffffff' }, { kind: 'config', bytes: 'ffffffffffffffff' },
      { kind: 'config', bytes: '' }, { kind: 'config', bytes: '' },
    ]);
  });
});
