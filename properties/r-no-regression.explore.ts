// R for explore (a proposal's only: R exists against a baseline). The machine is a pair of model
// stacks, the baseline's and the proposal's, each applying the op as the old userspace issues it
// on that profile pair (asOldUserspace, computed once per pair: a dropped op is a step of neither
// stack, observed as null); the observation is the pair. The monitor keeps one bit, "a relaxation
// was seen" (a call the baseline refused succeeds on the proposal: compareRuns stops there, so
// nothing after it is judged), and judges sameForOldUserspace on both sides as regressionCheck does.
//
// The scope: the I-scopes (over the proposal scope, values narrow unless asked wider) of the
// properties whose judged fields the proposal's policy or baseline touch (all of them if none),
// each profile made an old-userspace one (the upstream guest, each old VMM: the proposal's
// oldVmms, or every VMM the seeds name), the baseline and the policy pinned: one initial state per
// distinct (baseline profile, proposal profile) pair. The alphabet is the union of those scopes'.

import { createModelStack } from '../model/stack.ts';
import { withMonitor } from '../explore/monitor.ts';
import type { Explorable, Monitor } from '../explore/types.ts';
import { changeSides, type PolicyChange } from '../types/change.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import { patchedFields, type Profile } from '../types/profile.ts';
import type { PolicyField } from '../types/policy.ts';
import type { ModelFactory, PatchModels, SnapshottingStack } from '../types/stack.ts';
import type { Side } from '../types/property.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { toJsonValue } from '../types/json.ts';
import { distinct, traceBound, withDefaults, type ExploreEntry, type ExploreScope, type ScopeOptions, type ValueLevel } from '../generators/scope.ts';
import { upstreamGuest } from '../generators/profiles.ts';
import { asOldUserspace, partsWays, sameForOldUserspace, SEED_VMMS, type NewBits } from './r-no-regression.ts';

/** One initial state: the old-userspace profile (what R's check is given) and its two pinned profiles. */
export interface RPair {
  readonly profile: Profile;
  readonly baseline: Profile;
  readonly proposal: Profile;
  /** alphabet op k as this old userspace issues it on the baseline, null: it does not issue it */
  readonly script: readonly (Op | null)[];
}

/** R's scope: `profiles[i]` is `pairs[i].profile`, what R's own check replays a trace on. */
export interface RScope extends ExploreScope {
  readonly pairs: readonly RPair[];
}

/** An invariant's explore entry and the policy fields it judges (properties/index.ts gives R every registered one). */
export interface JudgingScope {
  readonly entry: ExploreEntry;
  readonly judges: readonly PolicyField[];
}

/** The I-properties whose scopes R's scope is made of: those judging a field the proposal or its baseline patch. */
function sourceProperties(p: PolicyChange, sources: readonly JudgingScope[]): ExploreEntry[] {
  const fields = new Set([...patchedFields(p.policy), ...patchedFields(p.baseline ?? {})]);
  const touched = sources.filter(s => s.judges.some(f => fields.has(f)));
  return (touched.length ? touched : sources).map(s => s.entry);
}

/** The I-scopes' value level (default: default; at depth 6 the largest catalogue R scope, 72 pairs × 18 ops, takes about a second). */
const subLevel = (v: ValueLevel | undefined): ValueLevel => v ?? 'default';

export function rScopeForProposal(p: PolicyChange, entries: readonly JudgingScope[], opts: Omit<ScopeOptions, 'over'> = {}): RScope {
  if (!p.baseline) throw new Error('R is explored for a proposal with a baseline only');
  const options = withDefaults({ ...opts, over: 'scope' });
  const values = subLevel(opts.values);
  const sources = sourceProperties(p, entries);
  const scopes = sources.map(e => e.scope({ values, over: 'scope', depth: options.depth }));
  const newBits: NewBits = p.newBits ?? {};
  const alphabet = distinct(scopes.flatMap(s => s.alphabet));
  const vmms = p.oldVmms ?? SEED_VMMS;
  const seen = new Set<string>();
  const pairs: RPair[] = [];
  for (const s of scopes) {
    for (const sp of s.profiles) {
      for (const vmm of vmms) {
        // the upstream guest even where the old userspace takes in every guest (a patch): the I-scopes'
        // guests would make some 40,000 pairs, and the search would not get past depth 0
        const profile: Profile = { ...sp, vmm, guest: upstreamGuest };
        const { baseline, proposal } = changeSides(p, profile);
        const key = JSON.stringify(toJsonValue({ baseline, proposal }));
        if (seen.has(key)) continue;
        seen.add(key);
        // asOldUserspace op by op: a dropped op becomes null, so alphabet indices stay put
        const issued = (op: Op): Op | null => asOldUserspace(createModelStack(baseline), [op], newBits, baseline.vmm)[0] ?? null;
        pairs.push({ profile, baseline, proposal, script: alphabet.map(issued) });
      }
    }
  }
  const profiles = pairs.map(x => x.profile);
  return {
    property: 'R', profiles, alphabet, depth: options.depth, pairs,
    describe: () => [
      `R scope (values ${values}, over the proposal scopes of ${sources.map(e => e.id).join(', ')}): ` +
        `${pairs.length} (baseline, proposal) profile pairs × ${alphabet.length} ops, depth ${options.depth}; ` +
        `at most ${traceBound(pairs.length, alphabet.length, options.depth).toExponential(1)} states (every trace distinct)`,
      `profiles: those scopes' profiles with the upstream guest and each old VMM (${p.oldVmms ? 'the proposal\'s' : 'every VMM the seeds name'}), ` +
        'the baseline and the policy pinned, equal pairs once',
      'alphabet (as the old userspace issues it per pair: feature words masked to the baseline offer minus newBits, ' +
        'no IOTLB protocol from a VMM that does not speak it, no array feature ioctls from one that knows only the 64-bit ones):',
      ...alphabet.map((op, i) => `  ${String(i).padStart(2)} ${formatOp(op)}`),
    ].join('\n'),
  };
}

export interface RMachineSnapshot {
  readonly pair: number;
  readonly baseline: unknown;
  readonly proposal: unknown;
}

/** What both runs observed; null: the old userspace did not issue the op. */
export type RObservation = { readonly op: Op; readonly baseline: Observation; readonly proposal: Observation } | null;

/** The two model stacks over R's pairs, op k applied as the pair's old userspace issues it. */
export function rMachine(scope: RScope, models: { readonly baseline: ModelFactory; readonly proposal: ModelFactory } = { baseline: createModelStack, proposal: createModelStack }) {
  const { pairs } = scope;
  if (pairs.length === 0) throw new Error('rMachine: a scope needs at least one profile pair');
  let current = 0;
  let b: SnapshottingStack | undefined;
  let p: SnapshottingStack | undefined;
  const cache: ([SnapshottingStack, SnapshottingStack] | undefined)[] = new Array(pairs.length);
  const fresh = (i: number): [SnapshottingStack, SnapshottingStack] => [models.baseline(pairs[i]!.baseline), models.proposal(pairs[i]!.proposal)];
  return {
    initCount: pairs.length,
    alphabetSize: scope.alphabet.length,
    init(i: number): void {
      if (!(i >= 0 && i < pairs.length)) throw new RangeError(`rMachine: no profile pair ${i}`);
      current = i;
      [b, p] = cache[i] = fresh(i);
    },
    apply(k: number): RObservation {
      if (b === undefined || p === undefined) throw new Error('rMachine: apply before init');
      const op = pairs[current]!.script[k];
      if (op === undefined) throw new RangeError(`rMachine: no op ${k} in an alphabet of ${scope.alphabet.length}`);
      if (op === null) return null;
      return { op, baseline: b.apply(op), proposal: p.apply(op) };
    },
    snapshot(): RMachineSnapshot {
      if (b === undefined || p === undefined) throw new Error('rMachine: snapshot before init');
      return { pair: current, baseline: b.snapshot(), proposal: p.snapshot() };
    },
    restore(s: RMachineSnapshot): void {
      if (s.pair !== current || b === undefined || p === undefined) {
        current = s.pair;
        [b, p] = cache[current] ??= fresh(current);
      }
      b.restore(s.baseline);
      p.restore(s.proposal);
    },
  };
}

/** R's step law: one bit, whether a relaxation was seen (then nothing more is judged). Messages as regressionCheck's model side. */
export function rMonitor(side: Side = 'model'): Monitor<boolean, RObservation> {
  let relaxed = false;
  return {
    init() { relaxed = false; },
    step(_k, o) {
      if (relaxed || o === null) return null;
      if (sameForOldUserspace(o.op, o.baseline, o.proposal)) return null;
      if (partsWays(o.op, o.baseline, o.proposal)) { relaxed = true; return null; }
      return `[${side}] old userspace: ${formatOp(o.op)} -> ${formatObservation(o.baseline)} on the baseline, ` +
        `${formatObservation(o.proposal)} on the proposal`;
    },
    snapshot: () => relaxed,
    restore(m) { relaxed = m; },
  };
}

const isRScope = (s: ExploreScope): s is RScope => 'pairs' in s;

/** R over its scope; with a patch, the baseline runs on the model before it and the proposal on the patched one. */
export function rExplorable(scope: ExploreScope, patch?: PatchModels): Explorable {
  if (!isRScope(scope)) throw new Error('R explores an R scope (scopeForProposal(p, "R")) only');
  if (!patch) return withMonitor(rMachine(scope), rMonitor());
  return withMonitor(rMachine(scope, { baseline: patch.baseline, proposal: patch.patched }), rMonitor('patched model'));
}

/**
 * R's entry. Its scope needs the proposal (proposalScope); its machine is its own pair of stacks,
 * so the single-stack machine callers pass is not used. The script R's check replays is the
 * alphabet ops of the trace: the check rewrites them as the old userspace itself.
 */
export function rEntry(iEntries: readonly JudgingScope[]): ExploreEntry {
  return {
    id: 'R',
    scope: () => { throw new Error('R has an explore scope for a proposal with a baseline only (explore --proposal)'); },
    proposalScope: (p, opts) => rScopeForProposal(p, iEntries, opts),
    explorable: scope => rExplorable(scope),
    script: (scope, trace) => trace.map(i => scope.alphabet[i]!),
  };
}
