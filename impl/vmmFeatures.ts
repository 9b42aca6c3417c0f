// The VMM's VMM_SET_FEATURES on (hi, lo) u32 words, two u64 words of features (the flows and their
// sources: model/vmmFeatures.ts). Not a hot path; bigint only where ops go to the vhost part.

import type { Observation } from '../types/observation.ts';
import type { VmmProfile } from '../types/policy.ts';
import type { VhostPart } from '../types/stack.ts';
import { EINVAL, ENOTTY, VIRTIO_F_ACCESS_PLATFORM } from '../types/uapi.ts';
import { and, type Word } from './features.ts';
import { hiOf, loOf, toBig } from './u64.ts';

/** Two u64 feature words: [word 0, word 1]. */
type Features = readonly [Word, Word];

const wordAt = (v: bigint, i: number): Word => {
  const w = (v >> BigInt(64 * i)) & 0xffff_ffff_ffff_ffffn;
  return { hi: hiOf(w), lo: loOf(w) };
};
const split = (v: bigint): Features => [wordAt(v, 0), wordAt(v, 1)];
const big = (w: Word): bigint => toBig(w.hi, w.lo);
const join = (f: Features): bigint => big(f[0]) | (big(f[1]) << 64n);
const ZERO: Word = { hi: 0, lo: 0 };

/** The features to set: guest ∩ host, then the VMM's own mask (ACCESS_PLATFORM, or its known list). */
function combine(vmm: VmmProfile, guest: Features, host: Features): Features {
  let w0 = and(guest[0], host[0]);
  let w1 = and(guest[1], host[1]);
  if (vmm.features === 'intersect-mask-access-platform') w0 = { hi: (w0.hi & ~(1 << (VIRTIO_F_ACCESS_PLATFORM - 32))) >>> 0, lo: w0.lo };
  else if (vmm.features === 'allowlist') {
    const known = split(vmm.knownFeatures);
    w0 = and(w0, known[0]);
    w1 = and(w1, known[1]);
  }
  return [w0, w1];
}

/**
 * Whether an array ioctl's error sends the VMM to the 64-bit one: not when bits above 63 would be
 * lost (`high`: what SET would drop; GET passes none), and with the ENOTTY-only check, only on
 * -ENOTTY. A 64-bit VMM never gets here.
 */
const fallsBack = (vmm: VmmProfile, ret: number, high: Word): boolean =>
  (high.hi | high.lo) === 0 && (vmm.featuresIoctls === 'array-then-64-bit' || ret === -ENOTTY);

function get64(vhost: VhostPart): { ret: number; f: Features } {
  const o = vhost.apply({ kind: 'GET_FEATURES' });
  if (o.kind !== 'value') throw new Error('GET_FEATURES returned no value');
  return { ret: o.ret, f: [wordAt(o.value, 0), ZERO] };
}

function getFeatures(vmm: VmmProfile, vhost: VhostPart): { ret: number; f: Features } {
  if (vmm.featuresIoctls === '64-bit') return get64(vhost);
  const o = vhost.apply({ kind: 'GET_FEATURES_ARRAY', count: 2n, fill: 0n });
  if (o.kind !== 'features-array') throw new Error('GET_FEATURES_ARRAY returned no words');
  if (o.ret === 0) return { ret: 0, f: [wordAt(o.words[0]!, 0), wordAt(o.words[1]!, 0)] };
  return fallsBack(vmm, o.ret, ZERO) ? get64(vhost) : { ret: o.ret, f: [ZERO, ZERO] };
}

function set64(vhost: VhostPart, w0: Word): number {
  const r = vhost.apply({ kind: 'SET_FEATURES', features: big(w0) });
  if (r.kind !== 'ret') throw new Error('SET_FEATURES returned no status');
  return r.ret;
}

function setFeatures(vmm: VmmProfile, vhost: VhostPart, f: Features): number {
  if (vmm.featuresIoctls === '64-bit') return set64(vhost, f[0]);
  const o = vhost.apply({ kind: 'SET_FEATURES_ARRAY', count: 2n, words: [big(f[0]), big(f[1])] });
  if (o.kind !== 'features-array') throw new Error('SET_FEATURES_ARRAY returned no status');
  if (o.ret === 0) return 0;
  if (fallsBack(vmm, o.ret, f[1])) return set64(vhost, f[0]);
  return (f[1].hi | f[1].lo) !== 0 ? -EINVAL : o.ret;
}

/** VMM_SET_FEATURES: the offered features, combined with the guest's, set back. */
export function vmmSetFeaturesImpl(vmm: VmmProfile, vhost: VhostPart, guestFeatures: bigint): Observation {
  const host = getFeatures(vmm, vhost);
  if (host.ret !== 0) return { kind: 'vmm', ret: host.ret, set: 0n };
  const f = combine(vmm, split(guestFeatures), host.f);
  return { kind: 'vmm', ret: setFeatures(vmm, vhost, f), set: join(f) };
}
