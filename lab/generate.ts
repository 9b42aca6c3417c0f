// `negcheck kernel --generate` (issue 26, first step): the kernel as the oracle of a random search.
// Scripts come from negcheck's own generator of vhost scripts (generators/vhost.ts vhostScriptArb,
// as P0 draws them) on the devices the kernel's guest has, with the VMMs the model knows; each
// runs on the kernel and on the model with the kernel's profile (lab/kernel.ts). The agent runs
// every op of such a script but the device accesses of net and vsock, which are vhost's own and
// left out on both sides. Deterministic for a seed: script i is the same whatever the count. Each
// distinct unexplained difference is shrunk with the kernel as the judge and saved to the corpus as
// a K entry naming the kernel (lab/shrink.ts).

import fc from 'fast-check';
import { persistAfter, transitionOf, type CoverageCounts } from '../harness/coverage.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { vhostScriptArb, vmmProfileArb } from '../generators/vhost.ts';
import type { Profile } from '../types/profile.ts';
import { ONE_SHARD, type Shard } from '../types/shard.ts';
import { saveToCorpus } from '../harness/corpus-store.ts';
import { type PlannedStep, planTrace } from './compare.ts';
import type { KernelInput } from './inputs.ts';
import { type CheckOptions, checkKernel, isFinding, type KernelReport, tracesRun } from './kernel.ts';
import { labProfile, type LabProfile, onLabKernel } from './profiles.ts';
import type { LabKernel } from './setup.ts';
import { differenceEntry, differenceKey, shrinkOnKernel, type ShrinkResult, stoppedEntry } from './shrink.ts';

/** Ops per script at most (P0's scripts: a set-up, then up to this many). */
export const GENERATED_MAX_OPS = 40;

/** A shard's scripts `from` .. `from + count - 1` of the sequence for `seed` (script j of shard i/n is the seed's script i-1+j*n), named `gen-SEED-I` (I the script's number in the seed). */
export function generatedInputs(lab: LabProfile, seed: number, from: number, count: number, shard: Shard = ONE_SHARD): KernelInput[] {
  const arb = fc.tuple(fc.constantFrom(...lab.devices.value), vmmProfileArb, vhostScriptArb(GENERATED_MAX_OPS));
  // one fc.sample per script, seeded by (seed, i): script i does not depend on how many are asked for
  return Array.from({ length: count }, (_, k) => {
    const i = shard.index - 1 + (from + k) * shard.count;
    const [device, vmm, ops] = fc.sample(arb, { seed: seedOf(seed, i), numRuns: 1 })[0]!;
    return { name: `gen-${seed}-${i}`, profile: { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device }, vmm }, ops };
  });
}

/** A 32-bit seed for script i of `seed` (FNV-1a over both). */
function seedOf(seed: number, i: number): number {
  let h = 0x811c9dc5;
  for (const b of [seed, seed >>> 8, seed >>> 16, seed >>> 24, i, i >>> 8, i >>> 16, i >>> 24]) {
    h ^= b & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The transitions of the steps the kernel answered as the model did (lab/kernel.ts onCompared),
 * named as `fuzz` names them (harness/coverage.ts).
 */
export function countTransitions(steps: readonly PlannedStep[], profile: Profile, counts: CoverageCounts): void {
  let persist = false;
  for (const s of steps) {
    const t = transitionOf(s.op, s.model, profile, persist);
    persist = persistAfter(s.op, s.model, persist);
    if (t !== null) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
}

/** Scripts per boot of a generated run: a time budget is looked at between batches. */
export const GENERATE_BATCH = 500;

/** Shrinks per kernel of a generated run at most: one per distinct difference (its syscall kind and the two answers). */
export const SHRINKS_PER_KERNEL = 5;

/** A shrunk difference: where it was saved (or the file that already had it), and what shrinking took. */
export interface SavedDifference {
  /** a difference shrunk, or a trace that crashed or hung the guest, kept whole */
  readonly kind: 'difference' | 'stopped';
  readonly name: string;
  readonly file: string;
  readonly status: 'saved' | 'duplicate';
  readonly from: number;
  readonly to: number;
  /** why shrinking ended (lab/shrink.ts) */
  readonly ended: ShrinkResult['ended'];
  readonly rounds: number;
  readonly tried: number;
}

export interface GenerateOptions extends CheckOptions {
  readonly count: number;
  readonly seed: number;
  readonly shard?: Shard;
  /** stop starting batches after this long */
  readonly timeMs?: number;
  /** where shrunk differences are saved; null: neither shrunk nor saved */
  readonly corpus: string | null;
  /** each batch's report, as it completes */
  readonly onReport?: (rep: KernelReport) => void;
  /** a difference shrunk (saved, or not when it did not come back: file null) */
  readonly onShrunk?: (name: string, saved: SavedDifference | null) => void;
}

export interface GenerateRun {
  readonly kernel: string;
  readonly scripts: number;
  readonly ops: number;
  readonly guestMs: number;
  readonly wallMs: number;
  readonly findings: number;
  readonly crashes: number;
  /** the distinct transitions the kernel made, each with its count */
  readonly transitions: Readonly<Record<string, number>>;
  readonly saved: readonly SavedDifference[];
  readonly reports: readonly KernelReport[];
}

/** `count` generated scripts on kernel `k`, in batches (one boot each), until the count or the time budget is reached. */
export async function generateOnKernel(k: LabKernel, o: GenerateOptions): Promise<GenerateRun> {
  const lab = labProfile(k.id);
  const t0 = performance.now();
  const counts: CoverageCounts = new Map();
  const reports: KernelReport[] = [];
  const saved: SavedDifference[] = [];
  const shrunk = new Set<string>();
  const { count: _count, seed: _seed, shard: _shard, timeMs: _timeMs, corpus: _corpus, onReport: _onReport, onShrunk: _onShrunk, onCompared: _onCompared, ...check } = o;
  for (let from = 0; from < o.count && !o.signal?.aborted; from += GENERATE_BATCH) {
    if (o.timeMs !== undefined && performance.now() - t0 >= o.timeMs) break;
    const inputs = generatedInputs(lab, o.seed, from, Math.min(GENERATE_BATCH, o.count - from), o.shard);
    const rep = await checkKernel(k, inputs, { ...check, onCompared: (steps, profile) => countTransitions(steps, profile, counts) });
    reports.push(rep);
    o.onReport?.(rep);
    if (o.corpus === null) continue;
    for (const [i, r] of rep.results.entries()) {
      // a trace that killed or stopped the guest is kept as it is (shrinking it would boot a guest per candidate)
      if (r.verdict.status === 'crashed' || r.verdict.status === 'hung') {
        const input = inputs[i]!;
        const file = saveToCorpus(o.corpus, stoppedEntry(k.id, input, r, planTrace(input.ops, onLabKernel(lab, input.profile), o.createVhost), o.seed));
        const d: SavedDifference = { kind: 'stopped', name: input.name, ...file, from: input.ops.length, to: input.ops.length, ended: 'minimal', rounds: 0, tried: 0 };
        saved.push(d);
        o.onShrunk?.(input.name, d);
        continue;
      }
      // interrupted: the difference is saved as found (shrinkOnKernel runs no round then)
      if (r.verdict.status !== 'mismatch' || r.verdict.known !== null) continue;
      const input = inputs[i]!;
      const found = { input, mismatch: r.verdict.mismatch };
      const key = differenceKey(k.id, found, o.createVhost);
      if (shrunk.has(key) || shrunk.size >= SHRINKS_PER_KERNEL) continue;
      shrunk.add(key);
      const s = await shrinkOnKernel(k, found, { ...check, ...(o.timeMs !== undefined ? { deadline: t0 + o.timeMs } : {}) });
      if (!s.confirmed) { o.onShrunk?.(input.name, null); continue; }
      const file = saveToCorpus(o.corpus, differenceEntry(k.id, s.shrunk, o.seed));
      const d: SavedDifference = { kind: 'difference', name: input.name, ...file, from: input.ops.length, to: s.shrunk.input.ops.length, ended: s.ended, rounds: s.rounds, tried: s.tried };
      saved.push(d);
      o.onShrunk?.(input.name, d);
    }
  }
  const all = reports.flatMap(r => r.results);
  return {
    kernel: k.id, scripts: tracesRun(all), ops: reports.reduce((n, r) => n + r.ops, 0), guestMs: reports.reduce((n, r) => n + r.guestMs, 0),
    wallMs: performance.now() - t0, findings: all.filter(isFinding).length,
    crashes: all.filter(r => r.verdict.status === 'crashed' || r.verdict.status === 'hung').length,
    transitions: Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))), saved, reports,
  };
}
