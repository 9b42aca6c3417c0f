// `negcheck explore`: breadth-first search of every property's finite scope to a depth, with the
// shortest counterexample saved in the corpus format; exit codes as `fuzz`.

import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { exploreParallel } from '../../explore/parallel.ts';
import type { ExploreResult } from '../../explore/types.ts';
import { type Coverage, coverageOf, verdictText } from '../../explore/verdict.ts';
import type { ValueLevel } from '../../generators/scope.ts';
import { MUST_REACH_FILE, readMustReach } from '../../harness/coverage.ts';
import { ALL_EXPLORE_ENTRIES, P0_EXPLORE_ENTRIES, PROPOSAL_EXPLORE_ENTRIES, propertyById } from '../../properties/index.ts';
import { checkSafely, type Counterexample } from '../../harness/run.ts';
import { stackSubject } from '../../harness/subject.ts';
import { applicableProperties, counterexampleEntry, faultLines, propertyFor } from '../../proposals/prove.ts';
import { RuleFaultInSearch } from '../../explore/expand.ts';
import { traceOps } from '../../generators/scope.ts';
import { ProposalRuleError } from '../../types/rules.ts';
import { formatOp } from '../../types/trace.ts';
import { stringifyJson } from '../../types/json.ts';
import type { Op } from '../../types/ops.ts';
import { durationArg, intArg } from '../args.ts';
import { writeAtomic } from '../files.ts';
import { formatDuration } from '../duration.ts';
import { saveToCorpus } from '../../harness/corpus-store.ts';
import { textTable } from '../table.ts';
import { exitStatusAction, UsageError } from '../usage.ts';
import { loadProposal } from '../../proposals/load.ts';
import { compareReached, type FuzzCoverage, type ReachComparison, sampleScope } from './compareFuzz.ts';
import { explorableOf, type ExploreTargetSpec, resolveExploreTarget, type ResolvedTarget } from './target.ts';

const EXIT = { ok: 0, violated: 1, usage: 2, SIGINT: 130, SIGTERM: 143 } as const;
const EXPLORABLE = ALL_EXPLORE_ENTRIES.map(e => e.id);
/** `--property P0` is P0 over every scope */
const GROUPS: Readonly<Record<string, readonly string[]>> = { P0: P0_EXPLORE_ENTRIES.map(e => e.id) };
/** with --proposal also R (against the proposal's baseline) */
const EXPLORABLE_FOR_PROPOSALS = PROPOSAL_EXPLORE_ENTRIES.map(e => e.id);

interface ExploreOptions {
  property?: string[]; proposal?: string[]; depth: number; values: ValueLevel; workers: number; time?: number;
  maxStates?: number; json?: boolean; report?: string; out: string; describe?: boolean; compareFuzz?: boolean; mustReach: string;
}

export const EXPLORE_SCHEMA = 'negcheck-explore-report/1';

export interface TargetReport {
  readonly label: string;
  readonly property: string;
  /** the property the target judges (P0@I6 judges P0) */
  readonly judges: string;
  readonly proposal: string | null;
  readonly scope: { readonly profiles: number; readonly alphabet: number; readonly depth: number; readonly values: ValueLevel };
  readonly verdict: string;
  /** what the verdict covers (explore/verdict.ts), and the value sets it was taken from */
  readonly covers: Coverage & { readonly values: ValueLevel };
  readonly result: Omit<ExploreResult, 'counterexample'>;
  readonly statesPerSecond: number;
  /** the process's resident memory while this target ran: its peak (sampled) and how much it grew */
  readonly memory: TargetMemory;
  readonly counterexample?: { readonly message: string; readonly trace: readonly string[]; readonly file: string; readonly saved: string };
  /** the property's own check did not confirm explore's trace: a bug in one engine or in the scope */
  readonly disagreement?: string;
  /** --compare-fuzz: random search on the same scope for the same time */
  readonly fuzz?: FuzzCoverage & { readonly reach: ReachComparison };
}

/** The resident memory of the process while one target runs (workers are threads: RSS is process-wide). */
export interface TargetMemory {
  /** the highest RSS sampled while the target ran (every 100 ms, and at its start and end) */
  readonly peakRssMb: number;
  /** RSS at the end minus RSS at the start (negative: the previous target's memory was returned) */
  readonly growthMb: number;
}

const mb = (bytes: number): number => Math.round(bytes / (1 << 20));

/** Samples the RSS until stop(): the peak during this target, not the process's running maximum. */
export function memorySampler(everyMs = 100, rss: () => number = () => process.memoryUsage.rss()): { sample(): void; stop(): TargetMemory } {
  const start = rss();
  let peak = start;
  const sample = (): void => { peak = Math.max(peak, rss()); };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    sample,
    stop() {
      clearInterval(timer);
      const end = rss();
      return { peakRssMb: mb(Math.max(peak, end)), growthMb: mb(end - start) };
    },
  };
}

/** A proposal's rule failed during the search: the proposal's error with the explored trace (exit 2). */
function ruleFaultLines(t: ResolvedTarget, e: RuleFaultInSearch): string[] {
  const error = ProposalRuleError.fromData(e.error);
  const ops = traceOps(t.scope, e.ops);
  const judged = t.entry.property ?? t.spec.property;
  if (t.proposal === null) return [`${t.label}: ${error.message} after ${ops.map(formatOp).join('; ')}`];
  return faultLines(t.proposal, judged, error, t.scope.profiles[e.init]!, ops);
}

/** Each reduction once, with the targets it applies to. */
function groupReductions(reports: readonly TargetReport[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of reports) for (const why of r.covers.reductions) out.set(why, [...(out.get(why) ?? []), r.label]);
  return out;
}

function valuesArg(v: string): ValueLevel {
  if (v === 'narrow' || v === 'default' || v === 'wide') return v;
  throw new InvalidArgumentError('--values must be narrow, default or wide');
}

export function registerExplore(program: Command): void {
  program.command('explore')
    .description('exhaustive breadth-first search of each property\'s finite scope to a depth: holds up to depth k, or the shortest violating trace')
    .option('--property <ids...>', `only these properties (P0 = P0 over every scope; ${EXPLORABLE.join(', ')})`)
    .option('--proposal <refs...>', 'explore the properties that judge these proposals, over the proposal\'s scope with its policy pinned')
    .option('--depth <k>', 'trace length bound', intArg('--depth', 0), 6)
    .option('--values <level>', 'value sets of the scopes: narrow, default or wide', valuesArg, 'default' as ValueLevel)
    .option('--workers <n>', 'worker threads (default: the cores)', intArg('--workers', 1), availableParallelism())
    .option('--time <duration>', 'time bound per target (then: bound reached, with the depth completed)', durationArg)
    .option('--max-states <n>', 'distinct-state bound per target', intArg('--max-states', 1))
    .option('--out <dir>', 'where shortest counterexamples are saved (corpus format)', 'out/explore')
    .option('--json', 'print the reports as JSON')
    .option('--report <file>', 'also write the JSON reports to FILE (negcheck-explore-report/1; `negcheck report` reads it)')
    .option('--describe', 'print each scope (profiles, alphabet, depth) and exit')
    .option('--compare-fuzz', 'then sample the same scope at random for the same time: the share of the explored states it visits, and the must-reach transitions only one engine took')
    .addOption(new Option('--must-reach <file>', 'with --compare-fuzz: the transitions to compare (`property transition` lines)').default(MUST_REACH_FILE, 'properties/must-reach.txt'))
    .addHelpText('after', '\nExit status: 0 every target holds up to its depth (or reached a time/state bound); 1 a violation, or\n' +
      'a trace the property\'s own check does not confirm; 2 usage error; 130 / 143 interrupted by SIGINT / SIGTERM\n' +
      '(what was completed is printed).')
    .action(exitStatusAction('explore', exploreAction));
}

async function selectTargets(o: ExploreOptions): Promise<ExploreTargetSpec[]> {
  const base = { values: o.values, depth: o.depth, ...(o.compareFuzz ? { transitions: true } : {}) };
  const explorable = o.proposal?.length ? EXPLORABLE_FOR_PROPOSALS : EXPLORABLE;
  const wanted = (o.property ?? []).flatMap(id => {
    const group = o.proposal?.length ? undefined : Object.entries(GROUPS).find(([g]) => g.toLowerCase() === id.toLowerCase());
    if (group) return group[1];
    const known = explorable.find(e => e.toLowerCase() === id.toLowerCase());
    if (!known) {
      throw new UsageError(`${JSON.stringify(id)} has no explore scope (explorable: ${explorable.join(', ')}; ` +
        `${o.proposal?.length ? 'P0 is not judged on a proposal' : 'R is explored with --proposal, against its baseline'})`);
    }
    return [known];
  });
  if (!o.proposal?.length) return (wanted.length ? wanted : EXPLORABLE).map(property => ({ property, ...base }));
  const out: ExploreTargetSpec[] = [];
  for (const ref of o.proposal) {
    const p = await loadProposal(ref);
    if (p.patch !== undefined) throw new UsageError(`${ref}: a patch proposal is judged by \`negcheck prove\` (explore runs the model at HEAD)`);
    const ids = applicableProperties(p).filter(id => EXPLORABLE_FOR_PROPOSALS.includes(id) && (wanted.length === 0 || wanted.includes(id)));
    if (ids.length === 0) throw new UsageError(`${ref}: no explorable property judges this proposal${wanted.includes('R') ? ' (R needs a baseline)' : ''}`);
    for (const property of ids) out.push({ property, proposal: ref, ...base });
  }
  return out;
}

/**
 * The script without the ops an entry appends after the trace for its checker (I4's probes) that
 * the violation does not need: each appended op, last first, is dropped when the check still fails
 * without it. The trace itself is kept whole (it is a shortest one).
 */
export function neededScript(script: readonly Op[], traceLength: number, violates: (s: readonly Op[]) => boolean): Op[] {
  let ops = [...script];
  if (!violates(ops)) return ops;
  for (let i = ops.length - 1; i >= traceLength; i--) {
    const fewer = [...ops.slice(0, i), ...ops.slice(i + 1)];
    if (violates(fewer)) ops = fewer;
  }
  return ops;
}

/** The shortest trace as a corpus entry, confirmed by the property's own check (model and impl). */
function counterexampleOf(t: ResolvedTarget, r: Extract<ExploreResult, { outcome: 'violated' }>, out: string): Pick<TargetReport, 'counterexample' | 'disagreement'> {
  const profile = t.scope.profiles[r.counterexample.init]!;
  const depth = r.counterexample.ops.length;
  const judged = t.entry.property ?? t.spec.property;
  const def = judged === 'R' && t.proposal ? propertyFor(t.proposal, 'R').def : propertyById(judged)!;
  const script = t.entry.script(t.scope, r.counterexample.ops);
  let ops: Op[];
  let confirmed: ReturnType<typeof checkSafely>;
  try {
    ops = neededScript(script, depth, s => checkSafely(def, stackSubject, profile, s) !== null);
    confirmed = checkSafely(def, stackSubject, profile, ops);
  } catch (e) {
    // the ops the entry appends (I4's probes) can meet a proposal's failing rule: its error, not a crash
    if (e instanceof ProposalRuleError && t.proposal) throw new UsageError(faultLines(t.proposal, judged, e, profile, script).join('\n'));
    throw e;
  }
  const violation = confirmed ?? { step: ops.length - 1, message: r.counterexample.message };
  const cx: Counterexample = { property: judged, profile, ops, violation, seed: 0 };
  const expected = t.proposal?.expect[judged as keyof typeof t.proposal.expect]?.verdict;
  const { entry, trace } = counterexampleEntry(t.proposal, judged, cx,
    `found by negcheck explore at depth ${depth}: ${t.label} ${def.title}`, expected === 'violated' ? 'violated' : 'holds');
  const saved = saveToCorpus(out, entry);
  return {
    counterexample: { message: r.counterexample.message, trace, file: saved.file, saved: saved.status },
    ...(confirmed === null ? { disagreement: `explore's trace does not violate ${judged} when its own check replays it` } : {}),
  };
}

/**
 * The must-reach comparison per judged property (P0 over six scopes is one property): a line is
 * taken by an engine when it took it in any of the property's scopes.
 */
function reachByProperty(reports: readonly TargetReport[]): { property: string; targets: number; onlyExplore: string[]; neither: string[] }[] {
  const groups = new Map<string, TargetReport[]>();
  for (const r of reports) if (r.fuzz) groups.set(r.judges, [...(groups.get(r.judges) ?? []), r]);
  return [...groups].map(([property, rs]) => {
    const explored = new Set(rs.flatMap(r => [...r.fuzz!.reach.both, ...r.fuzz!.reach.onlyExplore]));
    const sampled = new Set(rs.flatMap(r => [...r.fuzz!.reach.both, ...r.fuzz!.reach.onlyRandom]));
    const lines = [...new Set(rs.flatMap(r => { const c = r.fuzz!.reach; return [...c.both, ...c.onlyExplore, ...c.onlyRandom, ...c.neither]; }))];
    return {
      property, targets: rs.length,
      onlyExplore: lines.filter(l => explored.has(l) && !sampled.has(l)),
      neither: lines.filter(l => !explored.has(l) && !sampled.has(l)),
    };
  });
}

/** Random search on the target's scope for the explorer's time, and what each engine took. */
function compareWithFuzz(t: ResolvedTarget, r: ExploreResult, mustReach: readonly string[], explored: readonly string[]): FuzzCoverage & { reach: ReachComparison } {
  const f = sampleScope(explorableOf(t), t.scope.depth, Math.max(r.timeMs, 1), r.distinct, 1);
  return { ...f, reach: compareReached(mustReach, explored, f.transitions) };
}

async function exploreAction(o: ExploreOptions): Promise<number> {
  const flag = { aborted: false };
  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (s: 'SIGINT' | 'SIGTERM') => (): void => { signal ??= s; flag.aborted = true; };
  const sigint = onSignal('SIGINT');
  const sigterm = onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    const specs = await selectTargets(o);
    const mustReach = o.compareFuzz ? readMustReach(o.mustReach) : [];
    const targets = await Promise.all(specs.map(resolveExploreTarget));
    const log = (l: string): void => { (o.json ? process.stderr : process.stdout).write(`${l}\n`); };
    if (o.describe) { for (const t of targets) log(`${t.label}\n${t.scope.describe()}\n`); return EXIT.ok; }
    log(`negcheck explore: depth ${o.depth}, values ${o.values}, ${o.workers} worker(s)${o.time !== undefined ? `, ${formatDuration(o.time)} per target` : ''}`);
    const reports: TargetReport[] = [];
    for (const t of targets) {
      if (flag.aborted) break;
      log(`[${reports.length + 1}/${targets.length}] ${t.label}: ${t.scope.profiles.length} profiles × ${t.scope.alphabet.length} ops`);
      const sampler = memorySampler();
      let r: ExploreResult;
      let memory: TargetMemory;
      try {
        r = await exploreParallel(
          { module: new URL('./target.ts', import.meta.url).href, export: 'explorableForTarget', args: t.spec },
          {
            maxDepth: t.scope.depth, workers: o.workers, signal: flag, collectTransitions: o.compareFuzz === true,
            ...(o.time !== undefined ? { timeLimitMs: o.time } : {}), ...(o.maxStates !== undefined ? { maxStates: o.maxStates } : {}),
            onLevel: p => log(`  depth ${p.depthCompleted}: ${p.distinct} states, ${p.generated} generated, ${formatDuration(p.elapsedMs)}`),
          },
        );
      } catch (e) {
        if (e instanceof RuleFaultInSearch) throw new UsageError(ruleFaultLines(t, e).join('\n'));
        throw e;
      } finally {
        memory = sampler.stop();
      }
      const { counterexample: _cx, transitions: explored, ...stats } = r as ExploreResult & { counterexample?: unknown };
      const covers = { ...coverageOf(r, { profiles: t.scope.profiles.length, ops: t.scope.alphabet.length }), values: o.values };
      const fuzz = o.compareFuzz && r.outcome === 'holds' && !flag.aborted
        ? compareWithFuzz(t, r, mustReach.filter(m => m.property === (t.entry.property ?? t.spec.property)).map(m => m.transition), explored ?? []) : undefined;
      reports.push({
        label: t.label, property: t.spec.property, judges: t.entry.property ?? t.spec.property, proposal: t.proposal?.id ?? null,
        scope: { profiles: t.scope.profiles.length, alphabet: t.scope.alphabet.length, depth: t.scope.depth, values: o.values },
        verdict: verdictText(r, covers), covers, result: stats, statesPerSecond: Math.round(r.distinct / Math.max(r.timeMs, 1) * 1000),
        memory,
        ...(r.outcome === 'violated' ? counterexampleOf(t, r, o.out) : {}),
        ...(fuzz ? { fuzz } : {}),
        ...(fuzz?.reach.all.onlyRandom.length
          ? { disagreement: `the random search took transitions the exhaustive one did not within the same bound: ${fuzz.reach.all.onlyRandom.join('; ')}` } : {}),
      });
    }
    const failed = reports.some(r => r.counterexample !== undefined || r.disagreement !== undefined);
    const code = signal ? EXIT[signal] : failed ? EXIT.violated : EXIT.ok;
    const json = stringifyJson({ schema: EXPLORE_SCHEMA, partial: signal !== null, interrupted: signal, targets: reports, exitCode: code });
    if (o.report) writeAtomic(o.report, json);
    if (o.json) {
      process.stdout.write(json);
    } else {
      console.log('');
      for (const l of textTable(['target', 'scope', 'depth', 'distinct', 'generated', 'states/s', 'RSS peak (+growth)', 'time', 'verdict'], reports.map(r => [
        r.label, `${r.scope.profiles}×${r.scope.alphabet}`, String(r.result.depthCompleted), String(r.result.distinct), String(r.result.generated),
        String(r.statesPerSecond), `${r.memory.peakRssMb} MB (${r.memory.growthMb >= 0 ? '+' : ''}${r.memory.growthMb})`, formatDuration(r.result.timeMs), r.verdict,
      ]))) console.log(l);
      console.log(`\na verdict covers its scope only: the ops and profiles \`--describe\` lists (values ${o.values}; --values wide has more)`);
      for (const [why, labels] of groupReductions(reports)) console.log(`reduction in ${labels.join(', ')}: ${why}`);
      const compared = reports.filter(r => r.fuzz);
      if (compared.length) {
        console.log('\nrandom (fast-check over the same scope, same time) vs exhaustive:');
        for (const l of textTable(['target', 'explored states', 'random scripts', 'states visited', 'share', 'transitions (exh/rand)', 'must-reach both', 'exhaustive only', 'neither'],
          compared.map(r => {
            const f = r.fuzz!;
            return [r.label, String(r.result.distinct), String(f.runs), String(f.visited), `${(100 * f.fraction).toFixed(1)}%`,
              `${f.reach.all.explored}/${f.reach.all.sampled}`, String(f.reach.both.length), String(f.reach.onlyExplore.length), String(f.reach.neither.length)];
          }))) console.log(`  ${l}`);
        for (const g of reachByProperty(compared)) {
          const where = g.targets > 1 ? `${g.property} (${g.targets} scopes)` : g.property;
          if (g.onlyExplore.length) console.log(`  ${where}: must-reach taken by the exhaustive search only: ${g.onlyExplore.join('; ')}`);
          if (g.neither.length) console.log(`  ${where}: must-reach outside ${g.targets > 1 ? 'every scope' : 'the scope'} at this depth: ${g.neither.join('; ')}`);
        }
      }
      const widest = reports.reduce((m, r) => Math.max(m, r.result.collision.tlc), 0);
      console.log(`\nfingerprints: 64 bits; collision probability (TLC's optimistic estimate) at most ${widest.toExponential(1)}`);
      for (const r of reports) {
        if (r.disagreement) console.log(`\n${r.label}: ENGINES DISAGREE: ${r.disagreement}`);
        if (!r.counterexample) continue;
        console.log(`\n${r.label}: ${r.counterexample.message}`);
        for (const l of r.counterexample.trace) console.log(`  ${l}`);
        console.log(`  -> ${r.counterexample.file} (${r.counterexample.saved})`);
      }
      if (signal) console.log(`\ninterrupted by ${signal}: the targets above are what was completed`);
    }
    return code;
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}
