// I3 for explore: the guest variants (over the property's profiles: the upstream probe flow; over
// the proposal scope: every flow), the guest's transport ops; each probe is judged on its own,
// so the monitor keeps nothing.

import { guestAlphabet, guestProfiles } from '../generators/values.ts';
import { PROBE_FLOWS } from '../types/policy.ts';
import { lawEntry, makeScope, withDefaults, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { endiannessLaw } from './i3-endianness.ts';

export function i3Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const guests = guestProfiles(options.values, options.over === 'scope' ? PROBE_FLOWS : ['ack-before-access']);
  return makeScope({ property: 'I3', options, profileLines: [guests.line], profiles: guests.profiles, alphabet: guestAlphabet(options.values) });
}

export const I3_EXPLORE = lawEntry('I3', i3Scope, endiannessLaw);
