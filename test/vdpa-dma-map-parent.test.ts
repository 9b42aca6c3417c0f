// The dma_map parent (issue 15, part 4): vdpa_sim loaded with batch_mapping=0 registers
// vdpasim_config_ops, with dma_map/dma_unmap and no set_map. Hand-checked against the kernel, on
// the model and the implementation alike:
// - vhost_vdpa_map calls ops->dma_map at once, so an UPDATE inside a batch reaches the device
//   before BATCH_END (a set_map parent sees it only at BATCH_END);
// - vhost_vdpa_general_unmap calls ops->dma_unmap once per shadow map removed, so an INVALIDATE that
//   meets no map leaves the 1:1 passthrough in place;
// - vdpasim_dma_map/vdpasim_dma_unmap drop the passthrough (iommu_pt) first, so after a clearing
//   reset, removing one old shadow map leaves the parent with nothing mapped, where a set_map
//   parent (vdpasim_set_map) takes the remaining shadow maps back;
// - vhost_vdpa_has_persistent_map: (!set_map && !dma_map) || reset_map, so IOTLB_PERSIST is offered.

import { describe, expect, it } from 'vitest';
import { upstreamProfile } from '../generators/profiles.ts';
import { stackSubject } from '../harness/subject.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { ParentKind } from '../types/policy.ts';
import type { Stack } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { bit } from '../types/bits.ts';

const MSG_V2 = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2);
const BATCH = bit(U.VHOST_BACKEND_F_IOTLB_BATCH);

const vdpa = (parent: ParentKind): Profile =>
  ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vdpa', parent, vdpaReset: 'compat-reset' } });

const sides = [['model', stackSubject.model], ['impl', stackSubject.impl]] as const;

function msg(type: number, iova = 0n, size = 0n, uaddr = 0n): Op {
  return { kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, type, iova, size, uaddr, perm: U.VHOST_ACCESS_RW } };
}
const update = (iova: bigint, uaddr: bigint): Op => msg(U.VHOST_IOTLB_UPDATE, iova, 0x1000n, uaddr);
const invalidate = (iova: bigint): Op => msg(U.VHOST_IOTLB_INVALIDATE, iova, 0x1000n);
const access = (iova: bigint): Op => ({ kind: 'VQ_ACCESS', iova, len: 1, access: U.VHOST_ACCESS_RO });
const ok = (addr: bigint): unknown => ({ kind: 'access', outcome: 'ok', segments: [[addr, 1]] });
const FAULT = { kind: 'access', outcome: 'fault', errno: U.EFAULT };
const WRITTEN = { kind: 'ret', ret: 72 };

function started(factory: (p: Profile) => Stack, parent: ParentKind): Stack {
  const s = factory(vdpa(parent));
  expect(s.apply({ kind: 'SET_BACKEND_FEATURES', features: MSG_V2 | BATCH })).toEqual({ kind: 'ret', ret: 0 });
  return s;
}

describe.each(sides)('the dma_map parent (%s)', (_side, factory) => {
  it('an UPDATE inside a batch reaches dma_map at once; a set_map parent waits for BATCH_END', () => {
    const dma = started(factory, 'vendor-dma-map');
    const setMap = started(factory, 'vendor-clears');
    for (const s of [dma, setMap]) {
      expect(s.apply(msg(U.VHOST_IOTLB_BATCH_BEGIN))).toEqual(WRITTEN);
      expect(s.apply(update(0x1000n, 0xa000n))).toEqual(WRITTEN);
    }
    expect(dma.apply(access(0x1000n))).toEqual(ok(0xa000n));
    // still vdpa_sim's 1:1 passthrough
    expect(setMap.apply(access(0x1000n))).toEqual(ok(0x1000n));
    for (const s of [dma, setMap]) {
      expect(s.apply(msg(U.VHOST_IOTLB_BATCH_END))).toEqual(WRITTEN);
      expect(s.apply(access(0x1000n))).toEqual(ok(0xa000n));
      expect(s.apply(access(0x5000n))).toEqual(FAULT);
    }
  });

  it('an INVALIDATE that removes no shadow map calls no dma_unmap: the passthrough stays', () => {
    const s = started(factory, 'vendor-dma-map');
    expect(s.apply(msg(U.VHOST_IOTLB_BATCH_BEGIN))).toEqual(WRITTEN); // allocates the address space
    expect(s.apply(msg(U.VHOST_IOTLB_BATCH_END))).toEqual(WRITTEN);
    expect(s.apply(invalidate(0x1000n))).toEqual(WRITTEN);
    expect(s.apply(access(0x1000n))).toEqual(ok(0x1000n));
  });

  it('after a clearing reset, removing one old shadow map leaves nothing mapped (set_map takes the rest back)', () => {
    const dma = started(factory, 'vendor-dma-map');
    const setMap = started(factory, 'vendor-clears');
    for (const s of [dma, setMap]) {
      expect(s.apply(update(0x1000n, 0xa000n))).toEqual(WRITTEN);
      expect(s.apply(update(0x2000n, 0xb000n))).toEqual(WRITTEN);
      // old userspace: compat_reset(VDPA_RESET_F_CLEAN_MAP), back to the passthrough
      expect(s.apply({ kind: 'VDPA_SET_STATUS', status: 0 })).toEqual({ kind: 'ret', ret: 0 });
      expect(s.apply(access(0x2000n))).toEqual(ok(0x2000n));
      expect(s.apply(invalidate(0x1000n))).toEqual(WRITTEN);
    }
    expect(dma.apply(access(0x2000n))).toEqual(FAULT);
    expect(setMap.apply(access(0x2000n))).toEqual(ok(0xb000n));
  });

  it('IOTLB_PERSIST is offered (reset_map) and acked; with it a reset keeps the maps', () => {
    const s = factory(vdpa('vendor-dma-map'));
    const offered = s.apply({ kind: 'GET_BACKEND_FEATURES' });
    expect(offered.kind === 'value' && (offered.value & bit(U.VHOST_BACKEND_F_IOTLB_PERSIST)) !== 0n).toBe(true);
    expect(s.apply({ kind: 'SET_BACKEND_FEATURES', features: MSG_V2 | bit(U.VHOST_BACKEND_F_IOTLB_PERSIST) })).toEqual({ kind: 'ret', ret: 0 });
    expect(s.apply(update(0x1000n, 0xa000n))).toEqual(WRITTEN);
    expect(s.apply({ kind: 'VDPA_SET_STATUS', status: 0 })).toEqual({ kind: 'ret', ret: 0 });
    expect(s.apply(access(0x1000n))).toEqual(ok(0xa000n));
  });

  it('SET_FEATURES without ACCESS_PLATFORM is refused, as vdpa_sim does for either map op', () => {
    const s = factory(vdpa('vendor-dma-map'));
    expect(s.apply({ kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_VERSION_1) })).toEqual({ kind: 'ret', ret: -U.EINVAL });
  });
});
