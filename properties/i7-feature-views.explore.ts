// I7 for explore: vhost-net with and without the array ioctls (over the proposal scope also as
// merged, clear_user from features[0]), vhost-vsock and vhost-vdpa where they are unknown; ops:
// the 64-bit GET, GET_FEATURES_ARRAY at counts 0 to 5 and 2^32 + 2 (narrow: 2 and 3), SET with
// offered bits, with a bit no one offers above 63, with a nonzero word past the kernel's. The
// monitor keeps the words the VMM has learnt.

import type { Op } from '../types/ops.ts';
import type { KernelPolicy, Profile } from '../types/profile.ts';
import { AP, byLevel } from './explore-values.ts';
import { axis, describeAxes, lawEntry, makeScope, product, withDefaults, type ExploreScope, type LawFingerprint, type ScopeOptions } from './explore-law.ts';
import { featureViewsLaw, type FeatureViews } from './i7-feature-views.ts';
import { upstreamProfile } from './profiles.ts';

const FILL = 0x5a5a_5a5a_5a5a_5a5an;
const get = (count: bigint): Op => ({ kind: 'GET_FEATURES_ARRAY', count, fill: FILL });
const set = (count: bigint, words: bigint[]): Op => ({ kind: 'SET_FEATURES_ARRAY', count, words });

export function i7Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const axes = {
    device: axis<KernelPolicy['device']>('vhost-net', 'vhost-vsock', 'vhost-vdpa'),
    featuresArray: axis<KernelPolicy['featuresArray']>(...(options.over === 'scope'
      ? ['absent', 'clear-at-start', 'clear-after-copied'] as const : ['absent', 'clear-after-copied'] as const)),
  };
  const profiles = product(axes).map(({ device, featuresArray }): Profile => ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device, featuresArray } }));
  const alphabet = byLevel<Op>(options.values,
    [{ kind: 'GET_FEATURES' }, get(2n), get(3n), set(2n, [AP, 0xan]), set(3n, [0n, 0n, 1n])],
    // 2^32 + 2: a 32-bit kernel's size_t keeps the low half of count - copied (0)
    [get(1n), get(5n), get((1n << 32n) + 2n), set(2n, [0n, 0x4n]), set(0n, []), set(5n, [0n, 0n])],
    [get(0n), get(4n), get((1n << 61n) + 2n), set(1n, [AP, 0xan])],
  );
  return makeScope({ property: 'I7', options, profiles, alphabet, profileLines: [`${describeAxes(axes)} (upstreamProfile otherwise)`] });
}

export const fingerprintFeatureViews: LawFingerprint<FeatureViews> = (s, sink) => {
  sink.bool(s.word0 !== null);
  if (s.word0 !== null) sink.u64(s.word0);
  sink.bool(s.word1 !== null);
  if (s.word1 !== null) sink.u64(s.word1);
};

export const I7_EXPLORE = lawEntry('I7', i7Scope, featureViewsLaw, fingerprintFeatureViews);
