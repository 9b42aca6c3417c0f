// `negcheck bench`: the hot-path table with the ratios the targets are stated in; the gate
// (`--against REF`: base and head side by side on this machine, cli/bench/run.ts); a saved
// baseline, the comparison with it, a history file and a chart of it (history, not the gate).

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { gateRound, mannWhitneyLess, measure, median, type Measurement } from '../bench/measure.ts';
import { allCases, CALIBRATION, type BenchCase } from '../bench/suites.ts';
import { intArg } from './args.ts';
import { writeAtomic } from './files.ts';
import { textTable } from './table.ts';
import { againstAction } from './bench/run.ts';
import { UsageError } from './usage.ts';
import { InputError } from '../types/errors.ts';

export const BASELINE_SCHEMA = 'negcheck-bench-baseline/1';

export interface Baseline {
  readonly schema: typeof BASELINE_SCHEMA;
  readonly createdAt: string;
  readonly node: string;
  readonly rounds: number;
  readonly processes: number;
  readonly timeMs: number;
  readonly calibration: string;
  /** gated case → its ratio to the calibration, one per process (median of its rounds) */
  readonly ratios: Readonly<Record<string, readonly number[]>>;
}

export interface GateRow {
  readonly id: string;
  readonly baseline: number;
  readonly current: number;
  /** current / baseline - 1 (negative: slower) */
  readonly change: number;
  readonly p: number;
  readonly regression: boolean;
}

function fmtOps(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(1);
}

/** The ratios the issue states targets for, at each size measured. */
export function ratioLines(ms: readonly Measurement[]): string[] {
  const ops = new Map(ms.map(m => [m.id, m.opsPerSec]));
  const rows: string[][] = [];
  const ratio = (a: string, b: string): string => {
    const x = ops.get(a);
    const y = ops.get(b);
    return x && y ? `${(x / y).toFixed(2)}×` : '—';
  };
  for (const kind of ['hit', 'miss', 'mix']) {
    for (const n of [10, 1000, 10000, 100000]) {
      const g = `translate-${kind}`;
      rows.push([`${g} @${n}`, ratio(`${g}/floor/${n}`, `${g}/impl/${n}`), ratio(`${g}/impl/${n}`, `${g}/interval-tree/${n}`), ratio(`${g}/impl/${n}`, `${g}/model/${n}`)]);
    }
  }
  for (const n of [10, 1000, 10000, 100000]) rows.push([`churn @${n}`, '—', ratio(`churn/impl/${n}`, `churn/interval-tree/${n}`), ratio(`churn/impl/${n}`, `churn/model/${n}`)]);
  rows.push(['negotiate', '—', '—', ratio('negotiate/impl', 'negotiate/model')]);
  return [
    'targets: floor/impl <= 2 at 1k and 100k; impl/interval-tree >= 10 (lookups) and >= 5 (churn) at 100k; impl/model >= 100 at 10k',
    ...textTable(['', 'floor/impl', 'impl/interval-tree', 'impl/model'], rows, 'numbers'),
  ];
}

export function measurementTable(ms: readonly Measurement[]): string[] {
  return textTable(['benchmark', 'ops/s', '±rme', 'samples'], ms.map(m => [m.id, fmtOps(m.opsPerSec), `${m.rme.toFixed(1)}%`, String(m.samples)]), 'numbers');
}

export function gatedCases(cases: readonly BenchCase[]): BenchCase[] {
  return cases.filter(c => c.gated || c.id === CALIBRATION);
}

export function runGate(cases: readonly BenchCase[], rounds: number, timeMs: number, log: (l: string) => void): Record<string, number[]> {
  const gated = gatedCases(cases);
  const ratios: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [id, x] of gateRound(gated, r, timeMs)) (ratios[id] ??= []).push(x);
    log(`  round ${r + 1}/${rounds}`);
  }
  return ratios;
}

export function compare(base: Baseline, current: Record<string, number[]>, threshold: number): GateRow[] {
  return Object.keys(current).sort().map(id => {
    const b = base.ratios[id];
    const c = current[id]!;
    if (!b) return { id, baseline: NaN, current: median(c), change: 0, p: 1, regression: false };
    const change = median(c) / median(b) - 1;
    const p = mannWhitneyLess(c, b);
    // flagged only when the slowdown is beyond the threshold and the rounds support it
    return { id, baseline: median(b), current: median(c), change, p, regression: change < -threshold && p < 0.01 };
  });
}

function readBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const b = raw as Partial<Baseline>;
  if (b.schema !== BASELINE_SCHEMA) throw new UsageError(`${file}: schema: expected "${BASELINE_SCHEMA}", got ${JSON.stringify(b.schema ?? null)}`);
  if (typeof b.ratios !== 'object' || b.ratios === null) throw new UsageError(`${file}: ratios: expected an object of arrays`);
  return b as Baseline;
}

/** A line chart of each gated ratio (relative to its first point) over the history's runs. */
export function chartSvg(history: readonly { date: string; medians: Record<string, number> }[]): string {
  const W = 760, H = 360, L = 50, R = 220, T = 20, B = 40;
  const ids = [...new Set(history.flatMap(h => Object.keys(h.medians)))].sort();
  const rel = ids.map(id => {
    const first = history.find(h => h.medians[id] !== undefined)?.medians[id] ?? 1;
    return history.map(h => (h.medians[id] === undefined ? null : h.medians[id]! / first));
  });
  const ys = rel.flat().filter((v): v is number => v !== null);
  const lo = Math.min(0.8, ...ys);
  const hi = Math.max(1.2, ...ys);
  const x = (i: number): number => L + (history.length <= 1 ? 0 : (i * (W - L - R)) / (history.length - 1));
  const y = (v: number): number => T + ((hi - v) * (H - T - B)) / (hi - lo);
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${L}" y="14">gated benchmarks, ops/s relative to the first run (ratio to ${esc(CALIBRATION)})</text>`,
    `<line x1="${L}" y1="${y(1)}" x2="${W - R}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<line x1="${L}" y1="${y(0.9)}" x2="${W - R}" y2="${y(0.9)}" stroke="#d62728" stroke-dasharray="2 3"/>`,
    `<text x="4" y="${y(1) + 4}">1.00</text><text x="4" y="${y(0.9) + 4}">0.90</text>`,
    `<text x="${L}" y="${H - 10}">${esc(history[0]?.date ?? '')}</text><text x="${W - R}" y="${H - 10}" text-anchor="end">${esc(history.at(-1)?.date ?? '')}</text>`,
  ];
  ids.forEach((id, k) => {
    const pts = rel[k]!.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
    const c = colours[k % colours.length]!;
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts}"/>`);
    parts.push(`<text x="${W - R + 8}" y="${T + 14 * k + 10}" fill="${c}">${esc(id)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function thresholdArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--threshold must be a percentage like 10%, got ${JSON.stringify(v)}`);
  return Number(m[1]) / 100;
}

interface BenchOptions {
  time: number; rounds: number; roundTime: number; processes?: number; save?: string; compare?: string; threshold: number;
  history?: string; chart?: string; json?: string | true; emitRounds?: boolean;
  against?: string | true; blocks: number; blockTime: number; warmup: number; singleThreaded: boolean; cases?: string[]; summary?: string;
}

function casesArg(v: string): string[] {
  const ids = v.split(',').map(s => s.trim()).filter(Boolean);
  if (!ids.length) throw new InvalidArgumentError('--cases needs at least one case id');
  return ids;
}

const BIN = fileURLToPath(new URL('../bin/negcheck.js', import.meta.url));

/**
 * The gate's samples: one per fresh process, the median of its rounds. A process's JIT decisions
 * are shared by all its rounds (translate-mix settles at levels up to 30% apart from one process
 * to the next, and identical within one), so rounds are not independent samples; processes are.
 */
function collectRounds(o: BenchOptions & { processes: number }, log: (l: string) => void): Record<string, number[]> {
  const ratios: Record<string, number[]> = {};
  for (let p = 0; p < o.processes; p++) {
    const r = spawnSync(process.execPath, [BIN, 'bench', '--emit-rounds', '--rounds', String(o.rounds), '--round-time', String(o.roundTime)],
      { encoding: 'utf8', env: process.env, maxBuffer: 16 << 20 });
    if (r.status !== 0) throw new Error(`bench process ${p + 1} failed: ${r.stderr}`);
    const got = JSON.parse(r.stdout) as Record<string, number[]>;
    for (const [id, xs] of Object.entries(got)) (ratios[id] ??= []).push(median(xs));
    log(`  process ${p + 1}/${o.processes}: ${o.rounds} interleaved round(s)`);
  }
  return ratios;
}

export function registerBench(program: Command): void {
  program.command('bench')
    .description('benchmark the hot paths (table with ratios); the gate: --against REF (base and head side by side on this machine)')
    .option('--time <ms>', 'measuring time per benchmark for the table', intArg('--time', 1), 300)
    .option('--against [ref]', 'the gate: measure REF (commit, branch or tag; default: the merge base with main, or HEAD~1 on main) and this working tree side by side; exit 1 on a regression')
    .option('--threshold <pct>', 'a slowdown that may exceed this (95% CI) and that the test supports fails the gate', thresholdArg, 0.1)
    .option('--processes <n>', 'fresh processes, one paired sample each (default: 16 for --against, 12 for --save/--compare)', intArg('--processes', 1))
    .option('--blocks <n>', '--against: ABBA block pairs per case per process', intArg('--blocks', 1), 6)
    .option('--block-time <ms>', '--against: measuring time per block', intArg('--block-time', 1), 25)
    .option('--warmup <ms>', '--against: each side\'s warm-up per case per process (lets the JIT settle; not counted)', intArg('--warmup', 0), 150)
    .option('--cases <ids>', '--against: only these gated cases (comma-separated ids)', casesArg)
    .option('--no-single-threaded', '--against: let the measuring processes use V8\'s concurrent JIT and GC threads (noisier on 2 cores)')
    .option('--summary <file>', '--against: append the table as markdown to FILE (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--json [file]', 'results as JSON: to FILE (written atomically), or on stdout')
    .option('--chart <file.svg>', '--against: draw each case\'s change and CI; with --history: draw the history (no measuring)')
    .option('--save <file>', 'history: measure the gated benchmarks as ratios to a calibration and save them')
    .option('--compare <file>', 'history: re-measure and compare with a saved file (not the gate: figures from another machine do not compare)')
    .option('--rounds <n>', 'interleaved rounds per process (their median is the sample)', intArg('--rounds', 1), 3)
    .addOption(new Option('--emit-rounds', 'measure rounds in this process and print their ratios as JSON (used by --save/--compare)').hideHelp())
    .option('--round-time <ms>', 'measuring time per benchmark per round', intArg('--round-time', 1), 60)
    .option('--history <file>', 'append this run\'s gated medians (--save/--compare) to a JSON-lines history file')
    .addHelpText('after', [
      '',
      'The gate (npm run bench:gate = bench --against --threshold 10%): REF is checked out into a temporary git worktree',
      '(node_modules linked when the lockfile is the same, else npm ci), and each of --processes fresh processes loads the',
      'gated cases of both trees and measures them in alternating ABBA blocks. A case is a regression when the one-sided',
      'Wilcoxon signed-rank test over the processes gives p < 0.005 and the 95% CI of the change (Hodges-Lehmann) reaches',
      'below -threshold.',
      '',
      'Exit status: 0 ok (the gate passed), 1 the gate found a regression, 2 bad input.',
    ].join('\n'))
    .action(async (o: BenchOptions) => {
      try {
        process.exitCode = await benchAction(o);
      } catch (e) {
        if (e instanceof InputError) { console.error(`negcheck bench: ${e.message}`); process.exitCode = 2; return; }
        throw e;
      }
    });
}

/** --json: on stdout, or to a file written atomically. */
function emitJson(to: string | true, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (to === true) process.stdout.write(text); else writeAtomic(to, text);
}

async function benchAction(o: BenchOptions): Promise<number> {
  const log = (l: string): void => { (o.json === true ? process.stderr : process.stdout).write(`${l}\n`); };
  if (o.against !== undefined) {
    if (o.save || o.compare || o.history) throw new UsageError('--against is the gate on its own: not with --save, --compare or --history');
    return againstAction({
      against: o.against, threshold: o.threshold, processes: o.processes ?? 16, blocks: o.blocks, blockTime: o.blockTime, warmup: o.warmup,
      singleThreaded: o.singleThreaded, ...(o.cases ? { cases: o.cases } : {}), ...(o.json !== undefined ? { json: o.json } : {}),
      ...(o.summary ? { summary: o.summary } : {}), ...(o.chart ? { chart: o.chart } : {}),
    }, log);
  }
  if (o.summary || o.cases) throw new UsageError('--summary and --cases go with --against');
  if (o.chart) {
    if (!o.history || !existsSync(o.history)) throw new UsageError('--chart needs an existing --history file');
    const history = readFileSync(o.history, 'utf8').split('\n').filter(l => l.trim()).map((l, i) => {
      try { return JSON.parse(l) as { date: string; medians: Record<string, number> }; } catch { throw new UsageError(`${o.history}:${i + 1}: not JSON`); }
    });
    writeAtomic(o.chart, chartSvg(history));
    log(`wrote ${o.chart} (${history.length} runs)`);
    return 0;
  }
  if (o.save && o.compare) throw new UsageError('give --save or --compare, not both');
  if (o.emitRounds) {
    process.stdout.write(JSON.stringify(runGate(allCases([1_000, 100_000]), o.rounds, o.roundTime, () => {})));
    return 0;
  }
  const baseline = o.compare ? readBaseline(o.compare) : null;
  if (o.save || o.compare) {
    log(`${o.processes ?? 12} processes × ${o.rounds} interleaved rounds of the gated benchmarks, ${o.roundTime} ms each`);
    const ratios = collectRounds({ ...o, processes: o.processes ?? 12 }, log);
    const medians = Object.fromEntries(Object.entries(ratios).map(([id, xs]) => [id, median(xs)]));
    if (o.history) appendFileSync(o.history, JSON.stringify({ date: new Date().toISOString(), medians }) + '\n');
    if (o.save) {
      const b: Baseline = { schema: BASELINE_SCHEMA, createdAt: new Date().toISOString(), node: process.version, rounds: o.rounds, processes: o.processes ?? 12, timeMs: o.roundTime, calibration: CALIBRATION, ratios };
      writeAtomic(o.save, JSON.stringify(b, null, 2) + '\n');
      log(`saved ${o.save}`);
      return 0;
    }
    const rows = compare(baseline!, ratios, o.threshold);
    if (o.json !== undefined) emitJson(o.json, { threshold: o.threshold, rows });
    if (o.json !== true) {
      log(textTable(['gated benchmark (ratio to calibration)', 'baseline', 'now', 'change', 'p', ''], rows.map(r => [
        r.id, Number.isNaN(r.baseline) ? 'new' : r.baseline.toFixed(4), r.current.toFixed(4), `${(r.change * 100).toFixed(1)}%`, r.p.toFixed(4),
        r.regression ? 'REGRESSION' : 'ok',
      ]), 'numbers').join('\n'));
    }
    const bad = rows.filter(r => r.regression);
    for (const r of bad) log(`regression: ${r.id} is ${(-r.change * 100).toFixed(1)}% slower than the baseline (p = ${r.p.toFixed(4)})`);
    log(bad.length ? `compare (history, not the gate): ${bad.length} slower beyond ${(o.threshold * 100).toFixed(0)}%` : `compare (history, not the gate): none slower beyond ${(o.threshold * 100).toFixed(0)}%`);
    return bad.length ? 1 : 0;
  }
  log('building fixtures (up to 100k mappings)...');
  const ms = measure(allCases(), o.time);
  if (o.json !== undefined) emitJson(o.json, ms);
  if (o.json === true) return 0;
  for (const l of [...measurementTable(ms), '', ...ratioLines(ms)]) log(l);
  return 0;
}
