// `negcheck bench --against`: measure base and head side by side in fresh processes, one after
// another (each process measures both trees, in ABBA blocks), and judge each gated case on the
// paired samples (bench/stats.ts).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verdict, type Verdict } from '../../bench/stats.ts';
import type { WorkerArgs, WorkerResult } from '../../bench/worker.ts';

export interface GateOptions {
  readonly base: string;
  readonly head: string;
  readonly processes: number;
  readonly blocks: number;
  readonly blockTimeMs: number;
  readonly warmupMs: number;
  /** node --single-threaded: no concurrent JIT or GC threads competing for the 2 cores */
  readonly singleThreaded: boolean;
  readonly cases?: readonly string[];
}

export interface GateCase extends Verdict {
  readonly id: string;
  /** median over the processes of each side's ops/s */
  readonly baseOps: number;
  readonly headOps: number;
  /** the paired samples: ln(head / base), one per process */
  readonly logRatios: readonly number[];
}

const WORKER = fileURLToPath(new URL('../../bench/worker.ts', import.meta.url));
const TSX = import.meta.resolve('tsx/esm');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One measuring process; rejects with its stderr when it fails. */
function runWorker(args: WorkerArgs, singleThreaded: boolean): Promise<WorkerResult> {
  const flags = [...(singleThreaded ? ['--single-threaded'] : []), '--import', TSX, WORKER, JSON.stringify(args)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, flags, { stdio: ['ignore', 'pipe', 'pipe'] });
    // the parent exiting (SIGINT/SIGTERM handlers in against.ts) takes the measuring process along
    const killChild = (): void => { child.kill(); };
    process.once('exit', killChild);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('exit', killChild);
      if (code === 0) {
        try { resolve(JSON.parse(out) as WorkerResult); } catch (e) { reject(new Error(`measuring process ${args.index}: bad output: ${(e as Error).message}`)); }
      } else reject(new Error(`measuring process ${args.index} failed (${signal ?? `exit ${code}`}): ${err.trim()}`));
    });
  });
}

/** Fresh processes one at a time (two at once would share the 2 cores with each other). */
export async function collectSamples(o: GateOptions, log: (l: string) => void): Promise<WorkerResult[]> {
  const results: WorkerResult[] = [];
  for (let i = 0; i < o.processes; i++) {
    const args: WorkerArgs = { base: o.base, head: o.head, index: i, blocks: o.blocks, blockTimeMs: o.blockTimeMs, warmupMs: o.warmupMs, ...(o.cases ? { cases: o.cases } : {}) };
    results.push(await runWorker(args, o.singleThreaded));
    log(`  process ${i + 1}/${o.processes} done`);
  }
  return results;
}

/** Each case's verdict over the processes' paired samples. */
export function judge(samples: readonly WorkerResult[], threshold: number): GateCase[] {
  const ids = [...new Set(samples.flatMap(s => Object.keys(s)))].sort();
  return ids.map(id => {
    const pairs = samples.map(s => s[id]).filter(x => x !== undefined);
    const logRatios = pairs.map(x => x.logRatio);
    return { id, baseOps: median(pairs.map(x => x.base)), headOps: median(pairs.map(x => x.head)), logRatios, ...verdict(logRatios, threshold) };
  });
}
