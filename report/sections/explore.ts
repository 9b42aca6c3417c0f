// The exhaustive search: per target its scope's depth, states, speed and verdict, and each shortest
// counterexample with its trace and corpus file.

import { absent, badge, count, esc, pre, table, type Cell } from '../html.ts';
import type { ExploreIn } from '../inputs/index.ts';
import type { Context, Section } from '../section.ts';

export async function exploreSection(reports: readonly ExploreIn[], ctx: Context): Promise<Section> {
  const base = { id: 'explore', title: 'Exhaustive search (explore)' };
  if (reports.length === 0) return { ...base, html: absent('explore report', 'npx negcheck explore --report FILE'), charts: [], problems: [], present: false };
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
    const cx = t.counterexample;
    if (!cx) continue;
    const link = ctx.attach(cx.file, near);
    const replayed = link && await ctx.replay(link.path);
    details.push(`<details class="cx" open><summary>${esc(t.label)}: ${esc(cx.message.split('\n')[0]!)}</summary>` +
      (link ? `<p>corpus file: <a href="${esc(link.href)}">${esc(cx.file)}</a></p>` : `<p>${esc(cx.file)} is not beside the report</p>`) +
      pre(replayed ?? cx.trace) + '</details>');
  }
  const html = [table('Explored scopes', ['target', 'judges', 'depth', 'states', 'states/s', 'verdict'], rows), ...details].join('\n');
  return { ...base, html, charts: [], problems, present: true };
}
