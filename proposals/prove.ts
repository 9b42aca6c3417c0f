// Proving a proposal: every property that judges a policy it changes (and R against its
// baseline) runs over profiles with the proposal's fields pinned; each gives holds or a shrunk
// counterexample.

import type fc from 'fast-check';
import { changeSides } from '../types/change.ts';
import type { Op } from '../types/ops.ts';
import { applyPolicy, judgedFields, type Profile, withoutRules } from '../types/profile.ts';
import { formatObservation, formatOp, formatTrace } from '../types/trace.ts';
import { CORPUS_FORMAT, type CorpusEntry } from '../harness/corpus.ts';
import { propertyById, PROPERTY_IDS, type PropertyId } from '../properties/index.ts';
import { runProperty, seedFor, type Counterexample } from '../harness/run.ts';
import type { PropertyDef, Violation } from '../types/property.ts';
import { subjectOf, type PatchedModel } from './patch.ts';
import { asOldUserspace, compareRuns, modelSides, noRegression } from '../properties/r-no-regression.ts';
import type { Observation } from '../types/observation.ts';
import type { StackFactory } from '../types/stack.ts';
import { stackSubject } from '../harness/subject.ts';
import { ProposalRuleError } from '../types/rules.ts';
import { exhaustiveVerdict, type ExhaustiveOptions, type ExhaustiveVerdict } from './exhaustive.ts';
import { proposalRuleNames, type Expected, type Proposal, type Verdict } from './proposal.ts';

export interface ProveOptions {
  readonly seed: number;
  /** runs per property */
  readonly runs: number;
  /** optional time limit per property */
  readonly timeMsPerProperty?: number;
  /** also explore the property's finite scope to this depth (omitted: fast-check only) */
  readonly exhaustive?: ExhaustiveOptions;
}

export interface ProveRow {
  readonly property: PropertyId;
  readonly expected?: Expected;
  readonly found: Verdict;
  readonly runs: number;
  readonly seed: number;
  readonly timeMs: number;
  /** violated only: time to the first failing run, before shrinking */
  readonly firstFailureMs?: number;
  /** violated only */
  readonly violation?: Violation;
  readonly trace?: readonly string[];
  readonly entry?: CorpusEntry;
  /** the exhaustive engine's verdict, when asked for */
  readonly exhaustive?: ExhaustiveVerdict;
  /** fast-check held and the exhaustive engine found a violation: its shortest trace, as a counterexample */
  readonly explored?: { readonly violation: Violation; readonly trace: readonly string[]; readonly entry: CorpusEntry };
}

/**
 * The properties that judge a proposal: those whose rules it changes, R when it names a baseline,
 * and any it expects a verdict from. A patch may change anything the model does: every invariant
 * and R judge it.
 */
export function applicableProperties(p: Proposal): PropertyId[] {
  if (p.patch !== undefined) return [...PROPERTY_IDS];
  const fields = new Set<string>(judgedFields(p.policy));
  return PROPERTY_IDS.filter(id => {
    if (p.expect[id] !== undefined) return true;
    if (id === 'R') return p.baseline !== undefined;
    return (propertyById(id)?.judges ?? []).some(f => fields.has(f));
  });
}

/** The property as run on this proposal: its scope with the proposal's fields pinned, or R. */
export function propertyFor(p: Proposal, id: PropertyId): { def: PropertyDef; profiles: fc.Arbitrary<Profile> } {
  if (id === 'R') {
    if (!p.baseline) throw new Error(`${p.id}: R needs a baseline`);
    const def = noRegression({
      id: p.id, policy: p.policy, baseline: p.baseline,
      ...(p.newBits ? { newBits: p.newBits } : {}), ...(p.oldVmms ? { oldVmms: p.oldVmms } : {}),
      ...(p.oldGuests ? { oldGuests: p.oldGuests } : {}),
    });
    return { def, profiles: def.profiles };
  }
  const def = propertyById(id)!;
  return { def, profiles: (def.scope ?? def.profiles).map(profile => applyPolicy(profile, p.policy)) };
}

/** Two runs of one script side by side: each op, what the left side answered, and the right's where it differs. */
export function sideBySide(
  head: readonly [string, string, string], steps: readonly { op: Op; left: Observation; right: Observation }[], broken: number | null,
): string[] {
  const width = Math.max(head[0].length, ...steps.map(s => formatOp(s.op).length));
  const lines = [`${head[0].padEnd(width)}   ${head[1]} | ${head[2]}`];
  steps.forEach((s, i) => {
    const l = formatObservation(s.left);
    const r = formatObservation(s.right);
    lines.push(`${formatOp(s.op).padEnd(width)}   ${l}${l === r ? '' : ` | ${r}`}${i === broken ? '   <-- breaks here' : ''}`);
  });
  return lines;
}

/** R's two traces side by side: op, what the baseline answered, what the proposal answered. */
function regressionTrace(p: Proposal, profile: Profile, ops: readonly Op[]): { ops: Op[]; lines: string[]; base: Profile; prop: Profile } {
  const { baseline: base, proposal: prop } = changeSides(p, profile);
  const sides = modelSides(subjectOf(p));
  const script = asOldUserspace(sides.baseline(base), ops, p.newBits ?? {}, base.vmm);
  const { steps, broken } = compareRuns(sides, base, prop, script, {});
  const lines = sideBySide(['old userspace', 'baseline', p.patched ? 'patched' : 'proposal'],
    steps.map(s => ({ op: s.op, left: s.baseline, right: s.proposal })), broken);
  return { ops: script, lines, base, prop };
}

export function proveProperty(p: Proposal, id: PropertyId, opts: ProveOptions): ProveRow {
  const { def, profiles } = propertyFor(p, id);
  const seed = seedFor(opts.seed, `${p.id}/${id}`);
  const r = runProperty(def, subjectOf(p), {
    seed, numRuns: opts.runs, profiles,
    ...(opts.timeMsPerProperty !== undefined ? { interruptAfterTimeLimit: opts.timeMsPerProperty } : {}),
  });
  const base = {
    property: id, ...(p.expect[id] ? { expected: p.expect[id] } : {}), runs: r.runs, seed, timeMs: r.timeMs,
    ...(opts.exhaustive ? { exhaustive: exhaustiveVerdict(p, id, opts.exhaustive) } : {}),
  };
  const cx = r.counterexample;
  const ex = base.exhaustive;
  if ((r.outcome === 'holds' || !cx) && ex?.found === 'violated' && ex.trace) {
    // fast-check missed what the exhaustive engine found: its shortest trace is the counterexample
    const explored = ex.trace;
    const violation = { step: explored.ops.length - 1, message: ex.message };
    const { entry, trace } = counterexampleEntry(p, id, { property: id, profile: explored.profile, ops: explored.ops, violation, seed }, `${p.id}: ${id} ${def.title} (explore)`, 'violated');
    return { ...base, found: 'holds', explored: { violation, trace, entry } };
  }
  if (r.outcome === 'holds' || !cx) return { ...base, found: 'holds' };
  const first = { firstFailureMs: r.firstFailureMs ?? r.timeMs };
  const { entry, trace } = counterexampleEntry(p, id, cx, `${p.id}: ${id} ${def.title}`, 'violated');
  return { ...base, ...first, found: 'violated', violation: cx.violation, trace, entry };
}

/**
 * A proposal's rule failing (ProposalRuleError), as every command reports it before exiting 2: the
 * rule and its arguments in hex, and the trace that led there on the model with the proposal's rules.
 */
export function faultLines(p: Proposal, property: string, error: ProposalRuleError, profile: Profile, ops: readonly Op[]): string[] {
  // R runs the script as the old userspace issues it on the baseline (regressionTrace); the rules are the proposal side's
  const sides = property === 'R' && p.baseline ? changeSides(p, profile) : null;
  const side = sides ? sides.proposal : profile;
  const script = sides ? asOldUserspace(modelSides(subjectOf(p)).baseline(sides.baseline), ops, p.newBits ?? {}, sides.baseline.vmm) : ops;
  return [
    `error in the proposal ${p.source ?? p.id}: its ${error.message}`,
    `  this is the proposal's own error, not a verdict of ${property}: fix the rule (\`negcheck prove --rules\` gives each rule's domain)`,
    `  the trace that led there (${property}, on the model with the proposal's rules):`,
    ...modelTrace(side, script, subjectOf(p).model).map(l => `    ${l}`),
  ];
}

/** The trace on the model, up to and including an op that threw (a proposal's rule may). */
function modelTrace(profile: Profile, ops: readonly Op[], model: StackFactory = stackSubject.model): string[] {
  const s = model(profile);
  const obs = [];
  for (const op of ops) {
    try {
      obs.push(s.apply(op));
    } catch (e) {
      const what = e instanceof ProposalRuleError ? `the rule ${e.rule} failed here` : `threw: ${e instanceof Error ? e.message : String(e)}`;
      return [...formatTrace(ops.slice(0, obs.length), obs), `${formatOp(op)} -> ${what}`];
    }
  }
  return formatTrace(ops, obs);
}

/**
 * A counterexample as a corpus entry (R: both profiles and the old-userspace script) and its
 * trace lines (R: side by side). `p` null: a plain property run, no proposal.
 */
export function counterexampleEntry(
  p: Proposal | null, id: string, cx: Counterexample, title: string, expect: CorpusEntry['expect'],
): { entry: CorpusEntry; trace: string[] } {
  const proposal = p ? {
    proposal: p.id, ...(proposalRuleNames(p).length > 0 ? { rulesFrom: p.source ?? p.id } : {}), ...(p.patched ? { patch: p.patched.text } : {}),
  } : {};
  if (id === 'R' && p) {
    let t: ReturnType<typeof regressionTrace>;
    try {
      t = regressionTrace(p, cx.profile, cx.ops);
    } catch (e) {
      // a proposal's rule threw: the script as generated, and the throw
      const { baseline: base, proposal: prop } = changeSides(p, cx.profile);
      t = { ops: [...cx.ops], lines: [...cx.ops.map(formatOp), `threw: ${e instanceof Error ? e.message : String(e)}`], base, prop };
    }
    return {
      entry: {
        format: CORPUS_FORMAT, property: 'R', title, seed: cx.seed, expect, ...proposal,
        profile: withoutRules(t.base), proposalProfile: withoutRules(t.prop), ops: t.ops, violation: cx.violation,
      },
      trace: t.lines,
    };
  }
  return {
    entry: { format: CORPUS_FORMAT, property: id, title, seed: cx.seed, expect, ...proposal, profile: withoutRules(cx.profile), ops: cx.ops, violation: cx.violation },
    trace: p?.patched ? patchTrace(p.patched, cx.profile, cx.ops) : modelTrace(cx.profile, cx.ops),
  };
}

/** A patched model's trace beside the model at HEAD's (stops at an op that throws on either). */
function patchTrace(patched: PatchedModel, profile: Profile, ops: readonly Op[]): string[] {
  const before = patched.baseline(profile);
  const after = patched.createModelStack(profile);
  const steps = [];
  for (const op of ops) {
    try {
      steps.push({ op, left: before.apply(op), right: after.apply(op) });
    } catch (e) {
      return [...sideBySide(['', 'before the patch', 'patched'], steps, null), `${formatOp(op)} -> threw: ${e instanceof Error ? e.message : String(e)}`];
    }
  }
  return sideBySide(['', 'before the patch', 'patched'], steps, null);
}

export function proveProposal(p: Proposal, opts: ProveOptions): ProveRow[] {
  return applicableProperties(p).map(id => proveProperty(p, id, opts));
}

/**
 * Rows whose found verdict is not the expected one (no expectation: nothing to differ from; no
 * run, because a time budget ended first: nothing was judged).
 */
export function surprises(rows: readonly ProveRow[]): ProveRow[] {
  return rows.filter(r => r.runs > 0 && r.expected !== undefined && r.expected.verdict !== r.found);
}
