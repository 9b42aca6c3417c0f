// kernel --json FILE (negcheck-kernel-report/1, lab/kernel.ts KernelReport) and kernel --generate
// --json FILE (negcheck-kernel-generate/1, lab/generate.ts GenerateRun).

import type { FindingFields, TraceVerdict } from '../../lab/kernel.ts';
import type { At } from './json.ts';

export const KERNEL_SCHEMA = 'negcheck-kernel-report/1';
export const KERNEL_GENERATE_SCHEMA = 'negcheck-kernel-generate/1';

export interface KernelTrace extends FindingFields { readonly name: string; readonly detail: string }
export interface KernelRunIn {
  readonly kernel: string; readonly release: string; readonly ops: number; readonly guestMs: number;
  readonly firstOpMs: number | null; readonly interrupted: boolean; readonly traces: readonly KernelTrace[];
}
export interface KernelIn { readonly file: string; readonly runs: readonly KernelRunIn[] }
export interface KernelGenerateIn {
  readonly file: string; readonly seed: number; readonly shard: string;
  readonly kernels: readonly { readonly kernel: string; readonly scripts: number; readonly ops: number; readonly findings: number; readonly crashes: number; readonly saved: number; readonly runs: readonly KernelRunIn[] }[];
}

const STATUSES: readonly TraceVerdict['status'][] = ['match', 'no-longer-differs', 'mismatch', 'crashed', 'hung', 'setup-failed', 'skipped', 'not-run'];

/** One trace's verdict in a line: what differed, how the guest ended, or why it was skipped. */
function detail(v: At, status: TraceVerdict['status']): string {
  if (status === 'mismatch') {
    const m = v.at('mismatch');
    return `step ${m.at('step').number()} ${m.at('op').string()}: kernel ${m.at('kernel').string()}; model ${m.at('model').string()}`;
  }
  if (status === 'crashed' || status === 'hung') return v.at('console').strings().slice(-3).join(' / ');
  if (status === 'skipped' || status === 'not-run') return v.at('why').string();
  if (status === 'setup-failed') return `${v.at('step').string()} returned ${v.at('ret').number()}`;
  return '';
}

function kernelRun(r: At): KernelRunIn {
  return {
    kernel: r.at('kernel').string(), release: r.at('release').string(), ops: r.at('ops').number(), guestMs: r.at('guestMs').number(),
    firstOpMs: r.at('firstOpMs').maybe(x => x.number()), interrupted: r.at('interrupted').boolean(),
    traces: r.at('results').items().map(t => {
      const v = t.at('verdict');
      const s = v.at('status');
      const status = STATUSES.find(x => x === s.string()) ?? s.fail(`one of ${STATUSES.join(', ')}`);
      return {
        name: t.at('name').string(), verdict: { status, known: status === 'mismatch' ? v.at('known').maybe(x => x.string()) : null },
        detail: detail(v, status), kmsg: t.at('kmsg').strings(),
      };
    }),
  };
}

export function kernelIn(a: At): KernelIn {
  return { file: a.file, runs: a.at('reports').items().map(kernelRun) };
}

export function kernelGenerateIn(a: At): KernelGenerateIn {
  return {
    file: a.file, seed: a.at('seed').number(), shard: a.at('shard').string(),
    kernels: a.at('kernels').items().map(k => ({
      kernel: k.at('kernel').string(), scripts: k.at('scripts').number(), ops: k.at('ops').number(), findings: k.at('findings').number(),
      crashes: k.at('crashes').number(), saved: k.at('saved').items().length, runs: k.at('reports').items().map(kernelRun),
    })),
  };
}
