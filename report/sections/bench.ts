// Benchmarks: the history of the gated cases (each a ratio to the machine's calibration, drawn
// relative to its first night so machines of other speeds compare), and the gate's last verdict
// per case (bench --against: base and head side by side on one machine, the only figure that gates).

import { fmtP, pct } from '../../bench/format.ts';
import { badge, esc, table, type Cell } from '../html.ts';
import type { BenchAgainstIn, BenchHistoryIn } from '../inputs/index.ts';
import { absentSection, chartFigure, type ChartSpec, type Context, type Section } from '../section.ts';

export function benchSection(history: readonly BenchHistoryIn[], against: readonly BenchAgainstIn[], _ctx: Context): Section {
  const base = { id: 'bench', title: 'Benchmarks' };
  if (history.length === 0 && against.length === 0) {
    return absentSection(base, 'bench history or gate result', 'npx negcheck bench --save F --history H.jsonl, or bench --against REF --json F');
  }
  const runs = history.flatMap(h => h.runs).filter(r => !Number.isNaN(Date.parse(r.date))).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const gate = [...against].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)).at(-1);
  const ids = [...new Set([...runs.flatMap(r => Object.keys(r.medians)), ...(gate?.cases.map(c => c.id) ?? [])])].sort();
  const first = (id: string): number | undefined => runs.find(r => r.medians[id] !== undefined)?.medians[id];
  const charts: ChartSpec[] = runs.length ? [{
    id: 'chart-bench', title: `Gated cases over ${runs.length} runs, relative to each case's first (higher is faster)`, kind: 'lines',
    x: runs.map(r => Math.round(Date.parse(r.date) / 1000)),
    series: ids.filter(id => first(id) !== undefined).map(id => ({ label: id, values: runs.map(r => (r.medians[id] === undefined ? null : r.medians[id]! / first(id)!)) })),
    yLabel: 'relative to first',
  }] : [];
  const rows: Cell[][] = ids.map(id => {
    const f = first(id);
    const last = [...runs].reverse().find(r => r.medians[id] !== undefined)?.medians[id];
    const c = gate?.cases.find(x => x.id === id);
    return [id, last === undefined ? '–' : last.toPrecision(4), f === undefined || last === undefined ? '–' : pct(last / f - 1),
      c ? pct(c.change) : '–', c ? `${pct(c.lo)} … ${pct(c.hi)}` : '–', c ? fmtP(c.p) : '–',
      c ? (c.regression ? badge('REGRESSION', 'bad') : badge('ok', 'ok')) : badge('not gated', 'none')];
  });
  const bad = gate?.cases.filter(c => c.regression) ?? [];
  const html = [
    charts.map(chartFigure).join(''),
    gate ? `<p>Gate: head ${esc(gate.head)} against ${esc(gate.base)}, ${esc(gate.startedAt)}, threshold ${(gate.threshold * 100).toFixed(0)}%: ` +
      `${bad.length ? `<strong>FAILED</strong> (${esc(bad.map(c => c.id).join(', '))})` : 'passed'}.</p>` : '<p>No gate result (bench --against --json) in the inputs.</p>',
    runs.length ? '' : '<p>No history (bench --history) in the inputs.</p>',
    table('Gated cases', ['case', 'last ratio', 'since first', 'gate change', '95% CI', 'p', 'gate verdict'], rows),
  ].join('\n');
  return { ...base, html, charts, problems: bad.length ? [`bench: the gate found ${bad.length} regression${bad.length === 1 ? '' : 's'} (${bad.map(c => c.id).join(', ')})`] : [], present: true };
}
