// The breadth-first search itself, independent of who expands the states: it owns the store,
// hands out each level as chunks in id order, merges the chunks' successors back in the same
// order, and decides when to stop. Because merging is in chunk order and a chunk lists its
// successors in generation order, ids, counts, verdict and trace are those of a single thread
// expanding states in id order and ops in alphabet order, whatever the workers and chunk size.

import { checkReductionsStated, fingerprintSnapshot } from './canonical.ts';
import { collisionEstimates, Fingerprinter, FINGERPRINT_BITS } from './fingerprint.ts';
import type { ChunkRequest, ChunkResult } from './expand.ts';
import { NO_PARENT, StateStore } from './store.ts';
import type { ExploreOptions, ExploreResult, Explorable, IndexTrace } from './types.ts';

export const DEFAULT_CHUNK_SIZE = 256;

type Ending =
  | { readonly outcome: 'holds'; readonly complete: boolean }
  | { readonly outcome: 'violated'; readonly counterexample: IndexTrace }
  | { readonly outcome: 'bound reached'; readonly reason: 'deadline' | 'aborted' | 'max states' };

/** What a search starts from: the initial states' fingerprints, and what the Explorable's fingerprints leave out. */
export interface InitialStates {
  /** [hi, lo] per initial state */
  readonly fps: Uint32Array;
  readonly reductions: readonly string[];
}

/** The initial states of `x`, computed on the calling thread. */
export function initialStates(x: Explorable): InitialStates {
  const fp = new Fingerprinter();
  const fps = new Uint32Array(2 * x.initCount);
  for (let i = 0; i < x.initCount; i++) {
    x.init(i);
    fingerprintSnapshot(fp, x.snapshot());
    checkReductionsStated((x.reductions?.length ?? 0) > 0);
    fps[2 * i] = fp.hi;
    fps[2 * i + 1] = fp.lo;
  }
  return { fps, reductions: [...(x.reductions ?? [])] };
}

/** The union of the transition names several Explorables took, sorted (independent of who took which). */
export function sortedTransitions(sets: readonly Iterable<string>[]): string[] {
  const all = new Set<string>();
  for (const s of sets) for (const t of s) all.add(t);
  return [...all].sort();
}

export class Search {
  readonly store = new StateStore({ initialSlots: 1 << 16 });
  private readonly t0 = performance.now();
  private readonly chunkSize: number;
  private readonly maxStates: number;
  /** the level being expanded */
  private depth = 0;
  private cursor = 0;
  private levelEnd = 0;
  private dispatched = 0;
  private merged = 0;
  private generated = 0;
  private depthCompleted = 0;
  private ending: Ending | null = null;
  private readonly initCount: number;
  private readonly reductions: readonly string[];

  constructor(private readonly opts: ExploreOptions, initial: InitialStates, private readonly workers: number) {
    this.chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.maxStates = opts.maxStates ?? Infinity;
    const inits = initial.fps;
    this.initCount = inits.length / 2;
    this.reductions = initial.reductions;
    for (let i = 0; 2 * i < inits.length && !this.ending; i++) this.admit(inits[2 * i]!, inits[2 * i + 1]!, NO_PARENT, i, 0);
    this.levelEnd = this.store.size;
    if (!this.ending && opts.maxDepth <= 0) this.ending = { outcome: 'holds', complete: this.levelEnd === 0 };
  }

  get done(): boolean { return this.ending !== null; }

  /** seq of the chunk merge() expects next */
  get nextToMerge(): number { return this.merged; }

  /** Stop for a deadline or an abort; the drivers call it between chunks. */
  checkBounds(): void {
    if (this.ending) return;
    // a level merged in full counts as completed even if the bound stops us right now
    if (this.cursor === this.levelEnd && this.merged === this.dispatched) this.finishLevel();
    this.stopIfBound();
  }

  private stopIfBound(): void {
    if (this.ending) return;
    if (this.opts.signal?.aborted) this.ending = { outcome: 'bound reached', reason: 'aborted' };
    else if (this.opts.timeLimitMs !== undefined && performance.now() - this.t0 >= this.opts.timeLimitMs) {
      this.ending = { outcome: 'bound reached', reason: 'deadline' };
    }
  }

  /**
   * The next chunk to expand; 'wait' when the level is handed out but not merged yet (the next
   * level starts only when this one is complete); null when the search is over.
   */
  next(): ChunkRequest | 'wait' | null {
    if (this.ending) return null;
    if (this.cursor === this.levelEnd) {
      if (this.merged < this.dispatched) return 'wait';
      this.finishLevel();
      this.stopIfBound(); // onLevel may have set the abort flag
      if (this.ending) return null;
    }
    const count = Math.min(this.chunkSize, this.levelEnd - this.cursor);
    const w = this.depth + 1;
    const paths = new Uint32Array(count * w);
    const fps = new Uint32Array(count * 2);
    for (let k = 0; k < count; k++) {
      const id = this.cursor + k;
      this.store.path(id, paths.subarray(k * w, (k + 1) * w));
      fps[2 * k] = this.store.fpHi(id);
      fps[2 * k + 1] = this.store.fpLo(id);
    }
    const req: ChunkRequest = {
      seq: this.dispatched++, depth: this.depth, firstId: this.cursor, count, paths, fps,
      verifyReplay: this.opts.verifyReplay ?? true,
    };
    this.cursor += count;
    return req;
  }

  /** Merge a chunk's result; chunks must come in the order they were handed out. */
  merge(r: ChunkResult): void {
    if (r.seq !== this.merged) throw new Error(`chunk ${r.seq} merged out of order (expected ${this.merged})`);
    this.merged++;
    if (this.ending) return;
    this.generated += r.generated;
    const s = r.successors;
    for (let k = 0; k < s.length && !this.ending; k += 4) this.admit(s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!, this.depth + 1);
    if (this.ending || !r.violation) return;
    const path = this.store.path(r.violation.parent);
    this.ending = {
      outcome: 'violated',
      counterexample: { init: path[0]!, ops: [...path.subarray(1), r.violation.op], message: r.violation.message },
    };
  }

  /** Insert unless it would exceed maxStates with a state not yet stored. */
  private admit(hi: number, lo: number, parent: number, op: number, depth: number): void {
    if (this.store.size >= this.maxStates && this.store.find(hi, lo) === -1) {
      this.ending = { outcome: 'bound reached', reason: 'max states' };
      return;
    }
    this.store.insert(hi, lo, parent, op, depth);
  }

  /** Level `depth` is expanded: every trace of depth + 1 ops has been checked. */
  private finishLevel(): void {
    this.depthCompleted = this.depth + 1;
    this.opts.onLevel?.({ depthCompleted: this.depthCompleted, distinct: this.store.size, generated: this.generated, elapsedMs: performance.now() - this.t0 });
    const end = this.store.size;
    if (end === this.levelEnd) this.ending = { outcome: 'holds', complete: true };
    else if (this.depthCompleted >= this.opts.maxDepth) this.ending = { outcome: 'holds', complete: false };
    else {
      this.depth++;
      this.levelEnd = end;
    }
  }

  result(): ExploreResult {
    if (!this.ending) throw new Error('search not finished');
    const st = this.store;
    const levels: number[] = [];
    for (let d = 0; d < st.levels; d++) levels.push(st.levelStart(d + 1) - st.levelStart(d));
    return {
      ...this.ending,
      distinct: st.size,
      generated: this.generated,
      depthCompleted: this.depthCompleted,
      levels,
      timeMs: performance.now() - this.t0,
      fingerprintBits: FINGERPRINT_BITS,
      collision: collisionEstimates(st.size, this.generated + this.initCount),
      storeBytes: st.bytes,
      bytesPerState: st.bytesPerState,
      workers: this.workers,
      reductions: this.reductions,
    };
  }
}
