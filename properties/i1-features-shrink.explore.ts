// I1 for explore: every guest variant and probe flow, the guest's transport ops; the monitor
// keeps whether FEATURES_OK was seen and the feature word locked since.

import { guestAlphabet, guestProfiles, PROBE_FLOWS } from './explore-values.ts';
import { lawEntry, makeScope, withDefaults, type ExploreScope, type LawFingerprint, type ScopeOptions } from './explore-law.ts';
import { featuresLaw, type FeaturesLawState } from './i1-features-shrink.ts';
import { featureWord } from '../model/featuresArray.ts';

export function i1Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  // I1 has no wider proposal scope: its profiles already have every flow
  const guests = guestProfiles(options.values, PROBE_FLOWS);
  return makeScope({ property: 'I1', options, profileLines: [guests.line], profiles: guests.profiles, alphabet: guestAlphabet(options.values) });
}

/** `locked` is undefined whenever FEATURES_OK is not seen, so the flag and the word are the whole state. */
export const fingerprintFeaturesLaw: LawFingerprint<FeaturesLawState> = (s, sink) => {
  sink.bool(s.featuresOkSeen);
  sink.bool(s.locked !== undefined);
  // two u64 words: feature sets are 128 bits wide (e7d4c1c5a546)
  if (s.locked !== undefined) {
    sink.u64(featureWord(s.locked, 0n));
    sink.u64(featureWord(s.locked, 1n));
  }
};

export const I1_EXPLORE = lawEntry('I1', i1Scope, featuresLaw, fingerprintFeaturesLaw);
