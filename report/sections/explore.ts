// The exhaustive search: per target its scope's depth, states, speed and verdict, and each shortest
// counterexample with its trace and corpus file.

import { badge, count, esc, table, type Cell } from '../html.ts';
import type { ExploreIn } from '../inputs/index.ts';
import { absentSection, counterexampleDetails, type Context, type Section } from '../section.ts';

export async function exploreSection(reports: readonly ExploreIn[], ctx: Context): Promise<Section> {
  const base = { id: 'explore', title: 'Exhaustive search (explore)' };
  if (reports.length === 0) return absentSection(base, 'explore report', 'npx negcheck explore --report FILE');
  const targets = reports.flatMap(r => r.targets.map(t => ({ t, near: r.file })));
  const bad = targets.filter(({ t }) => t.counterexample !== null || t.disagreement !== null);
  const problems = [
    ...(bad.length ? [`explore: ${count(bad.length, 'target')} violated or disagreed (${bad.map(b => b.t.label).join(', ')})`] : []),
    ...(reports.some(r => r.partial) ? ['explore: interrupted (partial results)'] : []),
  ];
  // whatever else made a run fail: its exit status is the last word
  const exited = reports.filter(r => r.exitCode !== 0);
  if (exited.length && problems.length === 0) problems.push(`explore: ${exited.map(r => `${r.file} exited ${r.exitCode}`).join(', ')}`);
  const rows: Cell[][] = targets.map(({ t }) => [t.label, t.judges, t.depth, t.distinct, t.statesPerSecond,
    t.counterexample ? badge('violated', 'bad') : t.disagreement ? badge('engines disagree', 'bad') : badge(t.verdict, /bound/.test(t.verdict) ? 'warn' : 'ok')]);
  const details: string[] = [];
  for (const { t, near } of bad) {
    if (t.disagreement) details.push(`<p><strong>${esc(t.label)}</strong>: ${esc(t.disagreement)}</p>`);
    if (t.counterexample) details.push(await counterexampleDetails(ctx, { label: t.label, ...t.counterexample, near }, true));
  }
  const html = [table('Explored scopes', ['target', 'judges', 'depth', 'states', 'states/s', 'verdict'], rows), ...details].join('\n');
  return { ...base, html, charts: [], problems, present: true };
}
