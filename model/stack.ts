// The reference model of the whole stack: routes each op to the party that owns it.

import type { Observation } from '../types/observation.ts';
import { type Op, OP_PARTY } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { IotlbMapTuple } from '../types/iotlbTable.ts';
import type { Snapshotting, SnapshottingPart, SnapshottingStack, VhostPart } from '../types/stack.ts';
import type { Iotlb } from './iotlb.ts';
import { iotlbTable } from './iotlbTable.ts';
import { createHwInfoModel } from './hwinfo.ts';
import { vdpaApply, vdpaCreate, vdpaRestore, type VdpaSnapshot, vdpaSnapshot } from './vdpa.ts';
import { vhostApply, vhostCreate, vhostRestore, type VhostSnapshot, vhostSnapshot } from './vhost.ts';
import { createVirtioModel } from './virtio/index.ts';
import { rulesOf } from './rules.ts';
import { vmmSetFeatures } from './vmmFeatures.ts';

const tableOf = (t: Iotlb | null): IotlbMapTuple[] | null => t && iotlbTable(t);

/** The kernel's vhost device for the profile. */
export function createVhostModel(profile: Profile): VhostPart & Snapshotting {
  if (profile.kernel.device === 'vhost-vdpa') {
    const s = vdpaCreate(profile.kernel, rulesOf(profile));
    return {
      apply: op => vdpaApply(s, op),
      iotlbTable: () => tableOf(s.as),
      snapshot: () => vdpaSnapshot(s),
      restore: snap => vdpaRestore(s, snap as VdpaSnapshot),
    };
  }
  const s = vhostCreate(profile.kernel, rulesOf(profile));
  return {
    apply: op => vhostApply(s, op),
    iotlbTable: () => tableOf(s.iotlb),
    snapshot: () => vhostSnapshot(s),
    restore: snap => vhostRestore(s, snap as VhostSnapshot),
  };
}

/** A model stack's state: each part's snapshot (the VMM keeps none: vmmSetFeatures is a function of the profile). */
export interface ModelStackSnapshot {
  /** a VhostSnapshot (vhost-net/vsock) or a VdpaSnapshot (vhost-vdpa) */
  readonly vhost: unknown;
  /** a VirtioDeviceSnapshot */
  readonly virtio: unknown;
  /** null: hw_info is stateless */
  readonly hwinfo: unknown;
}

export function createModelStack(profile: Profile): SnapshottingStack {
  const vhost = createVhostModel(profile);
  const virtio = createVirtioModel(profile);
  const hwinfo: SnapshottingPart = createHwInfoModel(profile);
  return {
    apply(op: Op): Observation {
      if (op.kind === 'VMM_SET_FEATURES') return vmmSetFeatures(profile, vhost, op.guestFeatures);
      switch (OP_PARTY[op.kind]) {
        case 'virtio': return virtio.apply(op);
        case 'hwinfo': return hwinfo.apply(op);
        default: return vhost.apply(op);
      }
    },
    snapshot: (): ModelStackSnapshot => ({ vhost: vhost.snapshot(), virtio: virtio.snapshot(), hwinfo: hwinfo.snapshot() }),
    restore(s: unknown): void {
      const snap = s as ModelStackSnapshot;
      vhost.restore(snap.vhost);
      virtio.restore(snap.virtio);
      hwinfo.restore(snap.hwinfo);
    },
  };
}
