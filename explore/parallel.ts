// Exhaustive exploration with worker threads sharing each level's frontier.
//
// The main thread owns the Search (store, levels, verdict) and never runs model code; workers
// expand chunks of a level (ids in order) and send back their distinct successors. Chunks may
// finish in any order; the main thread merges them in chunk order, so ids, counts, verdict and
// trace are the single-threaded ones whatever the number of workers. A level starts when the
// previous one is merged in full (the BFS barrier that keeps traces shortest).

import { Worker } from 'node:worker_threads';
import { type ChunkResult, RuleFaultInSearch } from './expand.ts';
import { type InitialStates, Search, sortedTransitions } from './search.ts';
import type { ExplorableSpec } from './spec.ts';
import type { ExploreOptions, ExploreResult } from './types.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

export interface ParallelOptions extends ExploreOptions {
  /** worker threads (>= 1) */
  readonly workers: number;
}

/** chunks a worker holds at once: one running, one queued, so it never waits for the main thread */
const PER_WORKER = 2;
/** how often a long chunk lets the driver look at the deadline and the abort flag */
const POLL_MS = 50;

class ExploreWorker {
  readonly thread: Worker;
  outstanding = 0;
  constructor(spec: ExplorableSpec) {
    this.thread = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { spec } });
  }
  send(m: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.thread.postMessage(m, transfer);
  }
}

function workerFailure(r: Extract<WorkerReply, { kind: 'error' }>): Error {
  if (r.fault) return new RuleFaultInSearch(r.fault.error, r.fault.init, r.fault.ops);
  return new Error(r.nondeterminism ? r.message : `explore worker: ${r.message}`);
}

/** Start the workers and wait until each has built its Explorable. */
async function startWorkers(spec: ExplorableSpec, n: number): Promise<ExploreWorker[]> {
  const workers = Array.from({ length: n }, () => new ExploreWorker(spec));
  try {
    await Promise.all(workers.map(w => new Promise<void>((resolve, reject) => {
      w.thread.once('message', (r: WorkerReply) => (r.kind === 'ready' ? resolve() : reject(r.kind === 'error' ? workerFailure(r) : new Error(`unexpected ${r.kind}`))));
      w.thread.once('error', reject);
    })));
  } catch (e) {
    await Promise.all(workers.map(w => w.thread.terminate()));
    throw e;
  }
  return workers;
}

/** The transition names a worker's Explorable took (every chunk it expanded). */
function transitionsOf(w: ExploreWorker): Promise<readonly string[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (r: WorkerReply): void => {
      if (r.kind !== 'transitions' && r.kind !== 'error') return;
      w.thread.off('message', onMessage);
      if (r.kind === 'transitions') resolve(r.names);
      else reject(workerFailure(r));
    };
    w.thread.on('message', onMessage);
    w.send({ kind: 'transitions' });
  });
}

export async function exploreParallel(spec: ExplorableSpec, opts: ParallelOptions): Promise<ExploreResult> {
  if (!(Number.isInteger(opts.workers) && opts.workers >= 1)) throw new RangeError(`workers must be a positive integer, not ${opts.workers}`);
  const workers = await startWorkers(spec, opts.workers);
  try {
    const first = workers[0]!;
    const inits = await new Promise<InitialStates>((resolve, reject) => {
      first.thread.once('message', (r: WorkerReply) => (r.kind === 'inits' ? resolve(r) : reject(r.kind === 'error' ? workerFailure(r) : new Error(`unexpected ${r.kind}`))));
      first.send({ kind: 'inits' });
    });
    // the time limit counts from here: worker start-up (loading and compiling the model) is not exploration
    const search = new Search(opts, inits, opts.workers);
    const result = await new Promise<ExploreResult>((resolve, reject) => {
      const early = new Map<number, ChunkResult>();
      // a proposal's rule failing in chunk seq: an error, but only when the merge reaches that chunk
      // (an earlier chunk's violation comes first in BFS order, as on one thread)
      const faults = new Map<number, Error>();
      let settled = false;
      const poll = setInterval(() => pump(), POLL_MS);
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        f();
      };
      const pump = (): void => {
        if (settled) return;
        try {
          for (let r = early.get(search.nextToMerge); r; r = early.get(search.nextToMerge)) {
            early.delete(r.seq);
            search.merge(r);
          }
          const fault = search.done ? undefined : faults.get(search.nextToMerge);
          if (fault) { settle(() => reject(fault)); return; }
          search.checkBounds();
          for (const w of workers) {
            while (!search.done && w.outstanding < PER_WORKER) {
              const req = search.next();
              if (req === null || req === 'wait') break;
              w.outstanding++;
              w.send({ kind: 'chunk', ...req }, [req.paths.buffer as ArrayBuffer, req.fps.buffer as ArrayBuffer]);
            }
          }
          // chunks still running after the end are dropped: they lie after the verdict in BFS order
          if (search.done) settle(() => resolve(search.result()));
        } catch (e) {
          settle(() => reject(e));
        }
      };
      for (const w of workers) {
        w.thread.on('message', (r: WorkerReply) => {
          if (r.kind === 'chunk') {
            w.outstanding--;
            early.set(r.seq, r);
            pump();
          } else if (r.kind === 'error' && r.fault) {
            w.outstanding--;
            faults.set(r.fault.seq, workerFailure(r));
            pump();
          } else if (r.kind === 'error') settle(() => reject(workerFailure(r)));
        });
        w.thread.on('error', e => settle(() => reject(e)));
        w.thread.on('exit', code => settle(() => reject(new Error(`explore worker exited (${code})`))));
      }
      pump();
    });
    if (!(opts.collectTransitions && result.outcome === 'holds')) return result;
    return { ...result, transitions: sortedTransitions(await Promise.all(workers.map(transitionsOf))) };
  } finally {
    await Promise.all(workers.map(w => w.thread.terminate()));
  }
}
