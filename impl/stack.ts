// The optimised implementation of the whole stack.

import type { Observation } from '../types/observation.ts';
import { type Op, OP_PARTY } from '../types/ops.ts';
import type { Profile, VmmProfile } from '../types/profile.ts';
import type { Stack, VhostPart } from '../types/stack.ts';
import { VIRTIO_F_ACCESS_PLATFORM } from '../types/uapi.ts';
import { createHwInfoImpl } from './hwinfo.ts';
import { hiOf, loOf, toBig } from './u64.ts';
import { VdpaDev } from './vdpa.ts';
import { VhostDev } from './vhost.ts';
import { createVirtioImpl } from './virtio/index.ts';

export function createVhostImpl(profile: Profile): VhostPart {
  return profile.kernel.device === 'vhost-vdpa' ? new VdpaDev(profile.kernel) : new VhostDev(profile.kernel);
}

/** The VMM's VHOST_SET_FEATURES word for the guest's features, per its policy. */
function vmmWord(vmm: VmmProfile, gHi: number, gLo: number, hHi: number, hLo: number): [number, number] {
  let hi = gHi & hHi;
  let lo = gLo & hLo;
  if (vmm.features === 'intersect-mask-access-platform') hi &= ~(1 << (VIRTIO_F_ACCESS_PLATFORM - 32));
  else if (vmm.features === 'allowlist') { hi &= hiOf(vmm.knownFeatures); lo &= loOf(vmm.knownFeatures); }
  return [hi >>> 0, lo >>> 0];
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
          const host = vhost.apply({ kind: 'GET_FEATURES' });
          if (host.kind !== 'value') throw new Error('GET_FEATURES returned no value');
          const [hi, lo] = vmmWord(profile.vmm, hiOf(op.guestFeatures), loOf(op.guestFeatures), hiOf(host.value), loOf(host.value));
          const set = toBig(hi, lo);
          const r = vhost.apply({ kind: 'SET_FEATURES', features: set });
          return { kind: 'vmm', ret: r.kind === 'ret' ? r.ret : -1, set };
        }
      }
    },
  };
}
