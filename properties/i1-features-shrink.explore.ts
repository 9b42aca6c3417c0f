// I1 for explore: every guest variant and probe flow, the guest's transport ops; the monitor
// keeps whether FEATURES_OK was seen and the feature word locked since.

import { guestAlphabet, guestProfiles } from '../generators/values.ts';
import { PROBE_FLOWS } from '../types/policy.ts';
import { lawEntry, makeScope, withDefaults, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { featuresLaw } from './i1-features-shrink.ts';

export function i1Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  // I1 has no wider proposal scope: its profiles already have every flow
  const guests = guestProfiles(options.values, PROBE_FLOWS);
  return makeScope({ property: 'I1', options, profileLines: [guests.line], profiles: guests.profiles, alphabet: guestAlphabet(options.values) });
}

export const I1_EXPLORE = lawEntry('I1', i1Scope, featuresLaw);
