// The vhost parts' contract on both sides: an access translated into more segments than the vq's
// iovec array holds is -ENOBUFS (translate_desc), and each part refuses an op it does not own
// (types/stack.ts: a Stack routes each op to its owner; a part throws on another's kind).

import { describe, expect, it } from 'vitest';
import { createHwInfoImpl } from '../impl/hwinfo.ts';
import { createVhostImpl } from '../impl/stack.ts';
import { createVirtioImpl } from '../impl/virtio/index.ts';
import { createHwInfoModel } from '../model/hwinfo.ts';
import { createVhostModel } from '../model/stack.ts';
import { createVirtioModel } from '../model/virtio/index.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { VQ_IOV_MAX } from '../types/harness.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { ParentKind, VhostDevice } from '../types/policy.ts';
import type { Part } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { onBothSides } from './both-sides.ts';

const PAGE = 0x1000n;
const profile = (device: VhostDevice, parent: ParentKind = 'platform-iommu'): Profile =>
  ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device, parent } });
/** one page at page i, to a user page two apart from the last one's (never merged) */
const update = (i: number): Op => ({
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, type: U.VHOST_IOTLB_UPDATE, iova: BigInt(i) * PAGE, size: PAGE, uaddr: 0x7f00_0000_0000n + 2n * BigInt(i) * PAGE, perm: U.VHOST_ACCESS_RW },
});
const accessPages = (n: number): Op => ({ kind: 'VQ_ACCESS', iova: 0n, len: n * Number(PAGE), access: U.VHOST_ACCESS_RO });

/** The last observation of `ops`, the same on the model and the implementation. */
const lastOf = (p: Profile, ops: readonly Op[]): Observation => onBothSides(p, ops).at(-1)!;

describe('an access over more maps than the iovec array holds', () => {
  const cases: [string, Profile, Op[]][] = [
    ['vhost-net', profile('vhost-net'), [{ kind: 'SET_FEATURES', features: 1n << BigInt(U.VIRTIO_F_ACCESS_PLATFORM) }]],
    ['vhost-vdpa', profile('vhost-vdpa'), []],
  ];
  it.each(cases)('%s: VQ_IOV_MAX maps give VQ_IOV_MAX segments, one more is -ENOBUFS', (_name, p, setup) => {
    const maps = Array.from({ length: VQ_IOV_MAX + 1 }, (_, i) => update(i));
    const fits = lastOf(p, [...setup, ...maps, accessPages(VQ_IOV_MAX)]);
    expect(fits).toMatchObject({ kind: 'access', outcome: 'ok' });
    expect(fits.kind === 'access' && fits.outcome === 'ok' ? fits.segments.length : -1).toBe(VQ_IOV_MAX);
    expect(lastOf(p, [...setup, ...maps, accessPages(VQ_IOV_MAX + 1)])).toEqual({ kind: 'access', outcome: 'fault', errno: U.ENOBUFS });
  });
});

describe('a part refuses an op it does not own', () => {
  const vmmOp: Op = { kind: 'VMM_SET_FEATURES', guestFeatures: 0n };
  const parts: [string, () => Part, RegExp][] = [
    ['vhost-net impl', () => createVhostImpl(profile('vhost-net')), /^vhost: op VMM_SET_FEATURES is not a vhost op$/],
    ['vhost-net model', () => createVhostModel(profile('vhost-net')), /^vhost: op VMM_SET_FEATURES is not a vhost op$/],
    ['vhost-vdpa impl', () => createVhostImpl(profile('vhost-vdpa')), /^vhost-vdpa: op VMM_SET_FEATURES is not a vhost op$/],
    ['vhost-vdpa model', () => createVhostModel(profile('vhost-vdpa')), /^vhost-vdpa: op VMM_SET_FEATURES is not a vhost op$/],
    ['hw_info impl', () => createHwInfoImpl(upstreamProfile), /^hw_info impl does not own op VMM_SET_FEATURES$/],
    ['hw_info model', () => createHwInfoModel(upstreamProfile), /^hw_info model does not own op VMM_SET_FEATURES$/],
    ['virtio impl', () => createVirtioImpl(upstreamProfile), /^virtio impl: VMM_SET_FEATURES is not a guest virtio op$/],
    ['virtio model', () => createVirtioModel(upstreamProfile), /^virtio model: VMM_SET_FEATURES is not a guest virtio op$/],
  ];
  it.each(parts)('%s', (_name, make, message) => {
    expect(() => make().apply(vmmOp)).toThrow(message);
  });
});
