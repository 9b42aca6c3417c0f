// The host's side of the agent protocol (lab/agent/agent.c holds the guest's): text lines over the
// guest's second serial port. Data first (what a kernel op is, what the agent answers), then the
// two directions: ops into lines, answer lines into observations. Pure functions: the tests check
// them without a guest.

import {
  FEATURES_ARRAY_ADDR, FEATURES_ARRAY_WORDS, GUEST_RAM_GPA, GUEST_RAM_HVA, GUEST_RAM_SIZE, NET_TAP_FD,
  VRING_AVAIL_GPA, VRING_DESC_GPA, VRING_NUM, VRING_USED_GPA,
} from '../types/harness.ts';
import { VDPA_PARENT_FEATURES } from '../model/features.ts';
import { toHex, userspaceWriteBytes } from '../types/iotlbWire.ts';
import type { Observation, Segment } from '../types/observation.ts';
import type { Op, VringOp } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import { LabError } from './errors.ts';

/**
 * The ops a real kernel runs: the vhost device's ioctls, write() and read() from userspace, and on
 * vhost-vdpa the device's own accesses (VQ_ACCESS), which the agent makes as the VDUSE parent.
 */
export type KernelOp = Extract<Op, { kind:
  | 'GET_FEATURES' | 'SET_FEATURES' | 'GET_BACKEND_FEATURES' | 'SET_BACKEND_FEATURES'
  | 'GET_FEATURES_ARRAY' | 'SET_FEATURES_ARRAY' | 'IOTLB_WRITE' | 'IOTLB_WRITE_RAW' | 'IOTLB_READ'
  | 'VDPA_SET_STATUS' | 'VDPA_GET_STATUS' | 'VSOCK_SET_RUNNING' | 'NET_SET_BACKEND' | 'VQ_ACCESS' }>;

const SYSCALL_OP_KINDS: ReadonlySet<string> = new Set<Exclude<KernelOp['kind'], 'VQ_ACCESS'>>([
  'GET_FEATURES', 'SET_FEATURES', 'GET_BACKEND_FEATURES', 'SET_BACKEND_FEATURES', 'GET_FEATURES_ARRAY', 'SET_FEATURES_ARRAY',
  'IOTLB_WRITE', 'IOTLB_WRITE_RAW', 'IOTLB_READ', 'VDPA_SET_STATUS', 'VDPA_GET_STATUS', 'VSOCK_SET_RUNNING', 'NET_SET_BACKEND',
]);

/**
 * Whether the agent runs `op` on `device`. A device access is vhost's own on net and vsock (the
 * kernel makes it when it processes a ring, nothing the agent can ask for); on vhost-vdpa the
 * device is the agent's VDUSE parent, which translates it through the parent's IOTLB.
 */
export function isKernelOp(op: Op, device: VhostDevice): op is KernelOp {
  return SYSCALL_OP_KINDS.has(op.kind) || (op.kind === 'VQ_ACCESS' && device === 'vhost-vdpa');
}

/** One trace for the agent: a fresh fd of `device`, the harness's set-up, then `ops`. */
export interface AgentTrace {
  readonly id: number;
  readonly device: VhostDevice;
  /** vhost-vsock's guest CID, distinct per trace of a boot */
  readonly cid: number;
  readonly ops: readonly KernelOp[];
  /** lines sent after the ops: `hang` and `crash` make the agent fail, for the runner's tests */
  readonly then?: readonly ('hang' | 'crash')[];
}

/** What the agent said about one op: its return value and what it read back. */
export interface AgentAnswer {
  readonly ret: number;
  /** v=: the value an ioctl wrote (features, status) */
  readonly value?: bigint;
  /** b=: the bytes a read() returned, hex */
  readonly bytes?: string;
  /** w=: the features-array buffer's words after the call */
  readonly words?: readonly bigint[];
  /** q=: whether a message became readable on the fd (vring ops): unknown when one already was */
  readonly queued?: 'queued' | 'none' | 'unknown';
  /** s=: a device access's segments, [uaddr, len] each */
  readonly segments?: readonly Segment[];
}

const h = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16);

/** The harness's address space as the agent (or a C reproducer) lays it out: types/harness.ts's addresses as the VMM's. */
export interface HarnessLayout {
  readonly ramHva: bigint;
  readonly ramSize: bigint;
  readonly faAddr: bigint;
  readonly faWords: number;
  /** each vq's ring: its size and the VMM's addresses of desc, avail, used */
  readonly rings: readonly { readonly num: number; readonly desc: bigint; readonly avail: bigint; readonly used: bigint }[];
  /** the device features the VDUSE parent offers: the model's vhost-vdpa parent's (model/features.ts VDPA_PARENT_FEATURES) */
  readonly vdpaFeatures: bigint;
}

export function harnessLayout(): HarnessLayout {
  if (GUEST_RAM_GPA !== 0n) throw new LabError('the agent maps guest RAM at GPA 0 only');
  return {
    ramHva: GUEST_RAM_HVA, ramSize: GUEST_RAM_SIZE, faAddr: FEATURES_ARRAY_ADDR, faWords: FEATURES_ARRAY_WORDS,
    rings: VRING_USED_GPA.map((used, vq) => ({ num: VRING_NUM, desc: GUEST_RAM_HVA + VRING_DESC_GPA[vq]!, avail: GUEST_RAM_HVA + VRING_AVAIL_GPA[vq]!, used: GUEST_RAM_HVA + used })),
    vdpaFeatures: VDPA_PARENT_FEATURES,
  };
}

/**
 * The lines that lay out the harness's address space in the guest (guest RAM, the buffer, the
 * rings) and give the VDUSE parent the features the model's vhost-vdpa parent offers: the parent
 * is the agent's to define, and it is defined as the model's.
 */
export function envLines(): string[] {
  const l = harnessLayout();
  const rings = l.rings.map((r, vq) => `ring ${vq} ${h(r.num)} ${h(r.desc)} ${h(r.avail)} ${h(r.used)}`);
  return [`env ${h(l.ramHva)} ${h(l.ramSize)} ${h(l.faAddr)} ${h(l.faWords)}`, ...rings, `vdpa ${h(l.vdpaFeatures)}`];
}

/** The largest read() the agent makes (lab/agent/agent.c run_op). */
export const AGENT_MAX_READ = 65536;

/** The first step no agent or program can make as the model reads it, and why; null when there is none. */
export function firstInexpressible(steps: readonly { readonly op: KernelOp; readonly from: number }[]): { readonly from: number; readonly why: string } | null {
  for (const s of steps) {
    const why = inexpressible(s.op);
    if (why !== null) return { from: s.from, why };
  }
  return null;
}

/** Why the agent cannot run `op` as the model reads it, or null when it can. */
export function inexpressible(op: KernelOp): string | null {
  if (op.kind === 'IOTLB_READ' && (op.len < 0 || op.len > AGENT_MAX_READ)) return `a read of ${op.len} bytes: the agent reads 0 to ${AGENT_MAX_READ}`;
  if (op.kind === 'SET_FEATURES_ARRAY' && op.words.length > FEATURES_ARRAY_WORDS) return `${op.words.length} words: the harness's buffer holds ${FEATURES_ARRAY_WORDS}`;
  return null;
}

/** One op as the agent's line. */
export function opLine(op: KernelOp): string {
  switch (op.kind) {
    case 'GET_FEATURES': return 'gf';
    case 'SET_FEATURES': return `sf ${h(op.features)}`;
    case 'GET_BACKEND_FEATURES': return 'gbf';
    case 'SET_BACKEND_FEATURES': return `sbf ${h(op.features)}`;
    case 'GET_FEATURES_ARRAY': return `gfa ${h(op.count)} ${h(op.fill)}`;
    case 'SET_FEATURES_ARRAY': {
      const words = Array.from({ length: FEATURES_ARRAY_WORDS }, (_, i) => h(op.words[i] ?? 0n));
      return `sfa ${h(op.count)} ${words.join(' ')}`;
    }
    case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': return `w ${toHex(userspaceWriteBytes(op)) || '-'}`;
    case 'IOTLB_READ': return `r ${op.len}`;
    case 'VDPA_SET_STATUS': return `vss ${op.status}`;
    case 'VDPA_GET_STATUS': return 'vgs';
    case 'VSOCK_SET_RUNNING': return `run ${op.start}`;
    case 'VQ_ACCESS': return `acc ${h(op.iova)} ${h(op.len)} ${op.access}`;
    // the harness's fds: its tap (NET_TAP_FD), -1, and any other fd, which is not a socket
    case 'NET_SET_BACKEND': return `nb ${op.index} ${op.fd === -1 ? 'none' : op.fd === NET_TAP_FD ? 'tap' : 'notsock'}`;
  }
}

/** A trace's lines, `trace` to `end`. */
export function traceLines(t: AgentTrace): string[] {
  return [`trace ${t.id} ${t.device} ${t.cid}`, ...t.ops.map(opLine), ...(t.then ?? []), 'end'];
}

/** An answer line (`= RET [v=HEX] [b=HEX] [w=HEX,...] [q=...]`). */
export function parseAnswer(line: string): AgentAnswer {
  const [eq, ret, ...fields] = line.split(' ');
  if (eq !== '=' || ret === undefined || !/^-?\d+$/.test(ret)) throw new LabError(`agent: not an answer: ${line}`);
  const a: { -readonly [K in keyof AgentAnswer]: AgentAnswer[K] } = { ret: Number(ret) };
  for (const f of fields) {
    const [k, v = ''] = f.split('=');
    if (k === 'v') a.value = BigInt(`0x${v}`);
    else if (k === 'b') a.bytes = v === '-' ? '' : v;
    else if (k === 'w') a.words = v.split(',').map(w => BigInt(`0x${w}`));
    else if (k === 'q' && (v === 'queued' || v === 'none' || v === 'unknown')) a.queued = v;
    else if (k === 's') a.segments = v === '-' ? [] : v.split(',').map(seg => {
      const [addr, len] = seg.split(':');
      return [BigInt(`0x${addr}`), Number(`0x${len}`)] as const;
    });
    else throw new LabError(`agent: unknown field ${f} in ${line}`);
  }
  return a;
}

/** The kernel ops whose answer is an observation of the model's kind as it is (all but the vring ops). */
export type PlainKernelOp = Exclude<KernelOp, VringOp>;

/** The kernel's answer to a plain op as the model's observation of it. */
export function observationOf(op: PlainKernelOp, a: AgentAnswer): Observation {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new LabError(`agent: ${op.kind} answer without ${what}`);
    return v;
  };
  switch (op.kind) {
    case 'GET_FEATURES': case 'GET_BACKEND_FEATURES':
      return { kind: 'value', ret: a.ret, value: need(a.value, 'v=') };
    // on net and vsock the vhost-vdpa ioctl is unknown: a failed call is a plain return (model/vhost.ts)
    case 'VDPA_GET_STATUS':
      return a.ret === 0 ? { kind: 'value', ret: 0, value: need(a.value, 'v=') } : { kind: 'ret', ret: a.ret };
    case 'SET_FEATURES': case 'SET_BACKEND_FEATURES': case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': case 'VDPA_SET_STATUS':
      return { kind: 'ret', ret: a.ret };
    case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY':
      return { kind: 'features-array', ret: a.ret, words: need(a.words, 'w=') };
    case 'IOTLB_READ':
      return { kind: 'read', ret: a.ret, bytes: a.ret > 0 ? need(a.bytes, 'b=') : '' };
    // the agent's walk ends in the errno a fault would have (vduse.c vduse_access)
    case 'VQ_ACCESS':
      return a.ret === 0 ? { kind: 'access', outcome: 'ok', segments: need(a.segments, 's=') } : { kind: 'access', outcome: 'fault', errno: -a.ret };
  }
}

/**
 * The answer line the agent would write if the kernel answered as the model says (the inverse of
 * parseAnswer and observationOf): a C reproducer compares the kernel's line with it. A vring op's
 * MISS is said as the agent sees it, a message queued or not.
 */
export function answerLine(op: KernelOp, model: Observation): string {
  const bad = (): never => { throw new LabError(`no agent answer says ${model.kind} for ${op.kind}`); };
  switch (op.kind) {
    case 'GET_FEATURES': case 'GET_BACKEND_FEATURES':
      return model.kind === 'value' ? `= ${model.ret} v=${h(model.ret === 0 ? model.value : 0n)}` : bad();
    case 'VDPA_GET_STATUS':
      return model.kind === 'value' && model.ret === 0 ? `= 0 v=${h(model.value)}` : model.kind === 'ret' && model.ret !== 0 ? `= ${model.ret} v=0` : bad();
    case 'SET_FEATURES': case 'SET_BACKEND_FEATURES': case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': case 'VDPA_SET_STATUS':
      return model.kind === 'ret' ? `= ${model.ret}` : bad();
    case 'GET_FEATURES_ARRAY': case 'SET_FEATURES_ARRAY':
      return model.kind === 'features-array' ? `= ${model.ret} w=${model.words.map(h).join(',')}` : bad();
    case 'IOTLB_READ':
      return model.kind === 'read' ? `= ${model.ret} b=${model.ret > 0 ? model.bytes : '-'}` : bad();
    case 'VQ_ACCESS':
      if (model.kind !== 'access' || model.outcome === 'miss') return bad();
      return model.outcome === 'fault' ? `= ${-model.errno}` : `= 0 s=${model.segments.length === 0 ? '-' : model.segments.map(([a, l]) => `${h(a)}:${h(l)}`).join(',')}`;
    case 'VSOCK_SET_RUNNING': case 'NET_SET_BACKEND':
      return model.kind === 'vring' ? `= ${model.ret} q=${model.miss === null ? 'none' : 'queued'}` : bad();
  }
}
