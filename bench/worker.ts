// One measuring process of `negcheck bench --against`: loads the gated cases of BOTH trees (the
// base worktree's bench/suites.ts and the head's, by absolute path) and measures each case
// side by side (bench/paired.ts). Prints one paired sample per case as JSON on stdout.
// Usage (spawned by cli/bench/gate.ts): node --import tsx/esm bench/worker.ts '<json WorkerArgs>'

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { geoMean, measurePaired, pairedLogRatio } from './paired.ts';
import type { BenchCase } from './suites.ts';

export interface WorkerArgs {
  readonly base: string;
  readonly head: string;
  /** this process's number: rotates the case order, picks which tree goes first */
  readonly index: number;
  readonly blocks: number;
  readonly blockTimeMs: number;
  /** each side's warm-up per case, not counted */
  readonly warmupMs: number;
  /** restrict to these case ids (all gated cases when absent) */
  readonly cases?: readonly string[];
}

export interface WorkerSample {
  /** ops/s, geometric mean of the blocks (for the table) */
  readonly base: number;
  readonly head: number;
  /** the paired figure the test uses: median over adjacent blocks of ln(head / base) */
  readonly logRatio: number;
}

export type WorkerResult = Record<string, WorkerSample>;

async function loadGated(tree: string): Promise<BenchCase[]> {
  const mod = await import(pathToFileURL(join(tree, 'bench', 'suites.ts')).href) as
    { gatedCases?: () => BenchCase[]; allCases?: (sizes: readonly number[]) => BenchCase[] };
  if (mod.gatedCases) return mod.gatedCases();
  // bases from before gatedCases(): build everything at the gated sizes and keep the gated ones
  if (mod.allCases) return mod.allCases([1_000, 100_000]).filter(c => c.gated);
  throw new Error(`${tree}/bench/suites.ts exports neither gatedCases nor allCases`);
}

async function main(args: WorkerArgs): Promise<WorkerResult> {
  const headFirst = args.index % 2 === 1;
  // build in alternating order, so neither tree's fixtures always sit first in the heap
  const first = await loadGated(headFirst ? args.head : args.base);
  const second = await loadGated(headFirst ? args.base : args.head);
  const [headCases, baseCases] = headFirst ? [first, second] : [second, first];
  const baseById = new Map(baseCases.map(c => [c.id, c]));
  let cases = headCases.filter(c => baseById.has(c.id) && (!args.cases || args.cases.includes(c.id)));
  const k = cases.length ? args.index % cases.length : 0;
  cases = [...cases.slice(k), ...cases.slice(0, k)];
  const out: WorkerResult = {};
  for (const c of cases) {
    const r = measurePaired(baseById.get(c.id)!.fn, c.fn, args.blocks, args.blockTimeMs, headFirst, args.warmupMs);
    out[c.id] = { base: geoMean(r.base), head: geoMean(r.head), logRatio: pairedLogRatio(r) };
  }
  return out;
}

const arg = process.argv[2];
if (!arg) { console.error('usage: node --import tsx/esm bench/worker.ts <json args>'); process.exit(2); }
process.stdout.write(JSON.stringify(await main(JSON.parse(arg) as WorkerArgs)) + '\n');
