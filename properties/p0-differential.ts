// P0 model ≡ impl: the optimised implementation observes exactly what the reference model
// observes, op by op, for every generated profile and script.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { guestOpArb, guestProfileArb } from '../generators/guest.ts';
import { hwInfoOpArb, smmuProfileArb } from '../generators/smmu.ts';
import { bigTableScriptArb, kernelPolicyArb, rawWriteArb, vhostOpArb, vhostScriptArb, vmmProfileArb } from '../generators/vhost.ts';
import type { PropertyDef, Subject, Violation } from '../types/property.ts';

export const anyProfileArb: fc.Arbitrary<Profile> = fc.record({
  kernel: kernelPolicyArb,
  vmm: vmmProfileArb,
  guest: guestProfileArb,
  smmu: smmuProfileArb,
});

/** Mix the guest's and iommufd's ops into a vhost op generator. */
export const withOtherParties = (vhostOp: fc.Arbitrary<Op>): fc.Arbitrary<Op> => fc.oneof(
  { weight: 8, arbitrary: vhostOp },
  { weight: 1, arbitrary: rawWriteArb },
  { weight: 2, arbitrary: guestOpArb },
  { weight: 1, arbitrary: hwInfoOpArb },
);

export const anyOpArb: fc.Arbitrary<Op> = withOtherParties(vhostOpArb);

/** Run model and impl side by side; the first step whose observations differ. */
export function firstDifference(subject: Subject, profile: Profile, ops: readonly Op[]): Violation | null {
  if (subject.impl === undefined) throw new Error('P0 compares the model with an implementation: this subject has none (a patched model)');
  const model = subject.model(profile);
  const impl = subject.impl(profile);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const m = model.apply(op);
    const o = impl.apply(op);
    if (!isDeepStrictEqual(m, o)) {
      return { step: i, message: `${formatOp(op)}: model ${formatObservation(m)}, impl ${formatObservation(o)}` };
    }
  }
  return null;
}

export const P0: PropertyDef = {
  id: 'P0',
  title: 'model ≡ impl',
  statement: 'for every generated profile and op sequence, every observable of the implementation equals the reference model\'s',
  source: 'DESIGN.md "Properties"; the model cites the kernel/spec rule for each step',
  profiles: anyProfileArb,
  // one script in 25 in the big-table regime: hundreds of maps loaded first (the blocked index's
  // splits and repairs), where depth pays; the rest short and varied
  scripts: fc.oneof(
    { weight: 24, arbitrary: vhostScriptArb(40, withOtherParties) },
    { weight: 1, arbitrary: bigTableScriptArb(withOtherParties) },
  ),
  check: firstDifference,
};
