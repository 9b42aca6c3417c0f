// The catalogue matrix (`prove --all --json`): a row per proposal, a column per property, each
// cell the verdict of both engines (fast-check / explore) against the catalogue's expectation.

import { count, esc, table, type Cell } from '../html.ts';
import type { ProveIn, ProveRowIn } from '../inputs/index.ts';
import { absentSection, type Context, type Section } from '../section.ts';

/** A cell whose verdict is not the catalogue's, or whose engines disagree (prove computed both). */
const surprising = (r: ProveRowIn): boolean => r.surprise || r.disagree;

function cell(r: ProveRowIn | undefined, ctx: Context, near: string): Cell {
  if (r === undefined) return { html: '·', cls: 'na', title: 'does not apply' };
  const word = (v: string): string => (v === 'violated' ? 'VIOLATED' : v);
  const both = `${word(r.found)}${r.exhaustive && r.exhaustive !== 'not explorable' ? ` / ${word(r.exhaustive)}` : ''}`;
  const link = r.file ? ctx.attach(r.file, near) : null;
  const bad = surprising(r);
  const text = `${esc(both)}${r.surprise ? ` <em>(expected ${esc(r.expected ?? '')})</em>` : ''}${r.disagree ? ' <em>≠</em>' : ''}`;
  return {
    html: link ? `<a href="${esc(link.href)}">${text}</a>` : text,
    cls: bad ? 'bad' : r.found === 'violated' ? 'violated' : r.found === 'holds' ? 'ok' : 'warn',
    title: `fast-check: ${r.found} (${r.runs} runs); explore: ${r.exhaustive ?? 'not run'}; expected: ${r.expected ?? 'none'}${r.message ? `; ${r.message.split('\n')[0]}` : ''}`,
  };
}

export function catalogueSection(reports: readonly ProveIn[], ctx: Context): Section {
  const base = { id: 'catalogue', title: 'Catalogue matrix (prove --all)' };
  if (reports.length === 0) return absentSection(base, 'prove report', 'npx negcheck prove --all --json FILE');
  const props = [...new Set(reports.flatMap(r => r.proposals.flatMap(p => p.rows.map(x => x.property))))]
    .sort((a, b) => (a === 'R' ? 1 : b === 'R' ? -1 : a.localeCompare(b, 'en', { numeric: true })));
  const surprises = reports.flatMap(r => r.proposals.flatMap(p => p.rows.filter(surprising).map(x => `${p.id} ${x.property}`)));
  const rows: Cell[][] = reports.flatMap(r => r.proposals.map(p => [
    { html: `<span title="${esc(p.title)}">${esc(p.id)}</span>` },
    ...props.map(id => cell(p.rows.find(x => x.property === id), ctx, r.file)),
    p.fate,
  ]));
  const n = reports.reduce((k, r) => k + r.proposals.length, 0);
  const html = [
    `<p>${n} proposals. Each cell: fast-check's verdict / explore's; <em>(expected …)</em> where the catalogue expects another, ≠ where the engines disagree; a cell with a counterexample links its corpus file.</p>`,
    table('Proposals × properties', ['proposal', ...props, 'fate'], rows, 'matrix'),
  ].join('\n');
  return { ...base, html, charts: [], problems: [
    ...(surprises.length ? [`catalogue: ${count(surprises.length, 'verdict')} not as expected (${surprises.join(', ')})`] : []),
  ], present: true };
}
