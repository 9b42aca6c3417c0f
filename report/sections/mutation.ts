// Mutation testing: per Stryker run its score, per file, and the survivors; the patch run joined
// with the difference judge's (patch-difference.json), scored over the mutants with an observable
// difference as issue 27 counts it.

import { esc, table, type Cell } from '../html.ts';
import type { MutationIn } from '../inputs/index.ts';
import { absentSection, type Context, type Section } from '../section.ts';
import { differenceIndex, fileScores, survivors } from '../stryker.ts';

/** Survivors listed per run; the rest are counted (the uploaded Stryker report has them all). */
const SHOWN = 300;

const percent = (d: number, v: number): string => (v ? `${((100 * d) / v).toFixed(2)}%` : '—');

export function mutationSection(runs: readonly MutationIn[], _ctx: Context): Section {
  const base = { id: 'mutation', title: 'Mutation score' };
  if (runs.length === 0) return absentSection(base, 'Stryker report', 'npm run mutation (reports/mutation/*.json)');
  const judge = runs.find(r => r.target === 'patch-difference');
  const parts: string[] = [];
  const summary: Cell[][] = [];
  for (const run of runs.filter(r => r !== judge)) {
    const difference = run.target === 'patch' && judge ? differenceIndex(judge.files) : undefined;
    const scores = fileScores(run.files, difference);
    const d = scores.reduce((n, f) => n + f.detected, 0);
    const v = scores.reduce((n, f) => n + f.valid, 0);
    const e = scores.reduce((n, f) => n + f.noDifference, 0);
    summary.push([run.target, d, v, percent(d, v), difference ? `${percent(d, v - e)} (${d}/${v - e})` : '–']);
    const left = survivors(run.files, difference);
    parts.push(`<h3>${esc(run.target)} <small>${esc(run.file)}</small></h3>`,
      table(`Score per file, ${run.target}`, ['file', 'detected', 'valid', 'score', ...(difference ? ['without no difference'] : [])],
        scores.map(f => [f.file, f.detected, f.valid, percent(f.detected, f.valid), ...(difference ? [percent(f.detected, f.valid - f.noDifference)] : [])])),
      `<details><summary>${left.length} survivors${left.length > SHOWN ? ` (the first ${SHOWN})` : ''}</summary>` +
        table(`Survivors, ${run.target}`, ['where', 'status', 'mutator', 'original → replacement', ...(difference ? ['difference'] : [])],
          left.slice(0, SHOWN).map(s => [`${s.file}:${s.line}`, s.status, s.mutator, `${s.original} → ${s.replacement}`, ...(s.difference ? [s.difference.line] : [])])) +
        '</details>');
  }
  const html = [
    `<p>Score: detected (killed or timed out) over valid mutants. For the patch run with the difference judge's verdicts: also over the mutants with an observable difference (issue 27's score).</p>`,
    table('Mutation runs', ['run', 'detected', 'valid', 'score', 'over observable differences'], summary),
    ...parts,
  ].join('\n');
  return { ...base, html, charts: [], problems: [], present: true };
}
