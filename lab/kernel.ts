// `negcheck kernel`'s engine: the traces on one lab kernel and on the model with that kernel's
// profile, compared op by op; what the kernel log said; the figures of the run.

import { type Mismatch, type Plan, type PlannedStep, firstMismatch, planTrace, type VhostFactory } from './compare.ts';
import { KERNEL_FINDINGS } from './findings.ts';
import { knownDifference } from './known-differences.ts';
import type { KernelInput } from './inputs.ts';
import { labProfile, onLabKernel } from './profiles.ts';
import { type AgentTrace, firstInexpressible } from './protocol.ts';
import { LabError } from './errors.ts';
import { formatOp } from '../types/trace.ts';
import { type RunOptions, runTraces } from './run.ts';
import type { LabKernel } from './setup.ts';
import type { Profile } from '../types/profile.ts';

export type TraceVerdict =
  /** every syscall answered as the model said */
  | { readonly status: 'match' }
  /** a K entry that records a difference (expect violated) and now answers as the model says: its expect is out of date */
  | { readonly status: 'no-longer-differs' }
  /** `known`: the id of the known difference (lab/known-differences.ts) it is, or null: a finding */
  | { readonly status: 'mismatch'; readonly mismatch: Mismatch; readonly known: string | null }
  /** the guest died or stopped answering while running it (the console's tail) */
  | { readonly status: 'crashed' | 'hung'; readonly console: readonly string[] }
  | { readonly status: 'setup-failed'; readonly step: string; readonly ret: number }
  /** not run: a device the kernel's guest lacks, no syscall in it, or the run was interrupted */
  | { readonly status: 'skipped' | 'not-run'; readonly why: string };

export interface TraceResult {
  readonly name: string;
  readonly verdict: TraceVerdict;
  /** syscalls run and compared */
  readonly ops: number;
  /** trace ops no syscall stands for, left out on both sides */
  readonly leftOut: number;
  /** WARN, BUG or oops lines the kernel logged while it ran */
  readonly kmsg: readonly string[];
  /** the kernel log lines a known kernel finding makes (lab/findings.ts): reported, not a finding */
  readonly knownKmsg: readonly string[];
}

export interface KernelReport {
  readonly kernel: string;
  readonly release: string;
  readonly cpu: string;
  readonly results: readonly TraceResult[];
  /** ms from QEMU's start to the agent's hello, and to the first op's answer, of the first boot */
  readonly helloMs: number | null;
  readonly firstOpMs: number | null;
  readonly boots: number;
  /** syscalls run in the guest, and the guest's own time running them */
  readonly ops: number;
  readonly guestMs: number;
  readonly wallMs: number;
  readonly interrupted: boolean;
}

/** The known-difference id of a difference a K entry records (expect violated): it is the entry's evidence, not a finding. */
export const RECORDED_BY_K_ENTRY = 'recorded-by-its-K-entry';

/** What isFinding reads of a trace's result (the report page reads the same fields from the JSON). */
export interface FindingFields {
  readonly kmsg: readonly string[];
  readonly verdict: { readonly status: TraceVerdict['status']; readonly known?: string | null };
}

/** A finding: anything but a match, a known difference or a skip. */
export function isFinding(r: FindingFields): boolean {
  const v = r.verdict;
  return r.kmsg.length > 0 || !(v.status === 'match' || v.status === 'skipped' || (v.status === 'mismatch' && v.known !== null));
}

/** A trace's kernel log lines: those a known kernel finding of this kernel makes, and the rest. */
function splitKmsg(kernel: string, lines: readonly string[]): { kmsg: string[]; knownKmsg: string[] } {
  const known = (l: string): boolean => KERNEL_FINDINGS.some(f => f.kernels.includes(kernel) && f.kmsg.test(l));
  return { kmsg: lines.filter(l => !known(l)), knownKmsg: lines.filter(known) };
}

/** The traces the kernel ran: neither skipped nor left by an interrupt. */
export function tracesRun(results: readonly { readonly verdict: { readonly status: TraceVerdict['status'] } }[]): number {
  return results.filter(r => r.verdict.status !== 'skipped' && r.verdict.status !== 'not-run').length;
}

export interface CheckOptions extends RunOptions {
  /** the model's vhost device (default createVhostModel; a test plants a bug here) */
  readonly createVhost?: VhostFactory;
  /** each trace the kernel ran to its end: the steps it answered as the model did (up to a difference), with the profile they ran on */
  readonly onCompared?: (steps: readonly PlannedStep[], profile: Profile) => void;
}

export async function checkKernel(k: LabKernel, inputs: readonly KernelInput[], o: CheckOptions = {}): Promise<KernelReport> {
  const profile = labProfile(k.id);
  const planned: { input: KernelInput; onKernel: Profile; plan: Plan; trace: AgentTrace }[] = [];
  const results: (TraceResult | null)[] = inputs.map(input => {
    const device = input.profile.kernel.device;
    const skip = (why: string): TraceResult => ({ name: input.name, verdict: { status: 'skipped', why }, ops: 0, leftOut: input.ops.length, kmsg: [], knownKmsg: [] });
    if (input.kernel !== undefined && input.kernel !== k.id) return skip(`found on lab kernel ${input.kernel}: it runs there`);
    if (!profile.devices.value.includes(device)) return skip(`${device}: not in the ${k.id} guest (${profile.devices.why})`);
    const onKernel = onLabKernel(profile, input.profile);
    const plan = planTrace(input.ops, onKernel, o.createVhost);
    if (plan.steps.length === 0) return skip('no syscall in it');
    const bad = firstInexpressible(plan.steps);
    if (bad !== null) throw new LabError(`${input.name}: op ${bad.from} (${formatOp(input.ops[bad.from]!)}) is no trace the agent can run: ${bad.why}`);
    const id = planned.length;
    // distinct guest CIDs per trace of a boot (3 is the first a guest may have)
    planned.push({ input, onKernel, plan, trace: { id, device, cid: 3 + id, ops: plan.steps.map(s => s.op) } });
    return null;
  });
  const run = await runTraces(k, planned.map(p => p.trace), o);
  let ops = 0;
  let guestNs = 0;
  const ran = planned.map(({ input, onKernel, plan }, i): TraceResult => {
    const out = run.outcomes[i]!;
    const base = { name: input.name, leftOut: plan.leftOut };
    switch (out.status) {
      case 'done': {
        ops += out.answers.length;
        guestNs += out.guestNs;
        const m = firstMismatch(plan, out.answers);
        o.onCompared?.(m === null ? plan.steps : plan.steps.slice(0, m.step), onKernel);
        // a K entry that records a difference (expect violated) explains the one it shows
        const verdict: TraceVerdict = m !== null ? { status: 'mismatch', mismatch: m, known: knownDifference(k.id, m, input.profile.kernel.device, input.ops)?.id ?? (input.expect === 'violated' ? RECORDED_BY_K_ENTRY : null) }
          : input.expect === 'violated' ? { status: 'no-longer-differs' } : { status: 'match' };
        return { ...base, ops: out.answers.length, ...splitKmsg(k.id, out.kmsg), verdict };
      }
      case 'setup-failed': return { ...base, ops: 0, ...splitKmsg(k.id, out.kmsg), verdict: { status: 'setup-failed', step: out.step, ret: out.ret } };
      case 'crashed': case 'hung': return { ...base, ops: out.answers.length, kmsg: [], knownKmsg: [], verdict: { status: out.status, console: out.console } };
      case 'not-run': return { ...base, ops: 0, kmsg: [], knownKmsg: [], verdict: { status: 'not-run', why: 'interrupted' } };
    }
  });
  let next = 0;
  const all = results.map(r => r ?? ran[next++]!);
  const first = run.boots[0];
  return {
    kernel: k.id, release: run.release || k.release, cpu: run.cpu, results: all,
    helloMs: first?.helloMs ?? null, firstOpMs: first?.firstOpMs ?? null, boots: run.boots.length,
    ops, guestMs: guestNs / 1e6, wallMs: run.wallMs, interrupted: run.interrupted,
  };
}
