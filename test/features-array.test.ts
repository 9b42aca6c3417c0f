// vhost-net's VHOST_GET/SET_FEATURES_ARRAY (333c515d1896), by hand, on the model and the
// implementation: what each count copies, clears and refuses, before and after the clear_user
// fix, the 64-bit ioctls beside them, and the unknown-ioctl path on other devices and old kernels.

import { describe, expect, it } from 'vitest';
import { createModelStack } from '../model/stack.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { FEATURES_ARRAY_ADDR } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { FeaturesArrayRule, KernelPolicy } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { onBothSides } from './both-sides.ts';
import { bit } from '../types/bits.ts';

const profile = (kernel: Partial<KernelPolicy>): Profile => ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-net', ...kernel } });
const FILL = 0x5a5a_5a5a_5a5a_5a5an;
const AP = bit(U.VIRTIO_F_ACCESS_PLATFORM);

/** Both sides, the same answers: the observation of the last op. */
const last = (p: Profile, ops: readonly Op[]): Observation => onBothSides(p, ops).at(-1)!;

const get = (count: bigint, fill = FILL): Op => ({ kind: 'GET_FEATURES_ARRAY', count, fill });
const set = (count: bigint, words: bigint[]): Op => ({ kind: 'SET_FEATURES_ARRAY', count, words });

describe('VHOST_GET_FEATURES_ARRAY on vhost-net', () => {
  const W0 = (createModelStack(profile({})).apply({ kind: 'GET_FEATURES' }) as { value: bigint }).value;
  const W1 = bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO - 64) | bit(U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO - 64);

  it('word 1 is the UDP tunnel GSO bits (65, 67); VHOST_GET_FEATURES still gives word 0 alone', () => {
    expect(W1).toBe(0xan);
    expect(W0 >> 64n).toBe(0n);
    expect(last(profile({}), [get(2n)])).toEqual({ kind: 'features-array', ret: 0, words: [W0, W1, FILL, FILL] });
  });

  // per count, as merged (clear_user from features[0]) and fixed (from features[copied])
  const rows: readonly [count: bigint, rule: FeaturesArrayRule, ret: number, words: readonly bigint[]][] = [
    [0n, 'clear-at-start', 0, [FILL, FILL, FILL, FILL]],
    [1n, 'clear-at-start', 0, [W0, FILL, FILL, FILL]],
    [2n, 'clear-at-start', 0, [W0, W1, FILL, FILL]],
    // as merged: the clear starts at features[0] and is count - 2 words long
    [3n, 'clear-at-start', 0, [0n, W1, FILL, FILL]],
    [4n, 'clear-at-start', 0, [0n, 0n, FILL, FILL]],
    [5n, 'clear-at-start', 0, [0n, 0n, 0n, FILL]],
    [3n, 'clear-after-copied', 0, [W0, W1, 0n, FILL]],
    [4n, 'clear-after-copied', 0, [W0, W1, 0n, 0n]],
    // past the VMM's four words: those it has are cleared, then -EFAULT
    [5n, 'clear-after-copied', -U.EFAULT, [W0, W1, 0n, 0n]],
    // a byte count that overflows: size_mul saturates, access_ok fails, nothing is cleared
    [(1n << 61n) + 2n, 'clear-after-copied', -U.EFAULT, [W0, W1, FILL, FILL]],
    [(1n << 64n) - 1n, 'clear-at-start', -U.EFAULT, [W0, W1, FILL, FILL]],
  ];
  for (const [count, rule, ret, words] of rows) {
    it(`count ${count}, ${rule}: ${ret === 0 ? 'ok' : 'EFAULT'}, buffer as the VMM sees it`, () => {
      expect(last(profile({ featuresArray: rule }), [get(count)])).toEqual({ kind: 'features-array', ret, words });
    });
  }

  it('on s390 (access_ok always true) an overflowing count clears up to the end of the buffer, then faults', () => {
    const o = last(profile({ featuresArray: 'clear-after-copied', accessOk: 'alternate-address-space' }), [get((1n << 64n) - 1n)]);
    expect(o).toEqual({ kind: 'features-array', ret: -U.EFAULT, words: [W0, W1, 0n, 0n] });
  });

  // access_ok(&features[start], 8 * (count - 2)) at its edge: the range ends exactly at the user
  // limit (passes: the VMM's words from `start` are cleared, then the unmapped rest faults) or one
  // word past it (refused: nothing cleared); start is 0 as merged, 2 once fixed
  const LIMITS = [['lp64', 'x86-64', (1n << 47n) - 4096n], ['i386', 'x86-32', 0xc000_0000n]] as const;
  for (const [abi, accessOk, limit] of LIMITS) {
    for (const [rule, start] of [['clear-at-start', 0n], ['clear-after-copied', 2n]] as const) {
      const words = (limit - FEATURES_ARRAY_ADDR - 8n - 8n * start) / 8n;
      it(`${abi}, ${rule}: a clear ending at the user limit clears, one word longer is refused`, () => {
        const p = profile({ featuresArray: rule, abi, accessOk });
        const cleared = start === 0n ? [0n, 0n, 0n, 0n] : [W0, W1, 0n, 0n];
        expect(last(p, [get(words + 2n)])).toEqual({ kind: 'features-array', ret: -U.EFAULT, words: cleared });
        expect(last(p, [get(words + 3n)])).toEqual({ kind: 'features-array', ret: -U.EFAULT, words: [W0, W1, FILL, FILL] });
      });
    }
  }

  it('a 32-bit kernel\'s size_mul saturates: 2^29 words past the copied ones are SIZE_MAX bytes, refused', () => {
    const o = last(profile({ featuresArray: 'clear-after-copied', abi: 'i386', accessOk: 'x86-32' }), [get((1n << 29n) + 2n)]);
    expect(o).toEqual({ kind: 'features-array', ret: -U.EFAULT, words: [W0, W1, FILL, FILL] });
  });

  it('a 32-bit kernel converts count - copied to its size_t: 2^32 + 2 clears nothing and succeeds', () => {
    const o = last(profile({ featuresArray: 'clear-after-copied', abi: 'i386', accessOk: 'x86-32' }), [get((1n << 32n) + 2n)]);
    expect(o).toEqual({ kind: 'features-array', ret: 0, words: [W0, W1, FILL, FILL] });
  });
});

describe('VHOST_SET_FEATURES_ARRAY on vhost-net', () => {
  const p = profile({});
  it('acks both words; word 0 decides the device IOTLB as the 64-bit ioctl does', () => {
    expect(last(p, [set(2n, [AP, 0xan]), { kind: 'VQ_ACCESS', iova: 0n, len: 1, access: 1 }])).toMatchObject({ kind: 'access', outcome: 'miss' });
    expect(last(p, [set(2n, [0n, 0xan])])).toMatchObject({ ret: 0 });
  });

  it('refuses unknown bits in either word, and any nonzero word past the kernel\'s, before acking anything', () => {
    expect(last(p, [set(2n, [0n, 0x4n])])).toMatchObject({ ret: -U.EOPNOTSUPP }); // bit 66: _CSUM, not offered
    expect(last(p, [set(2n, [bit(63), 0n])])).toMatchObject({ ret: -U.EOPNOTSUPP });
    expect(last(p, [set(3n, [0n, 0n, 1n])])).toMatchObject({ ret: -U.EOPNOTSUPP });
    // nothing was acked: ACCESS_PLATFORM with a bad word 2 leaves the IOTLB off
    expect(last(p, [set(3n, [AP, 0n, 1n]), { kind: 'VQ_ACCESS', iova: 0n, len: 1, access: 1 }])).toMatchObject({ kind: 'access', outcome: 'ok' });
  });

  it('reads every counted word past the kernel\'s, one by one: past the buffer -EFAULT (before the unknown-bits check)', () => {
    expect(last(p, [set(5n, [0n, 0n])])).toMatchObject({ ret: -U.EFAULT });
    expect(last(p, [set((1n << 64n) - 1n, [bit(63)])])).toMatchObject({ ret: -U.EFAULT });
    expect(last(p, [set(4n, [0n, 0n, 0n, 0n])])).toMatchObject({ ret: 0 });
  });

  it('count 0 and 1: the words not copied are zero (a count of 1 clears word 1)', () => {
    expect(last(p, [set(0n, [bit(63)])])).toMatchObject({ ret: 0 });
    expect(last(p, [set(1n, [AP, bit(63)])])).toMatchObject({ ret: 0 });
  });
});

describe('where the array ioctls do not exist: vhost_vring_ioctl reads the low u32 of count as a vq index', () => {
  for (const [name, p] of [
    ['vhost-net before 333c515d1896', profile({ featuresArray: 'absent' })],
    ['vhost-vsock', { ...profile({}), kernel: { ...profile({}).kernel, device: 'vhost-vsock' as const } }],
    ['vhost-vdpa', { ...profile({}), kernel: { ...profile({}).kernel, device: 'vhost-vdpa' as const } }],
  ] as const) {
    it(`${name}: count 2 (QEMU's) is -ENOBUFS, count 0 or 1 -ENOTTY, the buffer untouched`, () => {
      expect(last(p, [get(2n)])).toEqual({ kind: 'features-array', ret: -U.ENOBUFS, words: [FILL, FILL, FILL, FILL] });
      expect(last(p, [get(1n)])).toMatchObject({ ret: -U.ENOTTY });
      expect(last(p, [set(0n, [])])).toMatchObject({ ret: -U.ENOTTY });
      expect(last(p, [set(2n, [1n, 2n])])).toEqual({ kind: 'features-array', ret: -U.ENOBUFS, words: [1n, 2n, 0n, 0n] });
      // the high half of count is not read: 2^32 + 1 is vq 1
      expect(last(p, [get((1n << 32n) + 1n)])).toMatchObject({ ret: -U.ENOTTY });
    });
  }

  it('before 333c515d1896 vhost-net offers no bit above 63', () => {
    expect(last(profile({ featuresArray: 'absent' }), [{ kind: 'SET_FEATURES', features: 0n }])).toMatchObject({ ret: 0 });
    const w = (last(profile({ featuresArray: 'absent' }), [{ kind: 'GET_FEATURES' }]) as { value: bigint }).value;
    expect(w).toBe((last(profile({}), [{ kind: 'GET_FEATURES' }]) as { value: bigint }).value);
  });
});
