// A story: a counterexample saved to tell a seed thread's story must keep what the story is
// about (the BTM bit of seed 003, the BE guest of seed 004, ...) while the search shrinks the
// rest. A story names its essentials: profile fields pinned to a value, and what the trace (ops
// and the model's observations) must show. The same essentials pin the search's profiles and
// judge a saved entry.

import { isDeepStrictEqual } from 'node:util';
import type { Observation } from '../types/observation.ts';
import type { Op, OpKind } from '../types/ops.ts';
import { applyPolicy, type PolicyPatch, type Profile } from '../types/profile.ts';
import type { GuestConfig } from '../types/policy.ts';
import { idrFieldValue, smmuIdrField, withIdrFields, type IdrFieldValues } from '../types/smmuIdr.ts';
import type { StackFactory } from '../types/stack.ts';
import { formatRet } from '../types/trace.ts';

/** One step of a trace: the op and what the model observed. */
export interface TraceStep {
  readonly op: Op;
  readonly observed: Observation;
}

/** A kind of step a story looks for. */
export interface StepMatch {
  /** e.g. "VMM_SET_FEATURES passes ACCESS_PLATFORM -> 0" */
  readonly says: string;
  test(step: TraceStep): boolean;
}

/** Something the whole trace must show. */
export interface TraceEssential {
  readonly says: string;
  holds(steps: readonly TraceStep[]): boolean;
}

/** Profile fields a story is about, with the value each must keep. */
export interface StoryPins extends PolicyPatch {
  readonly guestConfig?: Partial<GuestConfig>;
  /** hardware SMMU IDR fields and the value each must have */
  readonly idr?: IdrFieldValues;
}

export interface Story {
  /** the corpus file's stem: corpus/<name>.json */
  readonly name: string;
  /** the seed thread it tells (shared/seeds/<file>) */
  readonly seed: string;
  /** the property whose violation tells it */
  readonly property: string;
  readonly title: string;
  readonly pins: StoryPins;
  readonly trace: readonly TraceEssential[];
}

/** A step whose op is of `kind` and, if given, passes `test`. */
export function step<K extends OpKind>(
  kind: K, says: string, test: (op: Extract<Op, { kind: K }>, observed: Observation) => boolean = () => true,
): StepMatch {
  return { says: `${kind} ${says}`, test: s => s.op.kind === kind && test(s.op as Extract<Op, { kind: K }>, s.observed) };
}

/** A step of `kind` that returned `ret` (0, a byte count, or -errno). */
export function returns(kind: OpKind, ret: number): StepMatch {
  return step(kind, `-> ${formatRet(ret)}`, (_op, o) => 'ret' in o && o.ret === ret);
}

/** Steps matching each of `matches`, in this order (other steps may come between). */
export function inOrder(...matches: readonly StepMatch[]): TraceEssential {
  return {
    says: matches.map(m => m.says).join(', then '),
    holds(steps) {
      let next = 0;
      for (const s of steps) if (next < matches.length && matches[next]!.test(s)) next++;
      return next === matches.length;
    },
  };
}

/** The last step matches. */
export function endsWith(m: StepMatch): TraceEssential {
  return { says: `ends with ${m.says}`, holds: steps => steps.length > 0 && m.test(steps[steps.length - 1]!) };
}

/** No step matches. */
export function never(m: StepMatch): TraceEssential {
  return { says: `never ${m.says}`, holds: steps => !steps.some(s => m.test(s)) };
}

/** The profile with the story's pins put in: what the search generates, so shrinking never loses them. */
export function pinProfile(p: Profile, pins: StoryPins): Profile {
  const q = applyPolicy(p, pins);
  return {
    ...q,
    guest: { ...q.guest, config: { ...q.guest.config, ...pins.guestConfig } },
    smmu: pins.idr ? { idr: withIdrFields(q.smmu.idr, pins.idr) } : q.smmu,
  };
}

/** Every pinned field whose value the profile does not have, as `party.field=value`. */
export function pinGaps(pins: StoryPins, p: Profile): string[] {
  const gaps: string[] = [];
  const compare = (party: string, actual: object, wanted: object | undefined): void => {
    for (const [k, v] of Object.entries(wanted ?? {})) {
      if (!isDeepStrictEqual((actual as Record<string, unknown>)[k], v)) gaps.push(`${party}.${k}=${String(v)}`);
    }
  };
  compare('kernel', p.kernel, pins.kernel);
  compare('vmm', p.vmm, pins.vmm);
  compare('guest', p.guest, pins.guest);
  compare('guest.config', p.guest.config, pins.guestConfig);
  for (const [name, v] of Object.entries(pins.idr ?? {})) {
    if (idrFieldValue(p.smmu.idr, smmuIdrField(name)) !== v) gaps.push(`smmu.${name}=${v}`);
  }
  return gaps;
}

/** The trace as the model sees it. */
export function traceSteps(model: StackFactory, profile: Profile, ops: readonly Op[]): TraceStep[] {
  const stack = model(profile);
  return ops.map(op => ({ op, observed: stack.apply(op) }));
}

/** What the counterexample lacks of the story's essentials; empty when it still tells the story. */
export function missingEssentials(story: Story, profile: Profile, steps: readonly TraceStep[]): string[] {
  return [
    ...pinGaps(story.pins, profile).map(g => `profile: ${g}`),
    ...story.trace.filter(e => !e.holds(steps)).map(e => `trace: ${e.says}`),
  ];
}
