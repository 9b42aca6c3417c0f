// Proof that the gate holds (issue 12), on this machine:
//  (a) the gate of HEAD against HEAD, --runs times: no false alarm;
//  (b) a planted slowdown in translate and, separately, in the vDPA reset path, each in a scratch
//      commit on HEAD (scripts/bench-plant.ts), gated against HEAD --runs times: flagged >= 9/10;
//  (c) each gated case's resolution from (a)'s samples (scripts/bench-resolution.ts).
// Usage: npx tsx scripts/bench-proof.ts [--runs 10] [--out bench-proof] [--only aa,translate,vdpa-reset]
//        [--gate-args='--processes 4'] (extra options for every gate run, e.g. for a quick smoke test)
//        [--rejudge] (measure nothing: judge the runs recorded in --out again by the current rule)
// Every run's JSON goes to --out; the summary is printed and written as summary.json. Verdicts
// are computed here from each run's recorded paired samples by bench/stats.ts's rule, the same
// function the gate calls.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALPHA, verdict } from '../bench/stats.ts';
import type { AgainstResult } from '../cli/bench/report.ts';
import { PLANT_KINDS, plantedTree, type PlantKind, type PlantedTree } from './bench-plant.ts';
import { flaggedAt, resolution, type RunSamples } from './bench-resolution.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: npx tsx scripts/bench-proof.ts [--runs 10] [--out bench-proof] [--only aa,translate,vdpa-reset] [--gate-args="..."] [--rejudge]';
const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '10' }, out: { type: 'string', default: 'bench-proof' }, only: { type: 'string' },
  'gate-args': { type: 'string', default: '' }, rejudge: { type: 'boolean' }, help: { type: 'boolean' },
} });
if (values.help) { console.log(USAGE); process.exit(0); }
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) { console.error(`bench-proof: --runs must be a positive integer, got ${values.runs}`); process.exit(2); }
const only = new Set((values.only ?? ['aa', ...PLANT_KINDS].join(',')).split(','));
for (const k of only) if (k !== 'aa' && !PLANT_KINDS.includes(k as PlantKind)) { console.error(`bench-proof: --only: unknown "${k}"`); process.exit(2); }
const out = values.out!;
const gateArgs = values['gate-args']!.split(' ').filter(Boolean);
const THRESHOLD = 0.1;

const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const head = git(['rev-parse', 'HEAD']);

let live: PlantedTree | null = null;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { live?.remove(); process.exit(130); });

const load = (): string => loadavg().map(x => x.toFixed(2)).join(' ');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

/** One gate run from `tree` against HEAD, recorded in `file`. */
function gate(tree: string, file: string): void {
  const before = load();
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'negcheck.js'), 'bench', '--against', head, '--threshold', '10%', ...gateArgs, '--json', file],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`gate run failed (exit ${r.status}): ${r.stdout}`);
  writeFileSync(`${file}.load`, `${before} → ${load()}\n`);
}

interface Series {
  readonly runs: number;
  readonly flagged: number;
  readonly seconds: number[];
  readonly loads: string[];
  readonly perCase: Record<string, { flagged: number; changes: number[] }>;
}

/** The recorded runs `name-1.json` … judged by the current rule. */
function judgeSeries(name: string): { s: Series; samples: RunSamples[] } {
  const files = Array.from({ length: runs }, (_, i) => join(out, `${name}-${i + 1}.json`)).filter(f => existsSync(f));
  const results = files.map(f => JSON.parse(readFileSync(f, 'utf8')) as AgainstResult);
  const perCase: Series['perCase'] = {};
  let flagged = 0;
  results.forEach((r, i) => {
    const bad: string[] = [];
    for (const c of r.cases) {
      const v = verdict(c.logRatios, THRESHOLD);
      const pc = (perCase[c.id] ??= { flagged: 0, changes: [] });
      pc.changes.push(v.change);
      if (v.regression) { pc.flagged++; bad.push(`${c.id} ${pct(v.change)} (p ${v.p.toExponential(1)})`); }
    }
    flagged += bad.length ? 1 : 0;
    console.log(`${name} run ${i + 1}: ${bad.length ? `FLAGGED: ${bad.join(', ')}` : 'passed'} (${r.seconds.toFixed(0)} s, load ${existsSync(`${files[i]}.load`) ? readFileSync(`${files[i]}.load`, 'utf8').trim() : '?'})`);
  });
  const s: Series = {
    runs: results.length, flagged, seconds: results.map(r => r.seconds), perCase,
    loads: files.map(f => (existsSync(`${f}.load`) ? readFileSync(`${f}.load`, 'utf8').trim() : '?')),
  };
  return { s, samples: results.map(r => Object.fromEntries(r.cases.map(c => [c.id, c.logRatios]))) };
}

function measureSeries(name: string, tree: string): void {
  mkdirSync(out, { recursive: true });
  for (let i = 1; i <= runs; i++) {
    gate(tree, join(out, `${name}-${i}.json`));
    console.log(`${name} run ${i}/${runs} measured`);
  }
}

if (!values.rejudge) {
  if (git(['status', '--porcelain', '--untracked-files=no'])) console.warn('bench-proof: the working tree has uncommitted changes; the A/A runs measure them against HEAD');
  if (only.has('aa')) measureSeries('aa', ROOT);
  for (const kind of PLANT_KINDS.filter(k => only.has(k))) {
    live = plantedTree(ROOT, head, kind);
    try { measureSeries(`plant-${kind}`, live.dir); } finally { live.remove(); live = null; }
  }
}

const summary: Record<string, unknown> = { head, node: process.version, alpha: ALPHA, threshold: THRESHOLD, judgedAt: new Date().toISOString() };
const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} s`;
let ok = true;
if (only.has('aa')) {
  const { s, samples } = judgeSeries('aa');
  const res = Object.keys(s.perCase).sort().map(id => ({ id, resolution: resolution(samples, id, THRESHOLD), flaggedAt10: flaggedAt(samples, id, 0.1, THRESHOLD) }));
  summary['aa'] = { ...s, resolution: res };
  ok &&= s.flagged === 0;
  console.log(`\n(a) A/A: false alarms ${s.flagged}/${s.runs}; gate run ${range(s.seconds)}`);
  console.log('(c) resolution: the smallest slowdown flagged in >= 9 of 10 runs (A/A samples shifted by ln(1 - s)):');
  for (const r of res) console.log(`  ${r.id.padEnd(28)} ${r.resolution === null ? '> 60%' : pct(r.resolution).padStart(6)}   (a 10% slowdown: flagged ${r.flaggedAt10}/${s.runs})`);
}
for (const kind of PLANT_KINDS.filter(k => only.has(k))) {
  const { s } = judgeSeries(`plant-${kind}`);
  summary[kind] = s;
  ok &&= s.flagged >= Math.ceil(0.9 * s.runs);
  console.log(`\n(b) planted ${kind}: flagged ${s.flagged}/${s.runs}; gate run ${range(s.seconds)}; per case (median change over the runs, runs flagged):`);
  for (const [id, c] of Object.entries(s.perCase).sort()) if (Math.abs(median(c.changes)) > 0.02 || c.flagged) console.log(`  ${id.padEnd(28)} ${pct(median(c.changes)).padStart(7)}  ${c.flagged}/${s.runs}`);
}
writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(ok ? '\nthe gate holds on this machine' : '\nthe gate does NOT hold (a false alarm, or a plant flagged in fewer than 9 of 10)');
process.exitCode = ok ? 0 : 1;
