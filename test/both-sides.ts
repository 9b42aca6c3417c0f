// Hand-checked tests run every op on the model and the implementation of a profile: the two must
// observe the same at every step.

import { expect } from 'vitest';
import { createImplStack } from '../impl/stack.ts';
import { createModelStack } from '../model/stack.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';

/** Each op on a fresh model and a fresh implementation of `p`; asserts they agree, returns the model's observations. */
export function onBothSides(p: Profile, ops: readonly Op[]): Observation[] {
  const [m, i] = [createModelStack(p), createImplStack(p)].map(s => ops.map(op => s.apply(op)));
  expect(i, 'impl = model').toEqual(m);
  return m!;
}
