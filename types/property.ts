// What a negcheck property is: a definition over profiles and op scripts whose `check` runs a
// script on a subject and returns the first violation, or null; an invariant as a law over steps;
// the drivers that run a law on a script. Properties read observables only. Running one with
// fast-check is the harness's (harness/run.ts).

import type fc from 'fast-check';
import type { Observation } from './observation.ts';
import type { Op } from './ops.ts';
import { hasRules, type Profile } from './profile.ts';
import type { PolicyField } from './policy.ts';
import type { Stack, StackFactory } from './stack.ts';

/**
 * The implementations under test: the reference model and the optimised implementation; or, for a
 * proposal written as a patch to the model (proposals/patch.ts), the patched model with the model
 * before the patch as its baseline, and no implementation (none has the patch).
 */
export interface Subject {
  readonly model: StackFactory;
  /** absent: the model alone is judged (a patched model; P0 and the implementation side do not apply) */
  readonly impl?: StackFactory;
  /**
   * The model before the patch: R's baseline side runs on it, and an invariant counts a violation
   * of the patched model only where this one keeps the law at least one step longer (onBothSides).
   */
  readonly baseline?: StackFactory;
}

export interface Violation {
  /** index of the op at which the property broke */
  readonly step: number;
  readonly message: string;
}

export interface PropertyDef {
  /** short id: P0, I1, ... (properties/index.ts registers each) */
  readonly id: string;
  readonly title: string;
  /** one-line statement of what must hold */
  readonly statement: string;
  /** the seed thread or spec/kernel rule it comes from */
  readonly source: string;
  readonly profiles: fc.Arbitrary<Profile>;
  readonly scripts: fc.Arbitrary<Op[]>;
  /**
   * For proposals: the policy fields whose rules this property judges (a proposal that changes
   * one of them is judged by it), and the profiles it quantifies over then: every userspace,
   * parent and guest the catalogue considers, the broken ones included. Default: `profiles`.
   */
  readonly judges?: readonly PolicyField[];
  readonly scope?: fc.Arbitrary<Profile>;
  check(subject: Subject, profile: Profile, ops: readonly Op[]): Violation | null;
}

/** An invariant judged on one stack: it applies the ops itself (it may probe between them). */
export type InvariantCheck = (stack: Stack, profile: Profile, ops: readonly Op[]) => Violation | null;

/**
 * An invariant as a law over steps, with its state explicit: `S` is everything the law reads of
 * the trace so far. One law, two drivers: `runLaw` judges a whole script on one stack, and
 * explore drives the same law as a Monitor over an op alphabet (generators/scope.ts), where
 * S is part of the explored state. So S holds what the laws read and nothing else, and is a flat
 * record of immutable values that `step` reassigns (a shallow copy is a snapshot).
 */
export interface StepLaw<S extends object, O = Observation> {
  /** the state before the first op */
  start(profile: Profile): S;
  /** judge one op and what it observed, updating `s`: a violation message, or null */
  step(s: S, op: Op, o: O, profile: Profile): string | null;
  /** the law judges nothing on this profile (the script is not even run) */
  vacuous?(profile: Profile): boolean;
}

/** The script driver of a law: apply an op, judge it, stop at the first violation. */
export function lawCheck<S extends object>(law: StepLaw<S>): InvariantCheck {
  return (stack, profile, ops) => driveLaw(law, profile, ops, op => stack.apply(op));
}

/** A law over a script already run: the ops and what each observed. */
export function judgeSteps<S extends object>(law: StepLaw<S>, profile: Profile, ops: readonly Op[], obs: readonly Observation[]): Violation | null {
  return driveLaw(law, profile, ops, (_, i) => obs[i]!);
}

/** The loop of every script driver: `observe` applies op i (or looks it up) and gives what the law judges. */
export function driveLaw<S extends object, O>(law: StepLaw<S, O>, profile: Profile, ops: readonly Op[], observe: (op: Op, i: number) => O): Violation | null {
  if (law.vacuous?.(profile)) return null;
  const s = law.start(profile);
  for (let i = 0; i < ops.length; i++) {
    const message = law.step(s, ops[i]!, observe(ops[i]!, i), profile);
    if (message !== null) return { step: i, message };
  }
  return null;
}

/** The side a violation names: the model, the implementation, or a patched model. */
export type Side = 'model' | 'impl' | 'patched model';

/**
 * The sides a property judges on a profile: the model and the implementation, or the model alone
 * when the profile carries a proposal's own rules or the subject has no implementation (a patch).
 */
export function sidesFor(subject: Subject, profile: Profile): (readonly [Side, StackFactory])[] {
  const model = [subject.baseline ? 'patched model' : 'model', subject.model] as const;
  return subject.impl === undefined || hasRules(profile) ? [model] : [model, ['impl', subject.impl]];
}

/**
 * Invariants are statements about the modelled system, so both the model and the
 * implementation must keep them; the violation names the side that broke. A patched model is
 * judged against the model before the patch: a violation counts where that model keeps the law
 * at least one step longer (on the trace cut after the violating op it holds there), so a law the
 * unpatched model already breaks on a trace is not the patch's doing. Laws are judged step by
 * step, so "breaks at step k" is the same as "the trace cut after op k breaks it".
 */
export function onBothSides(check: InvariantCheck): PropertyDef['check'] {
  return (subject, profile, ops) => {
    for (const [side, factory] of sidesFor(subject, profile)) {
      const v = check(factory(profile), profile, ops);
      if (v === null) continue;
      if (side === 'patched model') {
        const before = check(subject.baseline!(profile), profile, ops);
        if (before !== null && before.step <= v.step) continue;
        return { step: v.step, message: `[patched model] ${v.message} (the model before the patch keeps the law here)` };
      }
      return { step: v.step, message: `[${side}] ${v.message}` };
    }
    return null;
  };
}
