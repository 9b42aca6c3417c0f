// Per fuzz target (over every shard's report.json): runs, runs/s, the outcome, and each distinct
// counterexample with its trace as `negcheck replay` prints it and a link to its corpus file.

import { badge, count, esc, pre, table, type Cell } from '../html.ts';
import type { FuzzCounterexample, FuzzIn } from '../inputs/index.ts';
import { rate } from '../../types/rate.ts';
import { absentSection, chartFigure, counterexampleDetails, type ChartSpec, type Context, type Section } from '../section.ts';

/** Distinct counterexamples shown per target (one planted bug gives hundreds; each shard's report.json lists all). */
const SHOWN_PER_TARGET = 5;

interface Merged {
  readonly label: string; readonly title: string;
  runs: number; wallMs: number; shards: number;
  readonly counterexamples: { readonly c: FuzzCounterexample; readonly near: string }[];
  readonly errors: string[]; proposalError: readonly string[] | null;
}

/** Targets by label, summed over the shards (each shard runs every target on its own seeds). */
export function mergeTargets(reports: readonly FuzzIn[]): Merged[] {
  const by = new Map<string, Merged>();
  for (const r of reports) {
    for (const t of r.targets) {
      const m = by.get(t.label) ?? { label: t.label, title: t.title, runs: 0, wallMs: 0, shards: 0, counterexamples: [], errors: [], proposalError: null };
      m.runs += t.runs;
      m.wallMs += t.wallMs;
      m.shards++;
      m.counterexamples.push(...t.counterexamples.map(c => ({ c, near: r.file })));
      m.errors.push(...t.errors);
      m.proposalError ??= t.proposalError;
      by.set(t.label, m);
    }
  }
  return [...by.values()];
}

/** One machine's speed: the shards' runs over the shards' time (so a night of more shards is not "faster"). */
const runsPerSecond = (m: Merged): number => rate(m.runs, m.wallMs);

function outcome(m: Merged): Cell {
  if (m.proposalError) return badge('proposal error', 'bad');
  if (m.counterexamples.length) return badge(`counterexample (${new Set(m.counterexamples.map(x => x.c.message)).size} distinct)`, 'bad');
  if (m.errors.length) return badge('error', 'bad');
  return m.runs === 0 ? badge('not run', 'warn') : badge('holds', 'ok');
}

async function counterexampleHtml(m: Merged, ctx: Context): Promise<string> {
  const distinct = [...new Map(m.counterexamples.map(x => [x.c.message, x])).values()];
  const parts: string[] = [];
  for (const { c, near } of distinct.slice(0, SHOWN_PER_TARGET)) parts.push(await counterexampleDetails(ctx, { label: m.label, ...c, near }));
  if (distinct.length > SHOWN_PER_TARGET) parts.push(`<p>and ${distinct.length - SHOWN_PER_TARGET} more distinct counterexamples of ${esc(m.label)} (each shard's report.json lists them all)</p>`);
  return parts.join('');
}

export async function propertiesSection(reports: readonly FuzzIn[], ctx: Context): Promise<Section> {
  const base = { id: 'properties', title: 'Properties (fuzz)' };
  if (reports.length === 0) return absentSection(base, 'fuzz report (report.json)', 'npx negcheck fuzz --report DIR');
  const merged = mergeTargets(reports);
  const problems: string[] = [];
  const bad = merged.filter(m => m.counterexamples.length || m.proposalError || m.errors.length);
  if (bad.length) problems.push(`fuzz: ${count(bad.length, 'target')} failed (${bad.map(m => m.label).join(', ')})`);
  const failing = reports.flatMap(r => r.corpus.failing);
  if (failing.length) problems.push(`fuzz: ${count(failing.length, 'corpus entry', 'corpus entries')} not as expected`);
  const missing = [...new Set(reports.flatMap(r => r.mustReach.missing))];
  if (missing.length) problems.push(`fuzz: ${count(missing.length, 'must-reach transition')} not reached`);
  const proposalErrors = reports.flatMap(r => r.corpus.proposalErrors);
  if (proposalErrors.length) problems.push(`fuzz: ${count(proposalErrors.length, 'corpus entry', 'corpus entries')} whose proposal's rule fails`);
  const partial = reports.filter(r => r.partial);
  if (partial.length) problems.push(`fuzz: ${count(partial.length, 'shard')} interrupted (partial results)`);
  // whatever else made a shard fail: its exit status is the last word
  const exited = reports.filter(r => r.exitCode !== 0);
  if (exited.length && problems.length === 0) problems.push(`fuzz: ${exited.map(r => `shard ${r.shard} exited ${r.exitCode}`).join(', ')}`);
  const rows: Cell[][] = merged.map(m => [m.label, m.title, m.shards, m.runs, runsPerSecond(m), outcome(m)]);
  const chart: ChartSpec = {
    id: 'chart-runs', title: 'Runs per second by target (one machine: the shards\' runs over their time)', kind: 'bars', x: merged.map((_, i) => i), labels: merged.map(m => m.label),
    series: [{ label: 'runs/s', values: merged.map(runsPerSecond) }], yLabel: 'runs/s',
  };
  const shards = reports.map(r => `shard ${r.shard} seed ${r.seed} (exit ${r.exitCode}${r.partial ? ', partial' : ''}, finished ${r.finishedAt})`);
  const corpus = reports.reduce((n, r) => n + r.corpus.replayed, 0);
  const html = [
    `<p>${esc(count(reports.length, 'fuzz report'))}: ${esc(shards.join('; '))}. Corpus: ${corpus} entries replayed, ` +
      `${failing.length ? `<strong>not as expected: ${esc(failing.join(', '))}</strong>` : 'all as expected'}. ` +
      `Must-reach: ${missing.length ? `<strong>not reached: ${esc(missing.join('; '))}</strong>` : `all ${Math.max(...reports.map(r => r.mustReach.checked))} checked reached`}.</p>`,
    chartFigure(chart),
    table('Fuzz targets', ['target', 'what it checks', 'shards', 'runs', 'runs/s (one machine)', 'outcome'], rows),
    ...(await Promise.all(bad.map(m => counterexampleHtml(m, ctx)))),
    ...bad.filter(m => m.proposalError).map(m => `<p>${esc(m.label)}: error in the proposal</p>${pre(m.proposalError!)}`),
    ...bad.filter(m => m.errors.length).map(m => `<p>${esc(m.label)}: errors</p>${pre(m.errors)}`),
  ].join('\n');
  return { ...base, html, charts: [chart], problems, present: true };
}
