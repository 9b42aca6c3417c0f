// Expanding one chunk of a BFS level: the unit of work a worker (or the calling thread) does.
//
// A frontier state is given by its trace (init index, ops), not by a snapshot: traces are a
// few words, any thread can rebuild the state, and the engine keeps no snapshots between
// levels (memory per state stays the store's record). Consecutive ids of a level mostly share
// a parent, so the expander keeps the snapshots along the last trace and replays only the part
// that differs: about one replayed op per frontier state.
//
// The result lists the successors in the order they were generated, each fingerprint once
// (first occurrence kept), up to the first violating transition. Merged in chunk order, that is
// exactly the order one thread would have inserted them in, whatever the chunking.

import { ProposalRuleError, type ProposalRuleErrorData } from '../types/rules.ts';
import { checkReductionsStated, fingerprintSnapshot } from './canonical.ts';
import { Fingerprinter } from './fingerprint.ts';
import { StateStore } from './store.ts';
import type { Explorable } from './types.ts';

export interface ChunkRequest {
  /** chunk number, in BFS order (results are merged in this order) */
  readonly seq: number;
  /** depth of the frontier states */
  readonly depth: number;
  /** id of the first frontier state; the chunk holds ids firstId .. firstId + count - 1 */
  readonly firstId: number;
  readonly count: number;
  /** per state depth + 1 words: init index, then the ops */
  readonly paths: Uint32Array;
  /** per state its stored fingerprint [hi, lo], to verify the replay */
  readonly fps: Uint32Array;
  readonly verifyReplay: boolean;
}

export interface ChunkResult {
  readonly seq: number;
  /** distinct successors in generation order, [hi, lo, parent id, op] per successor */
  readonly successors: Uint32Array;
  /** transitions taken (the violating one included) */
  readonly generated: number;
  readonly violation: { readonly parent: number; readonly op: number; readonly message: string } | null;
}

/** A replay that does not give back the stored state: the Explorable breaks its contract. */
export class NondeterminismError extends Error {}

/**
 * A proposal's rule failed on a transition (ProposalRuleError): not a violation but an error of the
 * proposal, reported with the trace that led there (init, then the ops, the failing one last).
 */
export class RuleFaultInSearch extends Error {
  override readonly name = 'RuleFaultInSearch';
  constructor(readonly error: ProposalRuleErrorData, readonly init: number, readonly ops: readonly number[]) {
    super(`${ProposalRuleError.fromData(error).message} (after ${ops.length} ops from initial state ${init})`);
  }
}

const thrown = (e: unknown): string => `threw: ${e instanceof Error ? e.message : String(e)}`;

/** One transition, a throw counted as a violation (as the fuzzer does); a proposal's rule failing propagates. */
function safeStep(x: Explorable, op: number): string | null {
  try {
    return x.step(op);
  } catch (e) {
    if (e instanceof ProposalRuleError) throw e;
    return thrown(e);
  }
}

/** Per-thread scratch, reused from chunk to chunk. */
export class Expander {
  private readonly fp = new Fingerprinter();
  private readonly seen = new StateStore({ initialSlots: 1 << 12, pageBits: 12 });
  // the transition being taken, for a RuleFaultInSearch: the trace at `at` in the request's paths,
  // its first `len` ops, then `extra` (-1: none); plain numbers, so the hot loop allocates nothing
  private at = 0;
  private len = 0;
  private extra = -1;

  /** the Explorable says why what it leaves out cannot change a verdict */
  private readonly stated: boolean;

  constructor(private readonly x: Explorable) {
    this.stated = (x.reductions?.length ?? 0) > 0;
  }

  expand(req: ChunkRequest): ChunkResult {
    try {
      return this.expandChunk(req);
    } catch (e) {
      if (!(e instanceof ProposalRuleError)) throw e;
      const { at, len, extra } = this;
      const ops = [...req.paths.subarray(at + 1, at + 1 + len), ...(extra >= 0 ? [extra] : [])];
      throw new RuleFaultInSearch(e.toData(), req.paths[at]!, ops);
    }
  }

  private expandChunk(req: ChunkRequest): ChunkResult {
    const { x, fp, seen } = this;
    const w = req.depth + 1;
    const A = x.alphabetSize;
    const paths = req.paths;
    seen.clear();
    // snaps[j]: the state after the first j + 1 entries of the current trace (init, op1, ...)
    const snaps: unknown[] = new Array(w);
    let valid = 0; // snaps[0 .. valid-1] belong to the current trace's prefix
    let generated = 0;
    for (let k = 0; k < req.count; k++) {
      const base = k * w;
      const id = req.firstId + k;
      this.at = base;
      let c = 0;
      if (k > 0) while (c < valid && paths[base + c] === paths[base - w + c]) c++;
      if (c === 0) {
        this.len = 0;
        this.extra = -1;
        x.init(paths[base]!);
        snaps[0] = x.snapshot();
        c = 1;
      } else {
        x.restore(snaps[c - 1]);
      }
      for (let j = c; j < w; j++) {
        this.len = j;
        this.extra = -1;
        const v = safeStep(x, paths[base + j]!);
        if (v !== null) throw new NondeterminismError(`state #${id}: replaying op ${j} of its trace violated (${v}); it did not when the state was found`);
        snaps[j] = x.snapshot();
      }
      valid = w;
      const here = snaps[w - 1];
      if (req.verifyReplay) {
        fingerprintSnapshot(fp, here);
        if (fp.hi !== req.fps[2 * k] || fp.lo !== req.fps[2 * k + 1]) {
          throw new NondeterminismError(`state #${id}: replaying its trace gives another fingerprint; step, snapshot/restore or fingerprint is not deterministic`);
        }
      }
      this.len = w - 1;
      for (let op = 0; op < A; op++) {
        if (op > 0) x.restore(here);
        generated++;
        this.extra = op;
        const v = safeStep(x, op);
        if (v !== null) {
          return { seq: req.seq, successors: seen.records(), generated, violation: { parent: id, op, message: v } };
        }
        fingerprintSnapshot(fp, x.snapshot());
        checkReductionsStated(this.stated);
        seen.insert(fp.hi, fp.lo, id, op, 0); // PRESENT: generated earlier in this chunk
      }
    }
    return { seq: req.seq, successors: seen.records(), generated, violation: null };
  }
}
