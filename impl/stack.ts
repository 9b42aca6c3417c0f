// The optimised implementation of the whole stack.

import type { Observation } from '../types/observation.ts';
import { type Op, OP_PARTY } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Stack, VhostPart } from '../types/stack.ts';
import { createHwInfoImpl } from './hwinfo.ts';
import { VdpaDev } from './vdpa.ts';
import { VhostDev } from './vhost.ts';
import { createVirtioImpl } from './virtio/index.ts';
import { vmmSetFeaturesImpl } from './vmmFeatures.ts';

export function createVhostImpl(profile: Profile): VhostPart {
  return profile.kernel.device === 'vhost-vdpa' ? new VdpaDev(profile.kernel) : new VhostDev(profile.kernel);
}

export function createImplStack(profile: Profile): Stack {
  const vhost = createVhostImpl(profile);
  const virtio = createVirtioImpl(profile);
  const hwinfo = createHwInfoImpl(profile);
  return {
    apply(op: Op): Observation {
      switch (OP_PARTY[op.kind]) {
        case 'virtio': return virtio.apply(op);
        case 'hwinfo': return hwinfo.apply(op);
        case 'vhost': return vhost.apply(op);
        case 'vmm': {
          if (op.kind !== 'VMM_SET_FEATURES') throw new Error(`vmm: ${op.kind}`);
          return vmmSetFeaturesImpl(profile.vmm, vhost, op.guestFeatures);
        }
      }
    },
  };
}
