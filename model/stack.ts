// The reference model of the whole stack: routes each op to the party that owns it.

import type { Observation } from '../types/observation.ts';
import { type Op, OP_PARTY } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { IotlbMapTuple } from '../types/iotlbTable.ts';
import type { Part, Stack, VhostPart } from '../types/stack.ts';
import { type Iotlb, iotlbTreeOrder } from './iotlb.ts';
import { createHwInfoModel } from './hwinfo.ts';
import { vdpaApply, vdpaCreate } from './vdpa.ts';
import { vhostApply, vhostCreate } from './vhost.ts';
import { createVirtioModel } from './virtio/index.ts';
import { vmmVhostFeatures } from './vmm.ts';

const tableOf = (t: Iotlb | null): IotlbMapTuple[] | null => t && iotlbTreeOrder(t).map(m => [m.start, m.last, m.addr, m.perm]);

/** The kernel's vhost device for the profile. */
export function createVhostModel(profile: Profile): VhostPart {
  if (profile.kernel.device === 'vhost-vdpa') {
    const s = vdpaCreate(profile.kernel);
    return { apply: op => vdpaApply(s, op), iotlbTable: () => tableOf(s.as) };
  }
  const s = vhostCreate(profile.kernel);
  return { apply: op => vhostApply(s, op), iotlbTable: () => tableOf(s.iotlb) };
}

/** VMM_SET_FEATURES: VHOST_GET_FEATURES, combine per the VMM's policy, VHOST_SET_FEATURES. */
export function vmmSetFeatures(profile: Profile, vhost: Part, guestFeatures: bigint): Observation {
  const host = vhost.apply({ kind: 'GET_FEATURES' });
  if (host.kind !== 'value') throw new Error('GET_FEATURES returned no value');
  const set = vmmVhostFeatures(profile.vmm, guestFeatures, host.value);
  const r = vhost.apply({ kind: 'SET_FEATURES', features: set });
  if (r.kind !== 'ret') throw new Error('SET_FEATURES returned no status');
  return { kind: 'vmm', ret: r.ret, set };
}

export function createModelStack(profile: Profile): Stack {
  const vhost = createVhostModel(profile);
  const virtio = createVirtioModel(profile);
  const hwinfo = createHwInfoModel(profile);
  return {
    apply(op: Op): Observation {
      if (op.kind === 'VMM_SET_FEATURES') return vmmSetFeatures(profile, vhost, op.guestFeatures);
      switch (OP_PARTY[op.kind]) {
        case 'virtio': return virtio.apply(op);
        case 'hwinfo': return hwinfo.apply(op);
        default: return vhost.apply(op);
      }
    },
  };
}
