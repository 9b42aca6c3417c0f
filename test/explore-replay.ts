// A stack over a scope as explore's Machine, by plain replay, for stacks that cannot snapshot
// themselves (the planted faulty ones of test/mutants.ts; the model is explored with
// explore/stackMachine.ts): a snapshot is the trace applied since init, restore rebuilds the
// stack and applies it again, and so the fingerprint is that trace's. So no two traces merge: explore
// over it is a tree search, exact but exponential.

import type { Machine } from '../explore/types.ts';
import { createModelStack } from '../model/stack.ts';
import type { Observation } from '../types/observation.ts';
import type { Stack, StackFactory } from '../types/stack.ts';
import type { ExploreScope } from '../generators/scope.ts';

export interface ReplaySnapshot {
  readonly init: number;
  readonly trace: readonly number[];
}

export function replayMachine(scope: Pick<ExploreScope, 'profiles' | 'alphabet'>, factory: StackFactory = createModelStack): Machine<ReplaySnapshot, Observation> {
  let init = 0;
  let trace: number[] = [];
  let stack: Stack = factory(scope.profiles[0]!);
  const start = (i: number): void => {
    init = i;
    trace = [];
    stack = factory(scope.profiles[i]!);
  };
  const apply = (op: number): Observation => {
    trace.push(op);
    return stack.apply(scope.alphabet[op]!);
  };
  return {
    initCount: scope.profiles.length,
    alphabetSize: scope.alphabet.length,
    init: start,
    apply,
    snapshot: () => ({ init, trace: [...trace] }),
    restore(s) {
      start(s.init);
      for (const op of s.trace) apply(op);
    },
  };
}
