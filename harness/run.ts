// Running a property with fast-check: seeds, run budgets, shrinking, and a crash or a proposal's
// failing rule told apart from a violation.

import fc from 'fast-check';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { PropertyDef, Subject, Violation } from '../types/property.ts';
import { ProposalRuleError } from '../types/rules.ts';
import type { StackFactory } from '../types/stack.ts';

export interface RunOptions {
  readonly seed?: number;
  readonly numRuns?: number;
  /** replace the property's profile arbitrary (a policy variant, a broken VMM, ...) */
  readonly profiles?: fc.Arbitrary<Profile>;
  /** stop after this many milliseconds of generation */
  readonly interruptAfterTimeLimit?: number;
}

export interface Counterexample {
  readonly property: string;
  readonly profile: Profile;
  readonly ops: readonly Op[];
  readonly violation: Violation;
  readonly seed: number;
}

export interface RunResult {
  readonly property: string;
  readonly outcome: 'holds' | 'violated';
  readonly runs: number;
  readonly seed: number;
  readonly timeMs: number;
  /** violated only: time until the first failing run (before shrinking), and shrink steps */
  readonly firstFailureMs?: number;
  readonly shrinks?: number;
  readonly counterexample?: Counterexample;
}

/** NEGCHECK_RUNS scales every default run count (1 = the CI default). */
export function scaledRuns(base: number): number {
  const f = Number(process.env['NEGCHECK_RUNS'] ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(f) && f > 0 ? f : 1)));
}

/**
 * A proposal's rule failed while a property ran (ProposalRuleError): the error, and the profile and
 * script that led there, shrunk as a counterexample would be. Not a verdict: runProperty throws it.
 */
export class ProposalFault extends Error {
  override readonly name = 'ProposalFault';
  constructor(readonly error: ProposalRuleError, readonly property: string, readonly profile: Profile, readonly ops: readonly Op[]) {
    super(`${error.message} (while ${property} ran a ${ops.length}-op script)`);
  }
}

/**
 * Runs the property with fast-check. A ProposalRuleError is not a counterexample: once one is met,
 * only rule errors count as failures, so fast-check shrinks to a shortest script that makes the rule
 * fail, and runProperty throws it as a ProposalFault.
 */
export function runProperty(def: PropertyDef, subject: Subject, opts: RunOptions = {}): RunResult {
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  // a budget already spent: no run, nothing to judge (fast-check would call it a failure)
  if (opts.interruptAfterTimeLimit !== undefined && opts.interruptAfterTimeLimit <= 0) {
    return { property: def.id, outcome: 'holds', runs: 0, seed, timeMs: 0 };
  }
  const profiles = opts.profiles ?? def.profiles;
  let firstFailure: number | undefined;
  let ruleFailed = false;
  const prop = fc.property(profiles, def.scripts, (profile, ops) => {
    let ok: boolean;
    try {
      ok = checkSafely(def, subject, profile, ops) === null;
    } catch (e) {
      if (!(e instanceof ProposalRuleError)) throw e;
      ruleFailed = true;
      return false;
    }
    // shrinking a rule error: a script that only violates the property does not count
    if (ruleFailed) return true;
    if (!ok && firstFailure === undefined) firstFailure = performance.now();
    return ok;
  });
  const t0 = performance.now();
  const details = fc.check(prop, {
    seed,
    numRuns: opts.numRuns ?? 100,
    ...(opts.interruptAfterTimeLimit !== undefined
      ? { interruptAfterTimeLimit: opts.interruptAfterTimeLimit, markInterruptAsFailure: false }
      : {}),
  });
  const timeMs = performance.now() - t0;
  if (details.failed && details.counterexample && ruleFailed) {
    const [profile, ops] = details.counterexample;
    try {
      checkSafely(def, subject, profile, ops);
    } catch (e) {
      if (e instanceof ProposalRuleError) throw new ProposalFault(e, def.id, profile, ops);
      throw e;
    }
  }
  if (details.failed && details.counterexample) {
    const [profile, ops] = details.counterexample;
    const violation = checkSafely(def, subject, profile, ops) ?? { step: -1, message: 'not reproducible' };
    return {
      property: def.id, outcome: 'violated', runs: details.numRuns, seed, timeMs,
      firstFailureMs: (firstFailure ?? t0) - t0, shrinks: details.numShrinks,
      counterexample: { property: def.id, profile, ops, violation, seed },
    };
  }
  if (details.failed && !budgetCutBeforeFirstRun(details)) {
    throw new Error(`${def.id}: fast-check failed without a counterexample`);
  }
  return { property: def.id, outcome: 'holds', runs: details.numRuns, seed, timeMs };
}

/**
 * fast-check reports a run that its time limit interrupted before any run succeeded as failed,
 * with no counterexample, even with `markInterruptAsFailure: false` (RunExecution.toRunDetails:
 * `interrupted && numSuccesses === 0`). For a budget that is zero runs, not a failure. Anything
 * else that fails without a counterexample (too many skips) is still an engine error.
 */
export function budgetCutBeforeFirstRun(d: Pick<fc.RunDetails<unknown>, 'failed' | 'interrupted' | 'counterexample' | 'numRuns' | 'numSkips'>): boolean {
  return d.failed && d.interrupted && d.counterexample === null && d.numRuns === 0 && d.numSkips === 0;
}

/**
 * A crash inside model or implementation is a violation too, reported with its message at the
 * script step that was running (the furthest script op applied). A proposal's rule failing is not:
 * its ProposalRuleError propagates (runProperty turns it into a ProposalFault).
 */
export function checkSafely(def: PropertyDef, subject: Subject, profile: Profile, ops: readonly Op[]): Violation | null {
  let step = 0;
  // each stack walks the script from its start: the next occurrence of an op object at or after
  // the last one it applied (a script may hold one op object twice); an op not in the script (a
  // probe, a rewritten op) leaves the step where it was
  const track = (factory: StackFactory): StackFactory => p => {
    const stack = factory(p);
    let next = 0;
    return {
      apply(op: Op): Observation {
        const i = ops.indexOf(op, next);
        if (i >= 0) { step = i; next = i + 1; }
        return stack.apply(op);
      },
    };
  };
  try {
    return def.check({
      model: track(subject.model),
      ...(subject.impl ? { impl: track(subject.impl) } : {}),
      ...(subject.baseline ? { baseline: track(subject.baseline) } : {}),
    }, profile, ops);
  } catch (e) {
    if (e instanceof ProposalRuleError) throw e;
    return { step, message: `threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * The seed of one property run, from a run's seed and a key (the property id, or proposal/property),
 * so that filtering which properties run does not change any one property's seed.
 */
export function seedFor(runSeed: number, key: string): number {
  let h = 0x811c9dc5; // FNV-1a over the key
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (runSeed ^ h) | 0;
}

/** The seed vitest runs use: NEGCHECK_SEED, else a fixed one, so `npm test` is reproducible. */
export function testSeed(): number {
  const s = Number(process.env['NEGCHECK_SEED'] ?? '20221805');
  return Number.isInteger(s) ? s : 20221805;
}
