// vhost-vdpa's backend features per kernel version, on the model and the implementation alike:
// before v6.7 (v6.6 drivers/vhost/vdpa.c) there is no IOTLB_PERSIST (4398776f7a6d) and no
// DESC_ASID (7db0d6027e69), so GET_BACKEND_FEATURES lacks them and VHOST_SET_BACKEND_FEATURES
// with either is -EOPNOTSUPP (the `features & ~mask` check), acking nothing.

import { describe, expect, it } from 'vitest';
import { upstreamProfile } from '../generators/profiles.ts';
import { stackSubject } from '../harness/subject.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { ParentKind, VdpaResetRule } from '../types/policy.ts';
import type { Stack } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { bit } from '../types/bits.ts';

const PARENTS: readonly ParentKind[] = ['platform-iommu', 'onchip-reset-map', 'vendor-clears'];
const PERSIST = bit(U.VHOST_BACKEND_F_IOTLB_PERSIST);
const MSG_V2 = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2);

function vdpa(vdpaReset: VdpaResetRule, parent: ParentKind): Profile {
  return { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vdpa', parent, vdpaReset } };
}

const sides = [['model', stackSubject.model], ['impl', stackSubject.impl]] as const;

function offered(stack: Stack): bigint {
  const o = stack.apply({ kind: 'GET_BACKEND_FEATURES' });
  if (o.kind !== 'value') throw new Error(`GET_BACKEND_FEATURES -> ${o.kind}`);
  return o.value;
}

const setBackend = (stack: Stack, features: bigint): unknown => stack.apply({ kind: 'SET_BACKEND_FEATURES', features });

const update: Op = {
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, type: U.VHOST_IOTLB_UPDATE, iova: 0x1000n, size: 0x1000n, uaddr: 0x7f00_0000_0000n, perm: U.VHOST_ACCESS_RW },
};
const access: Op = { kind: 'VQ_ACCESS', iova: 0x1000n, len: 1, access: U.VHOST_ACCESS_RO };

describe.each(sides)('vhost-vdpa backend features (%s)', (_side, factory) => {
  it.each(PARENTS)('before v6.7 (plain-reset) on %s: no IOTLB_PERSIST offered, acking it is -EOPNOTSUPP', parent => {
    const s = factory(vdpa('plain-reset', parent));
    expect(offered(s) & PERSIST).toBe(0n);
    expect(setBackend(s, MSG_V2 | PERSIST)).toEqual({ kind: 'ret', ret: -U.EOPNOTSUPP });
    expect(setBackend(s, PERSIST)).toEqual({ kind: 'ret', ret: -U.EOPNOTSUPP });
    expect(setBackend(s, MSG_V2)).toEqual({ kind: 'ret', ret: 0 });
  });

  it('before v6.7: a refused IOTLB_PERSIST acks nothing, so mlx5_vdpa/vdpa_sim still drop the maps on reset', () => {
    const s = factory(vdpa('plain-reset', 'vendor-clears'));
    expect(setBackend(s, MSG_V2)).toEqual({ kind: 'ret', ret: 0 });
    expect(setBackend(s, MSG_V2 | PERSIST)).toEqual({ kind: 'ret', ret: -U.EOPNOTSUPP });
    expect(s.apply(update)).toEqual({ kind: 'ret', ret: 72 });
    expect(s.apply(access)).toEqual({ kind: 'access', outcome: 'ok', segments: [[0x7f00_0000_0000n, 1]] });
    expect(s.apply({ kind: 'VDPA_SET_STATUS', status: 0 })).toEqual({ kind: 'ret', ret: 0 });
    // back to the 1:1 passthrough
    expect(s.apply(access)).toEqual({ kind: 'access', outcome: 'ok', segments: [[0x1000n, 1]] });
  });

  it('before v6.7: DESC_ASID is outside the mask too (-EOPNOTSUPP, not the v6.7 -EINVAL without IOTLB_ASID)', () => {
    const desc = bit(U.VHOST_BACKEND_F_DESC_ASID);
    const asid = bit(U.VHOST_BACKEND_F_IOTLB_ASID);
    expect(setBackend(factory(vdpa('plain-reset', 'vendor-clears')), desc)).toEqual({ kind: 'ret', ret: -U.EOPNOTSUPP });
    expect(setBackend(factory(vdpa('plain-reset', 'vendor-clears')), desc | asid)).toEqual({ kind: 'ret', ret: -U.EOPNOTSUPP });
    expect(setBackend(factory(vdpa('compat-reset', 'vendor-clears')), desc)).toEqual({ kind: 'ret', ret: -U.EINVAL });
  });

  it.each(PARENTS.flatMap(p => (['compat-reset', 'persist-bit-without-compat-reset'] as const).map(r => [r, p] as const)))(
    'with the v6.7 uAPI (%s) on %s: IOTLB_PERSIST offered and accepted', (rule, parent) => {
      const s = factory(vdpa(rule, parent));
      expect(offered(s) & PERSIST).toBe(PERSIST);
      expect(setBackend(s, MSG_V2 | PERSIST)).toEqual({ kind: 'ret', ret: 0 });
    });
});
