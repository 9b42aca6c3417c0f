// The VMM's vhost feature plumbing (VMM_SET_FEATURES): learn the features the kernel offers,
// combine them with the guest's acked ones (the vmmFeatures rule), and set the result, with the
// ioctls the VMM knows (vmm.featuresIoctls): the 64-bit pair, or the array pair first and the
// 64-bit pair as the fallback (QEMU f412c1f57ab5, hw/virtio/vhost-backend.c).

import type { Observation } from '../types/observation.ts';
import type { Profile } from '../types/profile.ts';
import type { Part } from '../types/stack.ts';
import { EINVAL } from '../types/uapi.ts';
import { featureWord } from './featuresArray.ts';
import { rulesOf } from './rules.ts';

/** The words QEMU's vhost backend passes to the array ioctls (VIRTIO_FEATURES_NU64S). */
export const VMM_ARRAY_WORDS = 2n;

type Outcome = { ok: true; features: bigint } | { ok: false; err: number };

function features64(vhost: Part): Outcome {
  const o = vhost.apply({ kind: 'GET_FEATURES' });
  if (o.kind !== 'value') throw new Error('GET_FEATURES returned no value');
  return o.ret === 0 ? { ok: true, features: o.value } : { ok: false, err: o.ret };
}

/** vhost_kernel_get_features: the array ioctl first (count 2, a zeroed buffer), then per vmmArrayFallback. */
export function vmmGetFeatures(profile: Profile, vhost: Part): Outcome {
  if (profile.vmm.featuresIoctls === '64-bit') return features64(vhost);
  const o = vhost.apply({ kind: 'GET_FEATURES_ARRAY', count: VMM_ARRAY_WORDS, fill: 0n });
  if (o.kind !== 'features-array') throw new Error('GET_FEATURES_ARRAY returned no words');
  if (o.ret === 0) return { ok: true, features: o.words[0]! | (o.words[1]! << 64n) };
  return rulesOf(profile).vmmArrayFallback('get', o.ret, 0n) ? features64(vhost) : { ok: false, err: o.ret };
}

function setFeatures64(vhost: Part, features: bigint): number {
  const r = vhost.apply({ kind: 'SET_FEATURES', features });
  if (r.kind !== 'ret') throw new Error('SET_FEATURES returned no status');
  return r.ret;
}

/**
 * vhost_kernel_set_features: the array ioctl first; after an error, the 64-bit one per
 * vmmArrayFallback, else -EINVAL when bits above 63 would be lost, the array ioctl's errno otherwise.
 */
export function vmmSetFeaturesIoctl(profile: Profile, vhost: Part, features: bigint): number {
  if (profile.vmm.featuresIoctls === '64-bit') return setFeatures64(vhost, featureWord(features, 0n));
  const words = [featureWord(features, 0n), featureWord(features, 1n)];
  const o = vhost.apply({ kind: 'SET_FEATURES_ARRAY', count: VMM_ARRAY_WORDS, words });
  if (o.kind !== 'features-array') throw new Error('SET_FEATURES_ARRAY returned no status');
  if (o.ret === 0) return 0;
  const high = features >> 64n;
  if (rulesOf(profile).vmmArrayFallback('set', o.ret, high)) return setFeatures64(vhost, words[0]!);
  return high !== 0n ? -EINVAL : o.ret;
}

/** VMM_SET_FEATURES: learn the offered features, combine per the vmmFeatures rule, set them. */
export function vmmSetFeatures(profile: Profile, vhost: Part, guestFeatures: bigint): Observation {
  const host = vmmGetFeatures(profile, vhost);
  if (!host.ok) return { kind: 'vmm', ret: host.err, set: 0n };
  const set = rulesOf(profile).vmmFeatures(guestFeatures, host.features);
  return { kind: 'vmm', ret: vmmSetFeaturesIoctl(profile, vhost, set), set };
}
