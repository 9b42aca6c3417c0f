// What every property brings to explore: a finite scope (profiles × an op alphabet × a depth)
// built from small value sets, and its step law driven as explore's Monitor. The laws
// themselves live in the property files (StepLaw); this file only drives them.

import { isDeepStrictEqual } from 'node:util';
import { withMonitor } from '../explore/monitor.ts';
import type { Explorable, Machine, Monitor } from '../explore/types.ts';
import type { Observation } from '../types/observation.ts';
import type { PolicyChange } from '../types/change.ts';
import { toJsonValue } from '../types/json.ts';
import type { Op } from '../types/ops.ts';
import { applyPolicy, patchedFields, type PolicyPatch, type Profile } from '../types/profile.ts';
import { formatOp, hex } from '../types/trace.ts';
import type { StepLaw } from '../types/property.ts';

/**
 * How many values each value set keeps. `narrow`: the edges a law needs at all; `default`: the
 * edges the design names (iova 0, page boundaries, 2^64-1; sizes 0, 1, a page; each version,
 * ABI, feature subset that matters); `wide`: more of them, and fields the property does not judge.
 * Policy values a property judges and the catalogue's variants are in every level.
 */
export type ValueLevel = 'narrow' | 'default' | 'wide';

export interface ScopeOptions {
  readonly values?: ValueLevel;
  /**
   * `profiles`: what the property quantifies over on its own (fast-check's `profiles`, what
   * `negcheck fuzz` runs); `scope`: what a proposal is judged over (`scope ?? profiles`, as prove's
   * propertyFor: broken VMMs, every reset rule...), before the proposal's policy is pinned.
   */
  readonly over?: 'profiles' | 'scope';
  /** trace length bound (default 6) */
  readonly depth?: number;
}

export const DEFAULT_DEPTH = 6;

/** A finite scope: what an explore verdict covers. */
export interface ExploreScope {
  /** the property id */
  readonly property: string;
  readonly profiles: readonly Profile[];
  readonly alphabet: readonly Op[];
  readonly depth: number;
  /** every profile axis, the alphabet, the depth and the size bound, in words */
  describe(): string;
}

/** A value set: each value with how describe() names it. */
export type Axis<T> = readonly (readonly [label: string, value: T])[];

/** Values that name themselves. */
export const axis = <T extends string | number | boolean>(...vs: readonly T[]): Axis<T> => vs.map(v => [String(v), v] as const);

/** Values named by a label function. */
export const labelled = <T>(label: (v: T) => string, vs: readonly T[]): Axis<T> => vs.map(v => [label(v), v] as const);

type Axes = Readonly<Record<string, Axis<unknown>>>;
type Pick1<A extends Axes> = { -readonly [K in keyof A]: A[K] extends Axis<infer T> ? T : never };

/** Every combination of the axes, the first axis slowest. */
export function product<A extends Axes>(axes: A): Pick1<A>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(axes)) {
    out = out.flatMap(partial => values.map(([, v]) => ({ ...partial, [name]: v })));
  }
  return out as Pick1<A>[];
}

/** `name ∈ {a, b}` per axis, joined by ×. */
export function describeAxes(axes: Axes): string {
  return Object.entries(axes).map(([name, vs]) => `${name} ∈ {${vs.map(([l]) => l).join(', ')}}`).join(' × ');
}

/** Profiles equal as data count once (pinning a policy makes many equal), first occurrence kept. */
export function distinctProfiles(ps: readonly Profile[]): Profile[] {
  const seen = new Set<string>();
  return ps.filter(p => {
    const key = JSON.stringify(toJsonValue(p));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Values equal as data count once, first occurrence kept (ops: value sets that meet, e.g. two edges that coincide). */
export function distinct<T>(xs: readonly T[]): T[] {
  return xs.filter((x, i) => xs.findIndex(y => isDeepStrictEqual(x, y)) === i);
}

/** Σ_{d ≤ depth} |alphabet|^d per profile: traces of up to `depth` ops, an upper bound on states. */
export function traceBound(profiles: number, alphabet: number, depth: number): number {
  let per = 0;
  for (let d = 0, t = 1; d <= depth; d++, t *= alphabet) per += t;
  return profiles * per;
}

export interface ScopeParts {
  readonly property: string;
  readonly options: Required<ScopeOptions>;
  /** one line per group of profiles: how it was built */
  readonly profileLines: readonly string[];
  readonly profiles: readonly Profile[];
  readonly alphabet: readonly Op[];
  /** the law judges nothing on these profiles: left out (StepLaw.vacuous) */
  readonly vacuous?: (p: Profile) => boolean;
  /** anything else a reader must know about what the verdict covers */
  readonly notes?: readonly string[];
}

export function withDefaults(o: ScopeOptions = {}): Required<ScopeOptions> {
  return { values: o.values ?? 'default', over: o.over ?? 'profiles', depth: o.depth ?? DEFAULT_DEPTH };
}

/** A scope from its parts: profiles and ops deduplicated, and a describe() that lists them. */
export function makeScope(parts: ScopeParts): ExploreScope {
  const all = distinctProfiles(parts.profiles);
  const profiles = all.filter(p => !parts.vacuous?.(p));
  const alphabet = distinct(parts.alphabet);
  const { property, options } = parts;
  return {
    property, profiles, alphabet, depth: options.depth,
    describe: () => [
      `${property} scope (values ${options.values}, over the property's ${options.over}): ` +
        `${profiles.length} profiles × ${alphabet.length} ops, depth ${options.depth}; ` +
        `at most ${traceBound(profiles.length, alphabet.length, options.depth).toExponential(1)} states (every trace distinct)`,
      'profiles (upstreamProfile elsewhere):',
      ...parts.profileLines.map(l => `  ${l}`),
      ...(all.length > profiles.length ? [`  left out: ${all.length - profiles.length} of them, on which ${property} judges nothing`] : []),
      'alphabet:',
      ...alphabet.map((op, i) => `  ${String(i).padStart(2)} ${formatOp(op)}`),
      ...(parts.notes ?? []),
    ].join('\n'),
  };
}

/**
 * A proposal's policy pinned onto a scope's profiles (as prove's propertyFor does with the
 * property's scope arbitrary), equal profiles merged, and profiles the law judges nothing on
 * dropped. Build the scope `over: 'scope'` first.
 */
export function pinPolicy(scope: ExploreScope, patch: PolicyPatch, vacuous?: (p: Profile) => boolean): ExploreScope {
  const pinned = distinctProfiles(scope.profiles.map(p => applyPolicy(p, patch)));
  const profiles = pinned.filter(p => !vacuous?.(p));
  const fields = patchedFields(patch).map(f => `${f} = ${pinnedValue(patch, f)}`).join(', ');
  return {
    ...scope, profiles,
    describe: () => [
      `${scope.describe()}`,
      `pinned: ${fields || 'nothing'}; ${profiles.length} distinct profiles` +
        `${pinned.length > profiles.length ? ` (${pinned.length - profiles.length} more on which the law judges nothing)` : ''}; ` +
        `at most ${traceBound(profiles.length, scope.alphabet.length, scope.depth).toExponential(1)} states`,
    ].join('\n'),
  };
}

function pinnedValue(patch: PolicyPatch, field: string): string {
  const [party, key] = field.split('.') as ['kernel' | 'vmm' | 'guest', string];
  const v = (patch[party] as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'bigint' ? hex(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/** A law monitor's state: the profile it judges (by index) and the law's own state. */
export interface LawSnapshot<S> {
  readonly profile: number;
  readonly law: S;
}

/**
 * A law as explore's Monitor over a scope: init picks the profile, step judges alphabet op i with
 * the machine's observation. The snapshot is a shallow copy of the law state (its fields are
 * immutable values the law reassigns), and restore copies again so a snapshot stays reusable.
 * The engine fingerprints all of it: whatever the law keeps is explored state.
 */
export function lawMonitor<S extends object, O>(scope: ExploreScope, law: StepLaw<S, O>): Monitor<LawSnapshot<S>, O> {
  let index = 0;
  let profile = scope.profiles[0]!;
  let vacuous = false;
  let s = law.start(profile);
  const judge = (i: number): void => {
    index = i;
    profile = scope.profiles[i]!;
    vacuous = law.vacuous?.(profile) ?? false;
  };
  return {
    init(i) {
      judge(i);
      s = law.start(profile);
    },
    step: (op, o) => (vacuous ? null : law.step(s, scope.alphabet[op]!, o, profile)),
    snapshot: () => ({ profile: index, law: { ...s } }),
    restore(m) {
      if (m.profile !== index) judge(m.profile);
      s = { ...m.law };
    },
  };
}

/** One property's share of explore: its scope, and the product with a model machine. */
export interface ExploreEntry {
  readonly id: string;
  /** the property it judges, when that is not its id (P0@I6 judges P0 over I6's scope) */
  readonly property?: string;
  scope(opts?: ScopeOptions): ExploreScope;
  /**
   * The scope a proposal is judged over, when the entry builds it itself rather than by pinning
   * the policy onto scope({ over: 'scope' }) (R: the pairs of baseline and proposal profiles).
   */
  proposalScope?(p: PolicyChange, opts?: Omit<ScopeOptions, 'over'>): ExploreScope;
  /** the profiles the law judges nothing on (dropped when a proposal is pinned) */
  readonly vacuous?: (p: Profile) => boolean;
  /**
   * machine × the property's monitor, over the machine of this scope (profiles × alphabet); R
   * builds its own machine (two stacks) from its scope and does not use the one passed
   */
  explorable(scope: ExploreScope, machine: Machine<unknown, Observation>): Explorable;
  /**
   * The script the property's own `check` replays for an explore trace (the ops of the trace),
   * to cross-check a counterexample; the violating step is the trace's last op.
   */
  script(scope: ExploreScope, trace: readonly number[]): Op[];
}

/** The alphabet ops of a trace. */
export const traceOps = (scope: ExploreScope, trace: readonly number[]): Op[] => trace.map(i => scope.alphabet[i]!);

/** The entry of a law judged on plain observations (all but I4): machine × lawMonitor, the trace as the script. */
export function lawEntry<S extends object>(id: string, scope: (opts?: ScopeOptions) => ExploreScope, law: StepLaw<S>): ExploreEntry {
  return {
    id, scope,
    ...(law.vacuous ? { vacuous: law.vacuous } : {}),
    explorable: (sc, machine) => withMonitor(machine, lawMonitor(sc, law)),
    script: traceOps,
  };
}
