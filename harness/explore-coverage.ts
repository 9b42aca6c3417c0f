// Transition coverage inside explore: the model machine over a scope, naming each transition it
// takes as the fuzzer's coverage does (harness/coverage.ts transitionOf), so `explore
// --compare-fuzz` can say which must-reach transitions only one engine reached.

import { withMonitor } from '../explore/monitor.ts';
import { stackMachine, type StackScopeArgs, trivialMonitor } from '../explore/stackMachine.ts';
import type { Explorable, Machine } from '../explore/types.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { initialTransition, persistAfter, transitionOf } from './coverage.ts';

/** The inner machine's state, the profile and the acked IOTLB_PERSIST that names a reset. */
export interface NamedSnapshot<S> {
  readonly inner: S;
  readonly profile: number;
  readonly persist: boolean;
}

/**
 * `machine` (over `profiles` × `alphabet`) that records the name of every transition it takes.
 * `persist` names transitions only, but it is explored state like any other: two states that
 * name their next transitions differently are explored apart, so the names taken are exact.
 */
export function transitionNamingMachine<S>(
  machine: Machine<S, Observation>, profiles: readonly Profile[], alphabet: readonly Op[],
): Machine<NamedSnapshot<S>, Observation> {
  const names = new Set<string>();
  let profile = 0;
  let persist = false;
  return {
    initCount: machine.initCount,
    alphabetSize: machine.alphabetSize,
    init(i: number): void {
      machine.init(i);
      profile = i;
      persist = false;
      const t = initialTransition(profiles[i]!);
      if (t !== null) names.add(t);
    },
    apply(op: number): Observation {
      const o = machine.apply(op);
      const value = alphabet[op]!;
      persist = persistAfter(value, o, persist);
      const t = transitionOf(value, o, profiles[profile]!, persist);
      if (t !== null) names.add(t);
      return o;
    },
    snapshot: () => ({ inner: machine.snapshot(), profile, persist }),
    restore(s: NamedSnapshot<S>): void {
      machine.restore(s.inner);
      profile = s.profile;
      persist = s.persist;
    },
    ...(machine.reductions ? { reductions: machine.reductions } : {}),
    transitions: () => names,
  };
}

/** The model over a scope, naming its transitions, under the trivial monitor (an exploreParallel spec's factory). */
export function namedStackUnderTrivialMonitor(args: StackScopeArgs): Explorable {
  return withMonitor(transitionNamingMachine(stackMachine(args.profiles, args.alphabet), args.profiles, args.alphabet), trivialMonitor);
}
