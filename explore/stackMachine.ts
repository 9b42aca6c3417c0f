// The reference model over a scope, as a Machine for the exhaustive engine: initial state i is a
// fresh model stack for profiles[i], op k applies alphabet[k]. The model parts do the work
// (types/stack.ts Snapshotting); this only keeps track of which profile's stack is current.

import { createModelStack } from '../model/stack.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { SnapshottingStack } from '../types/stack.ts';
import { withMonitor } from './monitor.ts';
import type { Explorable, Machine, Monitor } from './types.ts';

/** A machine state: which profile, and that profile's stack state. */
export interface StackMachineSnapshot {
  readonly profile: number;
  readonly stack: unknown;
}

/**
 * The model stack over `profiles` x `alphabet`. The snapshot holds the profile's index: the parts
 * leave out what the profile fixes (its policies and rules), and the same part state under two
 * policies is two states. `make` builds a stack for a profile (the reference model; tests plant
 * faulty ones).
 */
export function stackMachine(
  profiles: readonly Profile[], alphabet: readonly Op[],
  make: (profile: Profile) => SnapshottingStack = createModelStack,
): Machine<StackMachineSnapshot, Observation> {
  if (profiles.length === 0) throw new Error('stackMachine: a scope needs at least one profile');
  // one stack per profile, reused: a snapshot holds no reference to the stack it came from
  const stacks: (SnapshottingStack | undefined)[] = new Array(profiles.length);
  let current = 0;
  let stack: SnapshottingStack | undefined;
  const stackFor = (i: number): SnapshottingStack => (stacks[i] ??= make(profiles[i]!));
  return {
    initCount: profiles.length,
    alphabetSize: alphabet.length,
    init(i: number): void {
      if (!(i >= 0 && i < profiles.length)) throw new RangeError(`stackMachine: no profile ${i}`);
      current = i;
      stack = stacks[i] = make(profiles[i]!);
    },
    apply(op: number): Observation {
      const o = alphabet[op];
      if (o === undefined) throw new RangeError(`stackMachine: no op ${op} in an alphabet of ${alphabet.length}`);
      if (stack === undefined) throw new Error('stackMachine: apply before init');
      return stack.apply(o);
    },
    snapshot(): StackMachineSnapshot {
      if (stack === undefined) throw new Error('stackMachine: snapshot before init');
      return { profile: current, stack: stack.snapshot() };
    },
    restore(s: StackMachineSnapshot): void {
      if (s.profile !== current || stack === undefined) {
        current = s.profile;
        stack = stackFor(current);
      }
      stack.restore(s.stack);
    },
  };
}

/** A property that always holds and keeps no state: exploring with it counts and times the model's states. */
export const trivialMonitor: Monitor<null, Observation> = {
  init: () => {},
  step: () => null,
  snapshot: () => null,
  restore: () => {},
};

export interface StackScopeArgs {
  readonly profiles: readonly Profile[];
  readonly alphabet: readonly Op[];
}

/** The model over a scope under the trivial monitor, built from plain data (an exploreParallel spec's factory). */
export function stackUnderTrivialMonitor(args: StackScopeArgs): Explorable {
  return withMonitor(stackMachine(args.profiles, args.alphabet), trivialMonitor);
}
