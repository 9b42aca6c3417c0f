// What a fuzz run reports: the end-of-run table, the coverage summary, and the three report
// files (JSON, JUnit XML, Markdown), each written atomically.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import { STEPS } from '../../harness/coverage.ts';
import { stringifyJson } from '../../types/json.ts';
import { rate } from '../../types/rate.ts';
import { formatDuration } from '../duration.ts';
import { writeAtomic } from '../files.ts';
import { textTable } from '../table.ts';
import type { FuzzConfig, FuzzResult, TargetOutcome } from './run.ts';

export const REPORT_SCHEMA = 'negcheck-fuzz-report/1';

export interface MustReachResult {
  /** `property transition` lines that applied to this run (their property ran enough runs) */
  readonly checked: number;
  readonly missing: readonly string[];
  /** properties that ran fewer runs than the minimum: their lines say nothing, so none was checked */
  readonly unchecked: readonly string[];
}

/**
 * Runs a property needs before a missed must-reach line means a blind generator rather than a
 * short run: every line is reached within 1000 runs at seeds 1-6 (`fuzz --runs 1000`), the rarest
 * (a vDPA reset with IOTLB_PERSIST on vendor-clears) was missed at 250 and 500 runs.
 */
export const MUST_REACH_MIN_RUNS = 2000;

/** The JSON report (schema documented in README "Fuzz reports"). */
export interface FuzzReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly partial: boolean;
  readonly interrupted: FuzzResult['interrupted'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seed: number;
  readonly shard: string;
  readonly workers: number;
  readonly budget: { readonly timeMs: number | null; readonly runsPerTarget: number | null };
  readonly corpus: FuzzResult['corpus'];
  readonly targets: readonly (TargetOutcome & { readonly runsPerSecond: number; readonly stepsPerSecond: number })[];
  readonly coverage: FuzzResult['coverage'];
  readonly mustReach: MustReachResult;
  readonly exitCode: number;
}

// the package is CommonJS (module.exports = a builder); its typings describe an ES default export
const junit = junitModule as unknown as Builder;

export { rate };

export function buildReport(cfg: FuzzConfig, r: FuzzResult, mustReach: MustReachResult, exitCode: number): FuzzReport {
  return {
    schema: REPORT_SCHEMA, partial: r.interrupted !== null, interrupted: r.interrupted,
    startedAt: r.startedAt, finishedAt: r.finishedAt, seed: cfg.seed, shard: `${cfg.shard.index}/${cfg.shard.count}`,
    workers: cfg.workers, budget: { timeMs: cfg.timeMs ?? null, runsPerTarget: cfg.runs ?? null },
    corpus: r.corpus,
    targets: r.targets.map(t => ({ ...t, runsPerSecond: rate(t.runs, t.wallMs), stepsPerSecond: rate(t.steps, t.wallMs) })),
    coverage: r.coverage, mustReach, exitCode,
  };
}

/**
 * Every must-reach line whose property ran at least `minRuns` runs (over its targets) must have
 * been reached by a target of that property; a property that ran fewer is reported unchecked.
 */
export function checkMustReach(lines: readonly { property: string; transition: string }[], r: FuzzResult, minRuns = MUST_REACH_MIN_RUNS): MustReachResult {
  const runs = new Map<string, number>();
  for (const t of r.targets) runs.set(t.property, (runs.get(t.property) ?? 0) + t.runs);
  const enough = (p: string): boolean => (runs.get(p) ?? 0) >= minRuns;
  const applicable = lines.filter(l => runs.has(l.property) && enough(l.property));
  const unchecked = [...new Set(lines.filter(l => runs.has(l.property) && !enough(l.property)).map(l => l.property))];
  const reached = (l: { property: string; transition: string }): boolean =>
    r.targets.some(t => t.property === l.property && (r.coverage[t.label]?.[l.transition] ?? 0) > 0);
  return { checked: applicable.length, missing: applicable.filter(l => !reached(l)).map(l => `${l.property} ${l.transition}`), unchecked };
}

/** The must-reach line of the summary. */
export function mustReachLine(m: MustReachResult, minRuns: number): string {
  const unchecked = m.unchecked.length ? ` (not checked for ${m.unchecked.join(', ')}: fewer than ${minRuns} runs)` : '';
  return m.missing.length ? `must-reach: NOT reached: ${m.missing.join('; ')}${unchecked}` : `must-reach: all ${m.checked} reached${unchecked}`;
}

/** property, runs, runs/s, op-steps/s, time, seed, outcome. */
export function resultTable(rep: FuzzReport): string[] {
  return textTable(['target', 'runs', 'runs/s', 'steps/s', 'time', 'base seed', 'outcome'], rep.targets.map(t => [
    t.label, String(t.runs), String(t.runsPerSecond), String(t.stepsPerSecond), formatDuration(t.wallMs), String(t.baseSeed),
    t.proposalError ? 'PROPOSAL ERROR' : t.outcome === 'holds' ? (t.runs === 0 ? 'not run' : 'holds')
      : `COUNTEREXAMPLE (${t.counterexamples.length}, ${distinctMessages(t.counterexamples)} distinct)`,
  ]));
}

/** Per target: how many distinct transitions it reached, by family (the first word: iotlb, translate, vdpa, virtio, ...). */
export function coverageSummary(rep: FuzzReport): string[] {
  return textTable(['target', 'transitions', 'by family'], rep.targets.map(t => {
    const keys = Object.keys(rep.coverage[t.label] ?? {}).filter(k => k !== STEPS);
    const fam: Record<string, number> = {};
    for (const k of keys) { const f = k.split(' ')[0]!; fam[f] = (fam[f] ?? 0) + 1; }
    return [t.label, String(keys.length), Object.entries(fam).sort().map(([f, n]) => `${f} ${n}`).join(', ')];
  }));
}

/** Transition counts summed over targets, by name. */
function summedCoverage(rep: FuzzReport): [string, number][] {
  const sum: Record<string, number> = {};
  for (const cov of Object.values(rep.coverage)) for (const [k, n] of Object.entries(cov)) if (k !== STEPS) sum[k] = (sum[k] ?? 0) + n;
  return Object.keys(sum).sort().map(k => [k, sum[k]!]);
}

/** Transition counts summed over targets, one line each. */
export function coverageTable(rep: FuzzReport): string[] {
  return textTable(['transition', 'count'], summedCoverage(rep).map(([k, n]) => [k, String(n)]));
}

export function markdownReport(rep: FuzzReport): string {
  const out = [
    `# negcheck fuzz${rep.partial ? ` (partial: interrupted by ${rep.interrupted})` : ''}`, '',
    `seed ${rep.seed}, shard ${rep.shard}, ${rep.workers} worker(s), budget ${rep.budget.timeMs !== null ? formatDuration(rep.budget.timeMs) : 'none'}` +
      `${rep.budget.runsPerTarget !== null ? `, at most ${rep.budget.runsPerTarget} runs per target` : ''}; exit ${rep.exitCode}`, '',
    `Corpus: ${rep.corpus.replayed} entries replayed${rep.corpus.failing.length ? `, **${rep.corpus.failing.length} not as expected**: ${rep.corpus.failing.join(', ')}` : ''}` +
      `${rep.corpus.proposalErrors.length ? `, **${rep.corpus.proposalErrors.length} whose proposal's rule fails**: ${rep.corpus.proposalErrors.join('; ')}` : ''}` +
      `${rep.corpus.failing.length + rep.corpus.proposalErrors.length === 0 ? ', all as expected' : ''}.`, '',
    '| target | runs | runs/s | op-steps/s | time | outcome |', '|---|---|---|---|---|---|',
    ...rep.targets.map(t => `| ${t.label} | ${t.runs} | ${t.runsPerSecond} | ${t.stepsPerSecond} | ${formatDuration(t.wallMs)} | ${outcomeCell(t)} |`),
    '',
  ];
  for (const t of rep.targets) {
    if (t.proposalError) out.push(`## ${t.label}: error in the proposal`, '', '```', ...t.proposalError, '```', '');
    // the first counterexample in full; the rest counted (one planted bug gives hundreds), each in report.json
    const [c, ...more] = t.counterexamples;
    if (!c) continue;
    out.push(`## ${t.label}: ${t.title}`, '', c.violation.message, '', '```', ...c.trace, '```', '', `saved: ${c.file ?? 'not saved'} (${c.saved})`, '');
    if (more.length) out.push(`and ${more.length} more counterexample(s), ${distinctMessages(t.counterexamples)} distinct message(s) in all (report.json lists each)`, '');
  }
  const unchecked = rep.mustReach.unchecked.length ? ` (not checked for ${rep.mustReach.unchecked.join(', ')}: too few runs)` : '';
  out.push('## Must-reach transitions', '', (rep.mustReach.missing.length === 0
    ? `all ${rep.mustReach.checked} reached`
    : `**not reached**: ${rep.mustReach.missing.join('; ')}`) + unchecked, '');
  out.push('## Transition coverage', '', '| transition | count |', '|---|---|');
  for (const [k, n] of summedCoverage(rep)) out.push(`| ${k} | ${n} |`);
  return out.join('\n') + '\n';
}

function outcomeCell(t: TargetOutcome): string {
  if (t.proposalError) return '**proposal error**';
  return t.outcome === 'holds' ? (t.runs === 0 ? 'not run' : 'holds') : `**counterexample** (${t.counterexamples.length})`;
}

export const distinctMessages = (cs: readonly { violation: { message: string } }[]): number => new Set(cs.map(c => c.violation.message)).size;

export function junitReport(rep: FuzzReport): string {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`negcheck fuzz seed ${rep.seed} shard ${rep.shard}`);
  for (const t of rep.targets) {
    const tc = suite.testCase().className(`negcheck.${t.proposal ?? 'properties'}`).name(`${t.label} ${t.title}`).time(t.wallMs / 1000);
    tc.property('runs', String(t.runs)).property('baseSeed', String(t.baseSeed));
    const c = t.counterexamples[0];
    if (t.proposalError) tc.error(t.proposalError.join('\n'));
    else if (c) tc.failure(c.violation.message, 'counterexample').stacktrace([...c.trace, `saved: ${c.file ?? 'not saved'}`].join('\n'));
    else if (t.errors.length) tc.error(t.errors.join('\n'));
  }
  if (rep.mustReach.missing.length) {
    suite.testCase().className('negcheck.coverage').name('must-reach transitions').failure(`not reached: ${rep.mustReach.missing.join('; ')}`);
  }
  return builder.build();
}

/** report.json, junit.xml, summary.md in `dir`. */
export function writeReports(dir: string, rep: FuzzReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [join(dir, 'report.json'), stringifyJson(rep)],
    [join(dir, 'junit.xml'), junitReport(rep)],
    [join(dir, 'summary.md'), markdownReport(rep)],
  ];
  for (const [f, text] of files) writeAtomic(f, text);
  return files.map(([f]) => f);
}
