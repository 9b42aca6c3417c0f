// The real kernels: per lab kernel the traces run, the syscalls compared, the guest's speed, and
// every finding (a mismatch that is not a known difference, a WARN/BUG/oops, a guest that crashed
// or hung), from `kernel --json` and `kernel --generate --json`.

import { badge, count, esc, pre, table, type Cell } from '../html.ts';
import { isFinding, tracesRun } from '../../lab/kernel.ts';
import { rate } from '../../types/rate.ts';
import type { KernelGenerateIn, KernelIn, KernelRunIn } from '../inputs/index.ts';
import { absentSection, type Context, type Section } from '../section.ts';

function runRow(what: string, r: KernelRunIn): Cell[] {
  const findings = r.traces.filter(isFinding).length;
  const stopped = r.traces.filter(t => t.verdict.status === 'crashed' || t.verdict.status === 'hung').length;
  return [`${r.kernel} (${r.release})`, `${what}${r.interrupted ? ' (interrupted)' : ''}`, tracesRun(r.traces), r.ops, rate(r.ops, r.guestMs), r.firstOpMs === null ? '–' : `${(r.firstOpMs / 1000).toFixed(1)} s`,
    r.traces.filter(t => t.verdict.known != null).length, stopped, findings ? badge(String(findings), 'bad') : badge('0', 'ok')];
}

function findingsHtml(r: KernelRunIn, what: string): string {
  const f = r.traces.filter(isFinding);
  if (!f.length) return '';
  return `<details class="cx" open><summary>${esc(r.kernel)}, ${esc(what)}: ${esc(count(f.length, 'finding'))}</summary>` +
    f.slice(0, 50).map(t => `<p><strong>${esc(t.name)}</strong>: ${esc(t.verdict.status)}${t.detail ? ` — ${esc(t.detail)}` : ''}</p>${t.kmsg.length ? pre(t.kmsg) : ''}`).join('') +
    (f.length > 50 ? `<p>and ${f.length - 50} more (the JSON lists them all)</p>` : '') + '</details>';
}

export function kernelsSection(kernel: readonly KernelIn[], generate: readonly KernelGenerateIn[], _ctx: Context): Section {
  const base = { id: 'kernels', title: 'Real kernels (lab)' };
  if (kernel.length === 0 && generate.length === 0) return absentSection(base, 'kernel report', 'npx negcheck kernel --json FILE');
  const runs = [
    ...kernel.flatMap(k => k.runs.map(r => ({ r, what: 'default traces' }))),
    ...generate.flatMap(g => g.kernels.flatMap(k => k.runs.map(r => ({ r, what: `generated, seed ${g.seed} shard ${g.shard}` })))),
  ];
  const findings = runs.reduce((n, { r }) => n + r.traces.filter(isFinding).length, 0);
  const interrupted = runs.filter(({ r }) => r.interrupted).map(({ r }) => r.kernel);
  const rows = runs.map(({ r, what }) => runRow(what, r));
  const gen: Cell[][] = generate.flatMap(g => g.kernels.map(k => [k.kernel, `${g.seed} ${g.shard}`, k.scripts, k.ops, k.findings, k.crashes, k.saved]));
  const html = [
    table('Traces on each lab kernel', ['kernel', 'inputs', 'traces run', 'syscalls', 'ops/s in guest', 'first op', 'known differences', 'crashed or hung', 'findings'], rows),
    gen.length ? table('Generated scripts (kernel --generate)', ['kernel', 'seed shard', 'scripts', 'syscalls', 'findings', 'guest crashes', 'shrunk and saved'], gen) : '',
    ...runs.map(({ r, what }) => findingsHtml(r, what)),
  ].join('\n');
  return { ...base, html, charts: [], problems: [
    ...(findings ? [`kernels: ${count(findings, 'finding')}`] : []),
    ...(interrupted.length ? [`kernels: interrupted on ${[...new Set(interrupted)].join(', ')}`] : []),
  ], present: true };
}
