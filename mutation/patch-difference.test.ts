// What a mutant that `prove --patch` lets through changes (issue 27's let-through list): the mutated
// model run beside the model at HEAD, op by op, over P0's profiles and scripts (every party, every
// policy). The first observable difference fails the test and is named by its kind, which Stryker
// keeps as the mutant's status reason:
//   relaxation  HEAD refused the call (a negative return), the mutant accepts it: R allows it by design
//               (an answer no syscall gives, such as a positive errno, is 'other');
//   errno       both refuse it, with different errnos: R allows that too (e2ae38cf3d91 did it);
//   tightening  HEAD accepted it, the mutant refuses it: R's to find (its generators missed it);
//   offer       a GET_FEATURES / GET_BACKEND_FEATURES / GET_HW_INFO value: offers may grow;
//   other       any other answer.
// A mutant that survives here showed no difference: equivalent, or beyond these generators' reach.
// Run on the patch judge's survivors: `npm run mutation:patch-difference -- --mutate <ranges>`.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createModelStack } from '../model/stack.ts';
import { P0 } from '../properties/p0-differential.ts';
import { OFFERS } from '../properties/r-no-regression.ts';
import { answerOf, returnCode } from '../types/answer.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { headModel } from './head-model.ts';


type DifferenceKind = 'relaxation' | 'errno' | 'tightening' | 'offer' | 'other';

function differenceKind(op: Op, head: Observation, mutant: Observation): DifferenceKind {
  const [h, m] = [returnCode(head), returnCode(mutant)];
  const [was, is] = [answerOf(op, head), answerOf(op, mutant)];
  if (OFFERS.has(op.kind) && h === m) return 'offer';
  if (was === 'refusal' && is === 'success') return 'relaxation';
  if (was === 'refusal' && is === 'refusal' && h !== m) return 'errno';
  if (was === 'success' && is === 'refusal') return 'tightening';
  return 'other';
}

function firstDifference(profile: Profile, ops: readonly Op[]): string | null {
  const head = headModel(profile);
  const mutant = createModelStack(profile);
  for (const op of ops) {
    let h: Observation;
    let m: Observation;
    try {
      h = head.apply(op);
      m = mutant.apply(op);
    } catch (e) {
      return `other: ${formatOp(op)} threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!isDeepStrictEqual(h, m)) return `${differenceKind(op, h, m)}: ${formatOp(op)}: HEAD ${formatObservation(h)}, mutant ${formatObservation(m)}`;
  }
  return null;
}

describe('a mutant of model/ beside the model at HEAD', () => {
  it('answers every op as the model at HEAD does', () => {
    let found: string | null = null;
    // fc.check, not fc.assert: the failure Stryker keeps as the status reason is the difference itself
    fc.check(fc.property(P0.profiles, P0.scripts, (profile, ops) => {
      found = firstDifference(profile, ops);
      return found === null;
    }), { seed: 20221805, numRuns: Number(process.env['NEGCHECK_DIFFERENCE_RUNS'] ?? 5000), endOnFailure: true });
    expect(found).toBeNull();
  }, 300_000);
});
