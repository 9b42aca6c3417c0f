// Proof that the gate holds (issue 12), on this machine:
//  (a) the gate of HEAD against HEAD, --runs times: no false alarm;
//  (b) a planted slowdown in translate and, separately, in the vDPA reset path, each in a scratch
//      commit on HEAD (scripts/bench-plant.ts), gated against HEAD --runs times: flagged >= 9/10;
//  (c) each gated case's resolution from (a)'s samples (scripts/bench-resolution.ts).
// Usage: npx tsx scripts/bench-proof.ts [--runs 10] [--out bench-proof] [--only aa,translate,vdpa-reset]
//        [--gate-args='--processes 4'] (extra options for every gate run, e.g. for a quick smoke test)
// Every run's JSON goes to --out; the summary is printed and written as summary.json.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AgainstResult } from '../cli/bench/report.ts';
import { PLANT_KINDS, plantedTree, type PlantKind, type PlantedTree } from './bench-plant.ts';
import { flaggedAt, resolution, type RunSamples } from './bench-resolution.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, out: { type: 'string', default: 'bench-proof' }, only: { type: 'string' }, 'gate-args': { type: 'string', default: '' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npx tsx scripts/bench-proof.ts [--runs 10] [--out bench-proof] [--only aa,translate,vdpa-reset] [--gate-args "..."]');
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) { console.error(`bench-proof: --runs must be a positive integer, got ${values.runs}`); process.exit(2); }
const only = new Set((values.only ?? ['aa', ...PLANT_KINDS].join(',')).split(','));
for (const k of only) if (k !== 'aa' && !PLANT_KINDS.includes(k as PlantKind)) { console.error(`bench-proof: --only: unknown "${k}"`); process.exit(2); }
const out = values.out!;
const gateArgs = values['gate-args']!.split(' ').filter(Boolean);
mkdirSync(out, { recursive: true });

const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const head = git(['rev-parse', 'HEAD']);
if (git(['status', '--porcelain', '--untracked-files=no'])) console.warn('bench-proof: the working tree has uncommitted changes; the A/A runs measure them against HEAD');

let live: PlantedTree | null = null;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { live?.remove(); process.exit(130); });

const load = (): string => loadavg().map(x => x.toFixed(2)).join(' ');

/** One gate run from `tree` against HEAD; its results. */
function gate(tree: string, file: string): { result: AgainstResult; exit: number; load: string } {
  const before = load();
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'negcheck.js'), 'bench', '--against', head, '--threshold', '10%', ...gateArgs, '--json', file],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`gate run failed (exit ${r.status}): ${r.stdout}`);
  return { result: JSON.parse(readFileSync(file, 'utf8')) as AgainstResult, exit: r.status, load: `${before} → ${load()}` };
}

interface Series { flagged: number; runs: number; seconds: number[]; loads: string[]; perCase: Record<string, { flagged: number; changes: number[] }> }

function series(name: string, tree: string): { s: Series; samples: RunSamples[] } {
  const s: Series = { flagged: 0, runs, seconds: [], loads: [], perCase: {} };
  const samples: RunSamples[] = [];
  for (let i = 1; i <= runs; i++) {
    const { result, exit, load: l } = gate(tree, join(out, `${name}-${i}.json`));
    s.flagged += exit === 1 ? 1 : 0;
    s.seconds.push(result.seconds);
    s.loads.push(l);
    samples.push(Object.fromEntries(result.cases.map(c => [c.id, c.logRatios])));
    for (const c of result.cases) {
      const pc = (s.perCase[c.id] ??= { flagged: 0, changes: [] });
      pc.flagged += c.regression ? 1 : 0;
      pc.changes.push(c.change);
    }
    const bad = result.cases.filter(c => c.regression).map(c => `${c.id} ${(c.change * 100).toFixed(1)}%`);
    console.log(`${name} run ${i}/${runs}: ${exit === 1 ? 'FLAGGED' : 'passed'} in ${result.seconds.toFixed(0)} s (load ${l})${bad.length ? `: ${bad.join(', ')}` : ''}`);
  }
  return { s, samples };
}

const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const summary: Record<string, unknown> = { head, node: process.version, runs, startedAt: new Date().toISOString() };

if (only.has('aa')) {
  const { s, samples } = series('aa', ROOT);
  const res = Object.keys(s.perCase).sort().map(id => ({ id, resolution: resolution(samples, id, 0.1), flaggedAt10: flaggedAt(samples, id, 0.1, 0.1) }));
  summary['aa'] = { ...s, resolution: res };
  console.log(`\n(a) A/A: false alarms ${s.flagged}/${runs}; gate run ${Math.min(...s.seconds).toFixed(0)}–${Math.max(...s.seconds).toFixed(0)} s`);
  console.log('(c) resolution (smallest slowdown flagged in >= 9/10 runs, from the A/A samples shifted):');
  for (const r of res) console.log(`  ${r.id.padEnd(28)} ${r.resolution === null ? '> 60%' : pct(r.resolution).padStart(6)}   (a 10% slowdown: flagged ${r.flaggedAt10}/${runs})`);
}
for (const kind of PLANT_KINDS.filter(k => only.has(k))) {
  live = plantedTree(ROOT, head, kind);
  try {
    const { s } = series(`plant-${kind}`, live.dir);
    summary[kind] = s;
    console.log(`\n(b) planted ${kind}: flagged ${s.flagged}/${runs}; per case (median change over the runs, flagged):`);
    for (const [id, c] of Object.entries(s.perCase).sort()) if (Math.abs(median(c.changes)) > 0.02 || c.flagged) console.log(`  ${id.padEnd(28)} ${pct(median(c.changes)).padStart(7)}  ${c.flagged}/${runs}`);
  } finally {
    live.remove();
    live = null;
  }
}
writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

// exit 1 when the gate does not hold: any false alarm, or a plant flagged in fewer than 9 of 10
const aa = summary['aa'] as Series | undefined;
const missed = PLANT_KINDS.filter(k => summary[k] && (summary[k] as Series).flagged < Math.ceil(0.9 * runs));
if ((aa && aa.flagged > 0) || missed.length) { console.log(`\nthe gate does NOT hold: ${aa?.flagged ?? 0} false alarm(s)${missed.length ? `; missed: ${missed.join(', ')}` : ''}`); process.exitCode = 1; }
else console.log('\nthe gate holds on this machine');
