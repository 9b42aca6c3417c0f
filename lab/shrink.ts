// Shrinking a difference with the kernel as the judge (issue 26): a trace the kernel answers
// otherwise than the model is cut down on the model's side (its trace ops: cut after the op where
// it differs, then runs of ops removed, longest first), every candidate is planned on the model and
// run on the kernel, and the shortest that still shows the same difference (differenceKey: an
// unexplained mismatch at a syscall of the same kind, with the same two answers) is kept; rounds go
// on until no candidate does. The result is
// then run once more on its own: a difference that does not come back is not kept. An interrupt
// keeps the shortest found so far (each was seen differing on the kernel).

import type { CorpusEntry } from '../harness/corpus.ts';
import { CORPUS_FORMAT } from '../harness/corpus.ts';
import type { Op } from '../types/ops.ts';
import { type Mismatch, type Plan, planTrace } from './compare.ts';
import type { KernelInput } from './inputs.ts';
import { type CheckOptions, checkKernel, type TraceResult } from './kernel.ts';
import { formatOp } from '../types/trace.ts';
import { labProfile, onLabKernel } from './profiles.ts';
import type { LabKernel } from './setup.ts';

/** A trace the kernel answered otherwise than the model, and where. */
export interface Difference {
  readonly input: KernelInput;
  readonly mismatch: Mismatch;
}

export interface ShrinkResult {
  readonly shrunk: Difference;
  /** the kernel showed the shrunk difference: run again on its own, or (stopped early) in the round that found it */
  readonly confirmed: boolean;
  /** why shrinking ended: no smaller candidate differs, the round limit, an interrupt, the time budget */
  readonly ended: 'minimal' | 'rounds' | 'interrupted' | 'time';
  /** candidates run on the kernel, and rounds (one boot each) */
  readonly tried: number;
  readonly rounds: number;
}

export interface ShrinkOptions extends CheckOptions {
  /** rounds at most (default 30) */
  readonly maxRounds?: number;
  /** no round starts after this (performance.now() ms): `--generate --time` bounds shrinking too */
  readonly deadline?: number;
}

/**
 * What makes two differences the same one: the kind of the syscall where they differ and both
 * answers. A shrink keeps to it, and a generated run shrinks one trace per key.
 */
export function differenceKey(kernel: string, d: Difference, createVhost?: CheckOptions['createVhost']): string {
  const plan = planTrace(d.input.ops, onLabKernel(labProfile(kernel), d.input.profile), createVhost);
  return [plan.steps[d.mismatch.step]?.op.kind ?? '', d.mismatch.kernel, d.mismatch.model].join('\n');
}

/** Smaller traces to try: `ops` cut after op `from` (where it differs), then aligned runs of 2^k ops removed, longest first. */
export function shrinkCandidates(ops: readonly Op[], from: number): Op[][] {
  const out: Op[][] = [];
  if (from + 1 < ops.length) out.push(ops.slice(0, from + 1));
  const n = Math.min(ops.length, from + 1);
  for (let size = 2 ** Math.floor(Math.log2(Math.max(1, n))); size >= 1; size /= 2) {
    for (let at = 0; at + size <= n; at += size) {
      if (size === n) continue;
      out.push([...ops.slice(0, at), ...ops.slice(at + size, n)]);
    }
  }
  return out;
}

/** Shrink `d` on kernel `k`. */
export async function shrinkOnKernel(k: LabKernel, d: Difference, o: ShrinkOptions = {}): Promise<ShrinkResult> {
  const key = differenceKey(k.id, d, o.createVhost);
  const stillDiffers = (input: KernelInput, m: Mismatch): boolean => differenceKey(k.id, { input, mismatch: m }, o.createVhost) === key;
  let cur = d;
  let tried = 0;
  let rounds = 0;
  let ended: ShrinkResult['ended'] = 'rounds';
  for (; rounds < (o.maxRounds ?? 30); ) {
    if (o.signal?.aborted) { ended = 'interrupted'; break; }
    if (o.deadline !== undefined && performance.now() >= o.deadline) { ended = 'time'; break; }
    const candidates: KernelInput[] = shrinkCandidates(cur.input.ops, cur.mismatch.from)
      .map((ops, i) => ({ name: `${d.input.name} (shrink ${rounds}.${i})`, profile: d.input.profile, ops }));
    if (candidates.length === 0) { ended = 'minimal'; break; }
    const rep = await checkKernel(k, candidates, o);
    rounds++;
    tried += candidates.length;
    let best: Difference | null = null;
    rep.results.forEach((r, i) => {
      const c = candidates[i]!;
      if (r.verdict.status !== 'mismatch' || r.verdict.known !== null || !stillDiffers(c, r.verdict.mismatch)) return;
      if (best === null || c.ops.length < best.input.ops.length) best = { input: c, mismatch: r.verdict.mismatch };
    });
    if (rep.interrupted) { ended = 'interrupted'; break; }
    if (best === null) { ended = 'minimal'; break; }
    cur = { input: { ...(best as Difference).input, name: d.input.name }, mismatch: (best as Difference).mismatch };
  }
  // stopped early: keep what was found (the kernel showed it differing in the round that found it)
  if (ended === 'interrupted' || ended === 'time') return { shrunk: cur, confirmed: true, ended, tried, rounds };
  // once more on its own: the difference must come back
  const again = (await checkKernel(k, [cur.input], o)).results[0]!;
  const confirmed = again.verdict.status === 'mismatch' && again.verdict.known === null && stillDiffers(cur.input, again.verdict.mismatch);
  return { shrunk: cur, confirmed, ended, tried, rounds };
}

/** A shrunk difference as a corpus entry: property K (the model answers as the kernel), naming the kernel. */
export function differenceEntry(kernel: string, d: Difference, seed: number): CorpusEntry {
  const m = d.mismatch;
  return {
    format: CORPUS_FORMAT, property: 'K', kernel, seed, expect: 'violated',
    title: `lab kernel ${kernel}: ${m.op} -> ${m.kernel}; the model says ${m.model} (${d.input.name})`,
    profile: d.input.profile, ops: d.input.ops,
    violation: { step: m.from, message: `[kernel ${kernel}] ${m.op}: kernel ${m.kernel}; model ${m.model}` },
  };
}

/**
 * A trace that crashed the guest or stopped it answering, as a K entry (the model answers every
 * syscall; the kernel did not): unshrunk, the violation at the op it stopped in.
 */
export function stoppedEntry(kernel: string, input: KernelInput, r: TraceResult, plan: Plan, seed: number): CorpusEntry {
  const how = r.verdict.status === 'hung' ? 'stopped answering' : 'crashed';
  const step = plan.steps[Math.min(r.ops, plan.steps.length - 1)];
  const at = step === undefined ? 'before its first syscall' : `at ${formatOp(step.op)}`;
  return {
    format: CORPUS_FORMAT, property: 'K', kernel, seed, expect: 'violated',
    title: `lab kernel ${kernel}: the guest ${how} ${at} (${input.name})`,
    profile: input.profile, ops: input.ops,
    violation: { step: step?.from ?? 0, message: `[kernel ${kernel}] the guest ${how} ${at}, after ${r.ops} syscalls` },
  };
}
