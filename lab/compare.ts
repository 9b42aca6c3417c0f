// A trace on the model and on a real kernel, op by op. The model runs first, with the lab kernel's
// profile: it says which syscalls the trace makes (a VMM op becomes the vhost ioctls the VMM issues,
// as the model's VMM issues them) and what each should answer. The kernel then runs those syscalls.
// The first answer that differs ends the comparison of the trace: past it the two no longer run the
// same program (the VMM would have decided on the kernel's answer).

import { isDeepStrictEqual } from 'node:util';
import { createVhostModel } from '../model/stack.ts';
import { vmmSetFeatures } from '../model/vmmFeatures.ts';
import type { Observation } from '../types/observation.ts';
import { isVringOp, type Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Part } from '../types/stack.ts';
import { formatObservation, formatOp, formatRet } from '../types/trace.ts';
import { type AgentAnswer, isKernelOp, type KernelOp, observationOf, type PlainKernelOp } from './protocol.ts';

/** One op the agent runs (a syscall, or the VDUSE parent's access): the op, the trace op it comes from, and the model's answer. */
export interface PlannedStep {
  readonly op: KernelOp;
  /** index of the trace op it comes from (a VMM op makes several) */
  readonly from: number;
  readonly model: Observation;
}

/** The model's vhost device for a profile (createVhostModel; a test plants a bug in one). */
export type VhostFactory = (profile: Profile) => Part;

export interface Plan {
  readonly steps: readonly PlannedStep[];
  /** trace ops no syscall stands for, left out on both sides: the guest's, the vSMMU's, vhost's own device accesses */
  readonly leftOut: number;
}

/**
 * The trace's syscalls and the model's answers. The ops no syscall stands for are left out of the
 * model's run too, so both sides run the same program: a device access (VQ_ACCESS) on net and
 * vsock is vhost's own, made by the kernel when a ring is processed (on vhost-vdpa the agent's VDUSE
 * parent makes it), and the guest's and the vSMMU's ops never reach the vhost device.
 */
export function planTrace(ops: readonly Op[], profile: Profile, createVhost: VhostFactory = createVhostModel): Plan {
  const vhost = createVhost(profile);
  const steps: PlannedStep[] = [];
  let from = 0;
  const recording: Part = {
    apply(op: Op): Observation {
      const model = vhost.apply(op);
      if (!isKernelOp(op, profile.kernel.device)) throw new Error(`the VMM issued ${op.kind}, which is no syscall`);
      steps.push({ op, from, model });
      return model;
    },
  };
  let leftOut = 0;
  for (; from < ops.length; from++) {
    const op = ops[from]!;
    if (op.kind === 'VMM_SET_FEATURES') vmmSetFeatures(profile, recording, op.guestFeatures);
    else if (isKernelOp(op, profile.kernel.device)) recording.apply(op);
    else leftOut++;
  }
  return { steps, leftOut };
}

/** The first step whose kernel answer is not the model's. */
export interface Mismatch {
  readonly step: number;
  /** index of the trace op */
  readonly from: number;
  readonly op: string;
  readonly kernel: string;
  readonly model: string;
}

/**
 * A vring op's answer: the ioctl's result, and whether a message became readable on the fd (the
 * agent cannot see a MISS's iova without reading it, which would change the trace). `unknown` (one
 * was readable already) agrees with either.
 */
function vringDiffers(model: Observation, a: AgentAnswer): string | null {
  const m = model.kind === 'vring' ? model : null;
  const queued = a.queued === 'queued';
  const differs = m === null || m.ret !== a.ret || (a.queued !== 'unknown' && (m.miss !== null) !== queued);
  return differs ? `${formatRet(a.ret)}${queued ? ', a message became readable (a MISS queued)' : a.queued === 'unknown' ? ' (a message was readable already)' : ', nothing queued'}` : null;
}

export function firstMismatch(plan: Plan, answers: readonly AgentAnswer[]): Mismatch | null {
  for (let i = 0; i < Math.min(plan.steps.length, answers.length); i++) {
    const { op, from, model } = plan.steps[i]!;
    const a = answers[i]!;
    let kernel: string | null;
    if (isVringOp(op)) kernel = vringDiffers(model, a);
    else {
      const o = observationOf(op as PlainKernelOp, a);
      kernel = isDeepStrictEqual(o, model) ? null : formatObservation(o);
    }
    if (kernel !== null) return { step: i, from, op: formatOp(op), kernel, model: formatObservation(model) };
  }
  return null;
}

