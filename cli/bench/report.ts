// How `negcheck bench --against` shows its result: a text table for the terminal, markdown for
// a CI job summary, an SVG of each case's change with its interval, and the JSON results.

import { fmtP, pct } from '../../bench/format.ts';
import { textTable } from '../table.ts';
import type { GateCase } from './gate.ts';

export const AGAINST_SCHEMA = 'negcheck-bench-against/1';

export interface AgainstResult {
  readonly schema: typeof AGAINST_SCHEMA;
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly commit: string; readonly dirty: boolean };
  readonly threshold: number;
  readonly alpha: number;
  readonly processes: number;
  readonly blocks: number;
  readonly blockTimeMs: number;
  readonly warmupMs: number;
  readonly node: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly cases: readonly GateCase[];
}

function fmtOps(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(1);
}


function rows(r: AgainstResult): string[][] {
  return r.cases.map(c => [c.id, fmtOps(c.baseOps), fmtOps(c.headOps), pct(c.change), `${pct(c.lo)} … ${pct(c.hi)}`, fmtP(c.p), c.regression ? 'REGRESSION' : 'ok']);
}

const HEAD = ['gated case', 'base ops/s', 'head ops/s', 'change', '95% CI', 'p', 'verdict'];

export function ruleLine(r: AgainstResult): string {
  return `a regression: signed-rank p < ${r.alpha} (head slower) and the 95% CI of the change reaches below −${(r.threshold * 100).toFixed(0)}%`;
}

export function verdictLine(r: AgainstResult): string {
  const bad = r.cases.filter(c => c.regression);
  return bad.length
    ? `gate: FAILED: ${bad.map(c => `${c.id} ${pct(c.change)} (CI ${pct(c.lo)} … ${pct(c.hi)}, p = ${fmtP(c.p)})`).join('; ')}`
    : `gate: passed (${r.cases.length} gated cases, threshold ${(r.threshold * 100).toFixed(0)}%)`;
}

export function textReport(r: AgainstResult): string[] {
  return [
    `base ${r.base.ref} (${r.base.commit.slice(0, 12)}) vs head ${r.head.commit.slice(0, 12)}${r.head.dirty ? ' + uncommitted changes' : ''}: ` +
      `${r.processes} processes × ${r.blocks} ABBA block pairs of ${r.blockTimeMs} ms, ${r.seconds.toFixed(0)} s`,
    ...textTable(HEAD, rows(r), 'numbers'),
    ruleLine(r),
    verdictLine(r),
  ];
}

export function markdownReport(r: AgainstResult): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `### negcheck bench: head ${r.head.commit.slice(0, 12)} against ${esc(r.base.ref)} (${r.base.commit.slice(0, 12)})`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(r).map(cells => `| ${cells.map((c, i) => (i === 6 && c !== 'ok' ? `**${c}**` : esc(c))).join(' | ')} |`),
    '',
    `${r.processes} fresh processes, each measuring base and head side by side (${r.blocks} ABBA block pairs of ${r.blockTimeMs} ms per case), ` +
      `Node ${r.node}, ${r.seconds.toFixed(0)} s. Change: Hodges–Lehmann estimate over the processes; p: one-sided Wilcoxon signed-rank. ` +
      `Rule: ${ruleLine(r)}.`,
    '',
    `**${verdictLine(r)}**`,
    '',
  ].join('\n');
}

/** Each case's change as a dot with its 95% interval, the threshold as a red line. */
export function changeChartSvg(r: AgainstResult): string {
  const W = 760, L = 210, R = 30, T = 30, ROW = 22;
  const H = T + ROW * r.cases.length + 30;
  const ends = r.cases.flatMap(c => [c.lo, c.hi, c.change]).filter(Number.isFinite);
  const lo = Math.min(-r.threshold * 1.5, ...ends);
  const hi = Math.max(r.threshold * 0.5, ...ends);
  const x = (v: number): number => L + ((Math.min(hi, Math.max(lo, v)) - lo) * (W - L - R)) / (hi - lo);
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="4" y="14">head vs ${esc(r.base.ref)} (${r.base.commit.slice(0, 12)}): change in ops/s with 95% CI</text>`,
    `<line x1="${x(0)}" y1="${T - 6}" x2="${x(0)}" y2="${H - 24}" stroke="#999"/>`,
    `<line x1="${x(-r.threshold)}" y1="${T - 6}" x2="${x(-r.threshold)}" y2="${H - 24}" stroke="#d62728" stroke-dasharray="4 3"/>`,
    `<text x="${x(0)}" y="${H - 8}" text-anchor="middle">0</text>`,
    `<text x="${x(-r.threshold)}" y="${H - 8}" text-anchor="middle" fill="#d62728">−${(r.threshold * 100).toFixed(0)}%</text>`,
  ];
  r.cases.forEach((c, i) => {
    const y = T + ROW * i + ROW / 2;
    const colour = c.regression ? '#d62728' : '#1f77b4';
    parts.push(`<text x="${L - 8}" y="${y + 4}" text-anchor="end">${esc(c.id)}</text>`);
    parts.push(`<line x1="${x(c.lo).toFixed(1)}" y1="${y}" x2="${x(c.hi).toFixed(1)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<circle cx="${x(c.change).toFixed(1)}" cy="${y}" r="4" fill="${colour}"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

