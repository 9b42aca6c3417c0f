// The explore monitors (properties/*.explore.ts) against the properties' own checkers, and the
// scopes they run over.
//  - equivalence: for profiles of each property's scope and its own random scripts, the product
//    explore runs (explore/stackMachine.ts × monitor), stepped op by op, gives the verdict, step
//    and message `check` gives on the model side; with snapshot/step/restore detours on the way
//    (they restore the model parts and the monitor); a planted faulty model is replayed instead;
//  - planted divergences (a law removed, a restore that forgets) make these comparisons fail;
//  - scopes cover every value of the policy fields a property judges and pin proposals; explore
//    finds each of the catalogue's I-violations with a trace no longer than fast-check's shrunk
//    one, which `check` replays, and none, to depth 3, where the catalogue expects the property
//    to hold (`negcheck explore --proposal ...` runs them to depth 6).

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { explore } from '../explore/engine.ts';
import { withMonitor } from '../explore/monitor.ts';
import type { Explorable, Machine, Monitor } from '../explore/types.ts';
import { createModelStack } from '../model/stack.ts';
import { proveProperty } from '../proposals/prove.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { toJsonValue } from '../types/json.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import { applyPolicy, type Profile } from '../types/profile.ts';
import type { StackFactory } from '../types/stack.ts';
import { guestStackProfileArb } from '../generators/guest.ts';
import { KERNEL_VALUES } from '../generators/vhost.ts';
import {
  distinct, distinctProfiles, lawMonitor, type ExploreEntry, type ExploreScope, type LawSnapshot,
} from '../generators/scope.ts';
import { EXPLORE_ENTRIES, exploreEntry, scopeFor, scopeForProposal, propertyById } from '../properties/index.ts';
import { i2ProfileArb } from '../properties/i2-no-silent-iotlb.ts';
import { i4ProfileArb, persistenceLaw } from '../properties/i4-persistence.ts';
import { withResetProbes } from '../properties/i4-persistence.explore.ts';
import { i6ScopeArb, iotlbLaw, type IotlbLawState } from '../properties/i6-iotlb-laws.ts';
import { crosvmOld } from '../generators/profiles.ts';
import { lastOffByOne } from './mutants.ts';
import { checkSafely, scaledRuns, testSeed } from '../harness/run.ts';
import type { PropertyDef, StepLaw } from '../types/property.ts';
import { replayMachine } from './explore-replay.ts';
import { stackMachine } from '../explore/stackMachine.ts';

type Build = ExploreEntry['explorable'];

/** The model machine explore runs (explore/stackMachine.ts), or a replay of a planted faulty stack (which cannot snapshot). */
const machineOver = (scope: ExploreScope, faulty?: StackFactory): Machine<unknown, Observation> =>
  (faulty ? replayMachine(scope, faulty) : stackMachine(scope.profiles, scope.alphabet));
type Verdict = { readonly step: number; readonly message: string } | null;

const safeStep = (x: Explorable, op: number): string | null => {
  try {
    return x.step(op);
  } catch (e) {
    return `threw: ${e instanceof Error ? e.message : String(e)}`;
  }
};

/** A scope of one profile whose alphabet is the script's distinct ops. */
const scriptScope = (property: string, profile: Profile, ops: readonly Op[]): ExploreScope =>
  ({ property, profiles: [profile], alphabet: distinct(ops), depth: ops.length, describe: () => property });

/**
 * The script through the product explore runs. Before op i, when `detours[i]` is set: snapshot,
 * step that alphabet op, restore (what the engine does between siblings).
 */
function viaExplore(build: Build, property: string, profile: Profile, ops: readonly Op[], faulty: StackFactory | undefined, detours: readonly (number | null)[]): Verdict {
  const scope = scriptScope(property, profile, ops);
  const x = build(scope, machineOver(scope, faulty));
  x.init(0);
  for (let i = 0; i < ops.length; i++) {
    const d = detours[i];
    if (d !== undefined && d !== null) {
      const snap = x.snapshot();
      safeStep(x, d % scope.alphabet.length);
      x.restore(snap);
    }
    const v = safeStep(x, scope.alphabet.findIndex(op => isDeepStrictEqual(op, ops[i])));
    if (v !== null) return { step: i, message: v };
  }
  return null;
}

/** The property's own check on the model side (the model as both subjects), its `[model] ` tag dropped. */
function viaCheck(def: PropertyDef, profile: Profile, ops: readonly Op[], factory: StackFactory): Verdict {
  const v = checkSafely(def, { model: factory, impl: factory }, profile, ops);
  return v && { step: v.step, message: v.message.replace(/^\[model\] /, '') };
}

/** Same verdict, step and message; a throw matches a throw at any step. */
const agree = (want: Verdict, got: Verdict): boolean =>
  want?.message.startsWith('threw') ? got?.message.startsWith('threw') === true : isDeepStrictEqual(want, got);

/** Before about a quarter of the ops, a detour through some alphabet op. */
const detoursArb: fc.Arbitrary<(number | null)[]> = fc.array(fc.option(fc.nat(), { freq: 3, nil: null }), { maxLength: 48 });

interface EquivalenceCase {
  readonly def: PropertyDef;
  readonly profiles: fc.Arbitrary<Profile>;
  /** a planted faulty model (default: the model) */
  readonly factory?: StackFactory;
  readonly build?: Build;
}

/** The equivalence property; `stats` counts the runs and the violations `check` found. */
function equivalence(c: EquivalenceCase, stats = { runs: 0, violated: 0 }): fc.IPropertyWithHooks<[Profile, Op[], (number | null)[]]> {
  const factory = c.factory ?? createModelStack;
  const build = c.build ?? exploreEntry(c.def.id).explorable;
  return fc.property(c.profiles, c.def.scripts, detoursArb, (profile, ops, detours) => {
    const want = viaCheck(c.def, profile, ops, factory);
    stats.runs++;
    if (want) stats.violated++;
    const got = viaExplore(build, c.def.id, profile, ops, c.factory, detours);
    if (!agree(want, got)) throw new Error(`check: ${JSON.stringify(want)}\nmonitor: ${JSON.stringify(got)}`);
  });
}

const def = (id: string): PropertyDef => propertyById(id)!;
/** A driver that carries on after the device refuses FEATURES_OK, on a device requiring a bit nobody offers (I1's own test). */
const brokenDriver = guestStackProfileArb({ checksFeaturesOk: fc.constant(false), deviceRequires: fc.constant(1n << 50n) });
/** seed 004's s390 guest: BE, validate before the feature write, a QEMU <= 6.1 transitional blk device (I3's own test). */
const s390 = guestStackProfileArb({
  probeFlow: fc.constant('validate-before-write'), endian: fc.constant('be'), transport: fc.constant('transitional'),
  transitionalConfig: fc.constant('native-until-version1-written'), deviceType: fc.constant('blk'), blkValidate: fc.constant('blk-size'),
});
const brokenResets = i4ProfileArb(fc.constantFrom('unconditional-persist', 'reset-then-reset-map', 'persist-bit-without-compat-reset'));
const v1From32BitVmm = i6ScopeArb.map(p => applyPolicy(p, { kernel: { abi: 'lp64' }, vmm: { userAbi: 'i386', iotlbMsgV2: false } }));

/**
 * Per property: the profiles of its scope and broken variants (so that violations are compared
 * too, not only nulls), the runs (400 unless said), and the least violations they must see.
 */
const CASES: readonly (EquivalenceCase & { readonly name: string; readonly minViolated: number; readonly runs?: number })[] = [
  { name: 'I1 over its profiles and a driver that ignores a refused FEATURES_OK', def: def('I1'), profiles: fc.oneof(def('I1').profiles, brokenDriver), minViolated: 20 },
  { name: 'I2 over its scope and crosvm before 4e7d00be', def: def('I2'), profiles: fc.oneof(def('I2').scope!, i2ProfileArb(fc.constant(crosvmOld))), minViolated: 20 },
  { name: 'I3 over its scope and the s390 guest', def: def('I3'), profiles: fc.oneof(def('I3').scope!, s390), runs: 1500, minViolated: 10 },
  { name: 'I4 over its scope and the resets that break it', def: def('I4'), profiles: fc.oneof(def('I4').scope!, brokenResets), runs: 5000, minViolated: 10 },
  { name: 'I5 over its scope (raw-forwarding VMMs too)', def: def('I5'), profiles: def('I5').scope!, minViolated: 20 },
  { name: 'I6 over its scope (size 0 unchecked too) and a 32-bit VMM writing v1', def: def('I6'), profiles: fc.oneof(i6ScopeArb, v1From32BitVmm), runs: 800, minViolated: 20 },
  { name: 'I6 on a model whose UPDATE is one byte short', def: def('I6'), profiles: i6ScopeArb, factory: lastOffByOne(createModelStack), minViolated: 20 },
];

describe('explore monitors ≡ the properties\' checkers (model side)', () => {
  it.each(CASES.map(c => [c.name, c] as const))('%s', (_name, c) => {
    const stats = { runs: 0, violated: 0 };
    fc.assert(equivalence(c, stats), { seed: testSeed(), numRuns: scaledRuns(c.runs ?? 400) });
    console.log(`${c.name}: ${stats.runs} runs, ${stats.violated} violated`);
    // the comparison must see violations, not only nulls
    expect(stats.violated).toBeGreaterThanOrEqual(Math.min(c.minViolated, stats.runs));
  });
});

/** The law with the violations matching `drop` turned into null: one law removed. */
const withoutLaw = <S extends object, O>(law: StepLaw<S, O>, drop: RegExp): StepLaw<S, O> => ({
  ...law,
  step: (s, op, o, profile) => {
    const m = law.step(s, op, o, profile);
    return m !== null && drop.test(m) ? null : m;
  },
});

const i6With = (monitor: (scope: ExploreScope) => Monitor<LawSnapshot<IotlbLawState>, Observation>): Build =>
  (scope, machine) => withMonitor(machine, monitor(scope));

describe('planted divergences make the equivalence fail', () => {
  const fails = (c: EquivalenceCase): boolean => fc.check(equivalence(c), { seed: testSeed(), numRuns: scaledRuns(1500) }).failed;

  it('a monitor without I6\'s rejection law (a malformed write must return the kernel\'s error)', () => {
    const build = i6With(scope => lawMonitor(scope, withoutLaw(iotlbLaw, /a malformed write must return/)));
    expect(fails({ def: def('I6'), profiles: i6ScopeArb, build })).toBe(true);
  });

  it('a monitor without I4\'s contract for old userspace', () => {
    const build: Build = (scope, machine) =>
      withMonitor(withResetProbes(machine, scope), lawMonitor(scope, withoutLaw(persistenceLaw, /old userspace/)));
    expect(fails({ def: def('I4'), profiles: def('I4').scope!, build })).toBe(true);
  });

  it('an I6 monitor whose restore forgets the look-back window (seen through the detours)', () => {
    const build = i6With(scope => {
      const m = lawMonitor(scope, iotlbLaw);
      return { ...m, restore: s => m.restore({ ...s, law: { ...s.law, window: null } }) };
    });
    expect(fails({ def: def('I6'), profiles: i6ScopeArb, factory: lastOffByOne(createModelStack), build })).toBe(true);
  });
});

/** `party.field` of a profile. */
const field = (p: Profile, f: string): unknown => {
  const [party, key] = f.split('.') as [keyof Profile, string];
  return (p[party] as unknown as Record<string, unknown>)[key];
};
const valuesOf = (ps: readonly Profile[], f: string): unknown[] => distinct(ps.map(p => field(p, f)));
const contains = (xs: readonly unknown[], x: unknown): boolean => xs.some(y => isDeepStrictEqual(x, y));
const asKey = (x: unknown): string => JSON.stringify(toJsonValue(x));

describe('explore scopes', () => {
  // Fields with at most 8 values are enumerated; set-valued ones with more (a VMM's known IDR
  // fields) take edges only. Numbers are edges in narrow/default, all values in wide.
  it.each(EXPLORE_ENTRIES.map(e => [e.id, e] as const))('%s covers every value of each field it judges, and over its own profiles no more', (id, e) => {
    const d = def(id);
    const sample = (arb: fc.Arbitrary<Profile>): Profile[] => fc.sample(arb, { seed: testSeed(), numRuns: 2000 }).filter(p => !e.vacuous?.(p));
    const inScope = sample(d.scope ?? d.profiles);
    const inProfiles = sample(d.profiles);
    for (const f of d.judges ?? []) {
      const drawn = valuesOf(inScope, f);
      if (drawn.length > 8) continue;
      const level = drawn.every(v => typeof v === 'number') ? 'wide' : 'narrow';
      const enumerated = valuesOf(scopeFor(id, { over: 'scope', values: level }).profiles, f);
      for (const v of drawn) expect(contains(enumerated, v), `${id} ${f} = ${String(v)} missing at values ${level}`).toBe(true);
      const own = valuesOf(inProfiles, f);
      for (const v of valuesOf(scopeFor(id, { over: 'profiles', values: 'wide' }).profiles, f)) {
        expect(contains(own, v), `${id} ${f} = ${String(v)} is not among the property's own profiles`).toBe(true);
      }
    }
  });

  it('keep the catalogue\'s variants: crosvm before and after 4e7d00be and QEMU (I2), every parent (I4, I6), LE/BE guests and every transport (I1, I3)', () => {
    const vmms = valuesOf(scopeFor('I2', { over: 'scope', values: 'narrow' }).profiles, 'vmm.features');
    expect(vmms).toEqual(expect.arrayContaining(['intersect', 'intersect-mask-access-platform', 'allowlist']));
    for (const id of ['I4', 'I6']) expect(valuesOf(scopeFor(id, { values: 'narrow' }).profiles, 'kernel.parent')).toHaveLength(KERNEL_VALUES.parent.length);
    for (const id of ['I1', 'I3']) {
      const ps = scopeFor(id, { values: 'narrow' }).profiles;
      expect(valuesOf(ps, 'guest.endian')).toHaveLength(2);
      expect(valuesOf(ps, 'guest.transport')).toHaveLength(3);
    }
  });

  it('narrow ⊆ default ⊆ wide, in profiles and in ops', () => {
    for (const e of EXPLORE_ENTRIES) {
      for (const over of ['profiles', 'scope'] as const) {
        const [n, d, w] = (['narrow', 'default', 'wide'] as const).map(values => e.scope({ values, over }));
        for (const [a, b] of [[n!, d!], [d!, w!]] as const) {
          for (const part of ['alphabet', 'profiles'] as const) {
            const bigger = new Set(b[part].map(asKey));
            expect(a[part].filter(x => !bigger.has(asKey(x))), `${e.id} ${over} ${part}`).toEqual([]);
          }
        }
      }
    }
  });

  it('describe the sizes they have (the sizes themselves are docs/explore.md\'s generated table)', () => {
    for (const e of EXPLORE_ENTRIES) {
      const own = e.scope();
      expect(own.depth).toBe(6);
      expect(own.describe()).toContain(`${own.profiles.length} profiles × ${own.alphabet.length} ops, depth 6`);
      expect(e.scope({ over: 'scope' }).profiles.length).toBeGreaterThanOrEqual(own.profiles.length);
    }
  });

  it('pin each proposal\'s policy onto the proposal scope: every profile carries it, each once', () => {
    for (const p of CATALOGUE) {
      for (const id of Object.keys(p.expect).filter(k => k !== 'R')) {
        const s = scopeForProposal(p, id);
        expect(s.profiles.length, `${p.id} ${id}`).toBeGreaterThan(0);
        expect(s.profiles.length).toBeLessThanOrEqual(scopeFor(id, { over: 'scope' }).profiles.length);
        expect(distinctProfiles(s.profiles)).toHaveLength(s.profiles.length);
        for (const profile of s.profiles) expect(applyPolicy(profile, p.policy)).toEqual(profile);
        expect(s.describe()).toMatch(/^pinned: /m);
      }
    }
  });
});

describe('explore over the model finds the catalogue\'s I-violations, no longer than fast-check', () => {
  const rows = CATALOGUE.flatMap(p => Object.entries(p.expect)
    .filter(([id, e]) => id !== 'R' && e!.verdict === 'violated')
    .map(([id]) => [`${p.id} ${id}`, p, id] as const));

  it.each(rows)('%s', (_name, p, id) => {
    const fast = proveProperty(p, id as 'I1', { seed: testSeed(), runs: scaledRuns(3000) });
    expect(fast.found).toBe('violated');
    // fast-check's shrunk trace up to and including its violating step
    const bound = fast.violation!.step + 1;
    const e = exploreEntry(id);
    const scope = scopeForProposal(p, id);
    const r = explore(e.explorable(scope, machineOver(scope)), { maxDepth: bound });
    expect(r.outcome, scope.describe()).toBe('violated');
    if (r.outcome !== 'violated') return;
    const { init, ops, message } = r.counterexample;
    expect(ops.length).toBeLessThanOrEqual(bound);
    // the property's own check replays it, violated at its last op
    const v = checkSafely(def(id), { model: createModelStack, impl: createModelStack }, scope.profiles[init]!, e.script(scope, ops));
    expect(v?.step, message).toBe(ops.length - 1);
    console.log(`${p.id} ${id}: explore ${ops.length} ops (fast-check ${bound} of ${fast.entry!.ops.length}), ${r.distinct} states: ${message}`);
  });
});

describe('explore over the model agrees, to depth 3, where the catalogue expects an I-property to hold', () => {
  const rows = CATALOGUE.flatMap(p => Object.entries(p.expect)
    .filter(([id, e]) => id !== 'R' && e!.verdict === 'holds')
    .map(([id]) => [`${p.id} ${id}`, p, id] as const));

  it.each(rows)('%s', (_name, p, id) => {
    const scope = scopeForProposal(p, id, { depth: 3 });
    const r = explore(exploreEntry(id).explorable(scope, machineOver(scope)), { maxDepth: 3 });
    expect(r.outcome, r.outcome === 'violated' ? `${r.counterexample.message}\n${scope.describe()}` : '').toBe('holds');
    // every trace of up to 3 ops checked, or the whole reachable space (a level added nothing)
    expect(r.outcome === 'holds' && (r.complete || r.depthCompleted === 3)).toBe(true);
  });
});
