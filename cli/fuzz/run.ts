// The fuzz orchestrator: replays the corpus, then runs each target for its share of the budget
// in chunks spread over worker threads. A chunk's seed depends only on the run seed, the shard,
// the target and the chunk's number, so the same seed, shard and budget give the same runs
// whatever finishes first; counterexamples are saved the moment they arrive.

import { applyPolicy } from '../../types/profile.ts';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CorpusError, corpusFiles, readEntry } from '../../harness/corpus.ts';
import { STEPS } from '../../harness/coverage.ts';
import { seedFor } from '../../harness/run.ts';
import type { Violation } from '../../types/property.ts';
import { replayEntry } from '../../harness/replay.ts';
import { entryWithRules } from '../../proposals/entryRules.ts';
import { stackSubject } from '../../harness/subject.ts';
import { counterexampleEntry, faultLines } from '../../proposals/prove.ts';
import { ProposalRuleError } from '../../types/rules.ts';
import { UsageError } from '../usage.ts';
import { saveToCorpus } from '../../harness/corpus-store.ts';
import { resolveTarget, type Target, type TargetSpec } from './targets.ts';
import type { ChunkRequest, ChunkResult } from './worker.ts';

/** Runs per chunk: small enough to stop near a deadline, large enough to amortise a message. */
export const CHUNK_RUNS = 250;

import type { Shard } from '../../types/shard.ts';
export type { Shard };

export interface FuzzConfig {
  readonly seed: number;
  /** total wall-clock budget, split evenly across targets */
  readonly timeMs?: number;
  /** at most this many runs per target */
  readonly runs?: number;
  readonly workers: number;
  readonly shard: Shard;
  readonly targets: readonly TargetSpec[];
  /** where counterexamples go and which entries are replayed first; null: nowhere */
  readonly corpusDir: string | null;
}

export interface CounterexampleRecord {
  readonly chunk: number;
  readonly seed: number;
  readonly violation: Violation;
  readonly trace: readonly string[];
  /** the corpus file, null without a corpus directory */
  readonly file: string | null;
  readonly saved: 'saved' | 'duplicate' | 'not saved';
}

export interface TargetOutcome {
  readonly label: string;
  readonly property: string;
  readonly proposal: string | null;
  readonly title: string;
  /** the seed chunk seeds derive from (differs per shard) */
  readonly baseSeed: number;
  readonly chunks: number;
  readonly runs: number;
  /** op steps applied (model side) */
  readonly steps: number;
  readonly wallMs: number;
  readonly outcome: 'holds' | 'violated';
  readonly counterexamples: readonly CounterexampleRecord[];
  readonly errors: readonly string[];
  /** a proposal's rule failed (the target stopped there): faultLines, the error and its trace */
  readonly proposalError: readonly string[] | null;
}

export interface CorpusReplay {
  readonly dir: string | null;
  readonly replayed: number;
  /** files that did not replay as their `expect` says */
  readonly failing: readonly string[];
  /** entries whose proposal's own rule failed on the way (an input error, exit 2): file and error */
  readonly proposalErrors: readonly string[];
}

export interface FuzzResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly interrupted: null | 'SIGINT' | 'SIGTERM';
  readonly corpus: CorpusReplay;
  readonly targets: readonly TargetOutcome[];
  /** target label → transition → count */
  readonly coverage: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Progress {
  readonly label: string;
  readonly runs: number;
  readonly elapsedMs: number;
  readonly leftMs: number | null;
  readonly counterexamples: number;
}

export interface FuzzHooks {
  onTargetStart?(label: string, index: number, total: number): void;
  onProgress?(p: Progress): void;
  onCounterexample?(label: string, c: CounterexampleRecord): void;
}

/** Re-run every corpus entry before fuzzing; a corrupt file is an input error. */
export async function replayCorpus(dir: string | null): Promise<CorpusReplay> {
  if (dir === null || !existsSync(dir)) return { dir, replayed: 0, failing: [], proposalErrors: [] };
  const failing: string[] = [];
  const proposalErrors: string[] = [];
  const files = corpusFiles(dir);
  for (const file of files) {
    let entry;
    try {
      entry = await entryWithRules(readEntry(file), file);
    } catch (e) {
      if (e instanceof CorpusError) throw new UsageError(`corpus: ${e.message}`);
      throw e;
    }
    const r = replayEntry(entry, stackSubject);
    if (r.ruleError) proposalErrors.push(`${file}: the proposal's ${r.ruleError.message} (negcheck replay ${file} shows the steps)`);
    else if (!r.asExpected) failing.push(file);
  }
  return { dir, replayed: files.length, failing, proposalErrors };
}

/** A fixed set of worker threads, one chunk each at a time. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly pending = new Map<Worker, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  /** every worker has loaded its modules */
  readonly ready: Promise<void>;

  constructor(size: number) {
    const loaded: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker-entry.mjs', import.meta.url));
      loaded.push(new Promise((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      }));
      w.on('message', (r: ChunkResult | { ready: true }) => {
        if ('ready' in r) return;
        const p = this.pending.get(w); this.pending.delete(w); this.idle.push(w); p?.resolve(r);
      });
      w.on('error', e => { const p = this.pending.get(w); this.pending.delete(w); p?.reject(e); });
      w.on('exit', () => { const p = this.pending.get(w); this.pending.delete(w); p?.reject(new Error('worker exited')); });
      this.all.push(w);
      this.idle.push(w);
    }
    this.ready = Promise.all(loaded).then(() => undefined);
  }

  get hasIdle(): boolean { return this.idle.length > 0; }

  run(req: ChunkRequest): Promise<ChunkResult> {
    const w = this.idle.pop()!;
    return new Promise((resolve, reject) => { this.pending.set(w, { resolve, reject }); w.postMessage(req); });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.all.map(w => w.terminate()));
  }
}

/** Running totals only, so memory stays flat however long the run. */
interface TargetState {
  readonly target: Target;
  readonly records: CounterexampleRecord[];
  readonly errors: string[];
  proposalError: string[] | null;
  /** the chunk proposalError comes from: the lowest that failed so, whichever arrived first */
  proposalErrorChunk: number;
  chunks: number;
  runs: number;
  steps: number;
}

export class FuzzRun {
  private interrupted: FuzzResult['interrupted'] = null;
  private pool: WorkerPool | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly cfg: FuzzConfig, private readonly hooks: FuzzHooks = {}) {}

  /** SIGINT/SIGTERM: stop dispatching, stop the workers, keep what was found. */
  stop(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.interrupted) return;
    this.interrupted = signal;
    void this.pool?.terminate();
    this.wake?.();
  }

  async run(): Promise<FuzzResult> {
    const startedAt = new Date().toISOString();
    const corpus = await replayCorpus(this.cfg.corpusDir);
    const targets = await Promise.all(this.cfg.targets.map(resolveTarget));
    const coverage: Record<string, Record<string, number>> = {};
    const outcomes: TargetOutcome[] = [];
    this.pool = new WorkerPool(Math.max(1, this.cfg.workers));
    try {
      await Promise.race([this.pool.ready, new Promise(resolve => { this.wake = () => resolve(undefined); })]);
      this.wake = null;
      for (let i = 0; i < targets.length && !this.interrupted; i++) {
        const t = targets[i]!;
        this.hooks.onTargetStart?.(t.label, i, targets.length);
        outcomes.push(await this.runTarget(t, coverage));
      }
    } finally {
      await this.pool.terminate();
    }
    return { startedAt, finishedAt: new Date().toISOString(), interrupted: this.interrupted, corpus, targets: outcomes, coverage };
  }

  private baseSeed(t: Target): number {
    return seedFor(this.cfg.seed, `shard ${this.cfg.shard.index}/${this.cfg.shard.count} ${t.label}`);
  }

  private async runTarget(t: Target, coverage: Record<string, Record<string, number>>): Promise<TargetOutcome> {
    const cfg = this.cfg;
    const baseSeed = this.baseSeed(t);
    const start = Date.now();
    const share = cfg.timeMs === undefined ? undefined : cfg.timeMs / cfg.targets.length;
    const deadline = share === undefined ? undefined : start + share;
    const state: TargetState = { target: t, records: [], errors: [], proposalError: null, proposalErrorChunk: Infinity, chunks: 0, runs: 0, steps: 0 };
    let runsLeft = cfg.runs ?? Number.POSITIVE_INFINITY;
    let next = 0;
    let active = 0;
    const progress = (): void => this.hooks.onProgress?.({
      label: t.label, runs: state.runs, elapsedMs: Date.now() - start,
      leftMs: deadline === undefined ? null : Math.max(0, deadline - Date.now()), counterexamples: state.records.length,
    });
    const timer = setInterval(progress, 250);
    try {
      await new Promise<void>(resolve => {
        this.wake = resolve;
        const pump = (): void => {
          // an engine error does not go away with another seed: the target stops at its first one
          while (!this.interrupted && state.errors.length === 0 && state.proposalError === null && this.pool!.hasIdle && runsLeft > 0 && (deadline === undefined || Date.now() < deadline)) {
            const runs = Math.min(CHUNK_RUNS, runsLeft);
            runsLeft -= runs;
            const chunk = next++;
            active++;
            const req: ChunkRequest = {
              target: t.spec, chunk, seed: seedFor(baseSeed, `chunk ${chunk}`), runs,
              ...(deadline !== undefined ? { deadline } : {}),
            };
            this.pool!.run(req).then(
              r => { active--; this.onChunk(state, r, coverage); progress(); pump(); },
              (e: Error) => { active--; if (!this.interrupted) state.errors.push(`chunk ${chunk}: ${e.message}`); pump(); },
            );
          }
          if (active === 0 || this.interrupted) resolve();
        };
        pump();
      });
    } finally {
      clearInterval(timer);
      this.wake = null;
    }
    // chunk order, not arrival order: the report does not depend on which worker was faster
    const records = [...state.records].sort((a, b) => a.chunk - b.chunk);
    return {
      label: t.label, property: t.spec.property, proposal: t.spec.proposal ?? null, title: t.def.title, baseSeed,
      chunks: state.chunks, runs: state.runs, steps: state.steps,
      wallMs: Date.now() - start, outcome: records.length > 0 ? 'violated' : 'holds', counterexamples: records, errors: state.errors,
      proposalError: state.proposalError,
    };
  }

  private onChunk(state: TargetState, r: ChunkResult, coverage: Record<string, Record<string, number>>): void {
    const t = state.target;
    state.chunks++;
    state.runs += r.result.runs;
    state.steps += r.coverage.find(([k]) => k === STEPS)?.[1] ?? 0;
    if (r.error) state.errors.push(`chunk ${r.chunk}: ${r.error}`);
    if (r.fault && r.chunk < state.proposalErrorChunk && t.proposal) {
      // the lowest chunk whose rule failed (the profile crossed without the rules: put them back)
      state.proposalErrorChunk = r.chunk;
      const rules = t.proposal.policy.rules;
      const profile = rules && r.fault.property !== 'R' ? applyPolicy(r.fault.profile, { rules }) : r.fault.profile;
      state.proposalError = faultLines(t.proposal, r.fault.property, ProposalRuleError.fromData(r.fault.error), profile, r.fault.ops);
    }
    const cov = (coverage[t.label] ??= {});
    for (const [k, n] of r.coverage) cov[k] = (cov[k] ?? 0) + n;
    const found = r.result.counterexample;
    if (!found) return;
    // the worker sent the profile without the proposal's rules (functions do not cross threads); R applies the policy itself
    const rules = t.proposal?.policy.rules;
    const cx = rules && t.spec.property !== 'R' ? { ...found, profile: applyPolicy(found.profile, { rules }) } : found;
    const expected = t.proposal?.expect[t.spec.property as keyof typeof t.proposal.expect]?.verdict;
    const { entry, trace } = counterexampleEntry(t.proposal, t.spec.property, cx,
      `found by negcheck fuzz: ${t.label} ${t.def.title}`, expected === 'violated' ? 'violated' : 'holds');
    const saved = this.cfg.corpusDir === null ? null : saveToCorpus(this.cfg.corpusDir, entry);
    const record: CounterexampleRecord = {
      chunk: r.chunk, seed: cx.seed, violation: cx.violation, trace,
      file: saved?.file ?? null, saved: saved?.status ?? 'not saved',
    };
    state.records.push(record);
    this.hooks.onCounterexample?.(t.label, record);
  }
}
