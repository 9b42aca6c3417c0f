// What a C reproducer of a corpus entry does and expects: the trace's syscalls as the model's VMM
// issues them (lab/compare.ts planTrace), each with the model's answer, and the trace op at which
// the model's run violates the entry's property. The expectation is the model with the entry's own
// profile, or with a lab kernel's (lab/profiles.ts), as `negcheck kernel` compares it. A kernel that
// answers every syscall of the trace as the model does shows the violation: the property is a
// function of those answers.

import { type CorpusEntry, readEntry } from '../harness/corpus.ts';
import { entryViolation } from '../harness/replay.ts';
import { stackSubject } from '../harness/subject.ts';
import { type PlannedStep, planTrace } from '../lab/compare.ts';
import { checkEntryKernel } from '../lab/inputs.ts';
import { labProfile, onLabKernel } from '../lab/profiles.ts';
import { firstInexpressible } from '../lab/protocol.ts';
import { propertyById } from '../properties/index.ts';
import { InputError } from '../types/errors.ts';
import type { Op } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import type { Profile } from '../types/profile.ts';
import { formatOp } from '../types/trace.ts';

/** An entry that has no program (why, said for the user); a bad entry is a plain InputError. */
export class ReproError extends InputError {}

/** Whose answers the program expects: the entry's own profile, or a lab kernel's. */
export type Expectation = { readonly kind: 'entry' } | { readonly kind: 'lab'; readonly kernel: string };

export interface ReproPlan {
  readonly file: string;
  readonly title: string;
  readonly property: string;
  readonly propertyTitle: string;
  readonly device: VhostDevice;
  /** one line: the profile the answers are the model's with */
  readonly expectation: string;
  readonly ops: readonly Op[];
  readonly steps: readonly PlannedStep[];
  /** the trace op at which the model's run violates the property, and what the property said */
  readonly violationOp: number;
  readonly violationMessage: string;
  /**
   * When the kernel shows the violation: 'same', it answers every syscall as the model (whose run
   * violates the property); 'differs', a K entry's, it answers one otherwise (K is the model = the kernel).
   */
  readonly shows: 'same' | 'differs';
}

/** The side of the entry the program stands for, and the entry with the expectation's profile in its place. */
function expectedSide(e: CorpusEntry, x: Expectation): { profile: Profile; entry: CorpusEntry; what: string } {
  const own = e.proposalProfile ?? e.profile;
  if (x.kind === 'entry') {
    const what = e.proposalProfile ? `the proposal's profile (${e.proposal ?? 'the entry\'s proposalProfile'}), as the entry stores it` : 'the entry\'s own profile';
    return { profile: own, entry: e, what };
  }
  // R: the lab kernel stands where the proposal stood, beside the entry's baseline
  const profile = onLabKernel(labProfile(x.kernel), own);
  const entry = e.proposalProfile ? { ...e, proposalProfile: profile } : { ...e, profile };
  return { profile, entry, what: `lab kernel ${x.kernel}'s profile (lab/profiles.ts) with the entry's VMM and guest` };
}

/** The plan of `file`'s entry (its rules loaded, proposals/entryRules.ts). */
export function reproPlan(file: string, e: CorpusEntry, x: Expectation): ReproPlan {
  if (e.expect === 'holds') {
    throw new ReproError(`${file}: expect "holds": a fixed bug kept as a regression test; the model says ${e.property} holds, so there is no violation for a program to show`);
  }
  if (e.property === 'K') return kernelEntryPlan(file, e, x);
  const side = expectedSide(e, x);
  const violation = entryViolation(side.entry, stackSubject);
  if (violation === null) {
    throw new ReproError(`${file}: with ${side.what}, the model says ${e.property} holds on this trace: there is no violation for the kernel to show`);
  }
  const plan = planTrace(e.ops, side.profile);
  expressible(file, e.ops, plan.steps);
  const op = e.ops[violation.step];
  if (!plan.steps.some(s => s.from === violation.step)) {
    throw new ReproError(`${file}: ${e.property} is violated at op ${violation.step} (${op === undefined ? 'past the end' : formatOp(op)}), which no syscall stands for: a C program on the vhost device cannot show it`);
  }
  return {
    file, title: e.title, property: e.property, propertyTitle: propertyById(e.property)?.title ?? 'no regression for old userspace',
    device: side.profile.kernel.device, expectation: side.what, ops: e.ops, steps: plan.steps,
    violationOp: violation.step, violationMessage: violation.message, shows: 'same',
  };
}

/** A K entry: the model with its lab kernel's profile (or --kernel's), and the difference it records. */
function kernelEntryPlan(file: string, e: CorpusEntry, x: Expectation): ReproPlan {
  checkEntryKernel(file, e.kernel);
  const kernel = x.kind === 'lab' ? x.kernel : e.kernel!;
  const profile = onLabKernel(labProfile(kernel), e.profile);
  return {
    file, title: e.title, property: 'K', propertyTitle: `the model answers as lab kernel ${e.kernel!} does`,
    device: profile.kernel.device, expectation: `lab kernel ${kernel}'s profile (lab/profiles.ts) with the entry's VMM and guest`,
    ops: e.ops, steps: expressible(file, e.ops, planTrace(e.ops, profile).steps),
    violationOp: e.violation?.step ?? e.ops.length - 1, violationMessage: e.violation?.message ?? 'the kernel answered otherwise than the model', shows: 'differs',
  };
}

/** The steps, when a program can make each syscall as the model reads it (lab/protocol.ts inexpressible). */
function expressible(file: string, ops: readonly Op[], steps: readonly PlannedStep[]): readonly PlannedStep[] {
  const bad = firstInexpressible(steps);
  if (bad !== null) throw new InputError(`${file}: op ${bad.from} (${formatOp(ops[bad.from]!)}) is no syscall a program can make as the model reads it: ${bad.why}`);
  return steps;
}

/** readEntry, a file that is not an entry an input error naming it. */
export function readReproEntry(file: string): CorpusEntry {
  try {
    return readEntry(file);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
}
