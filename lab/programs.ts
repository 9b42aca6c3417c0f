// Running programs in a lab guest (a C reproducer, compiled static on the host): the agent writes
// each to its file system, runs it as its own process and sends back its output, what the kernel
// logged meanwhile and how it ended (lab/agent/agent.c exec_program). One boot for all of them; a
// guest that dies while one runs reports it and boots again for the rest.

import { BootFailure, LabError } from './errors.ts';
import { GuestTimeout, startGuest, type Guest } from './qemu.ts';
import type { LabKernel } from './setup.ts';

export interface Program {
  readonly name: string;
  /** a static executable for x86-64 */
  readonly binary: Uint8Array;
}

export type ProgramEnd =
  | { readonly status: 'exited'; readonly code: number }
  | { readonly status: 'signal'; readonly signal: number }
  /** still running after the time limit: killed */
  | { readonly status: 'timeout' }
  /** the guest died or stopped answering (the console's tail) */
  | { readonly status: 'crashed'; readonly console: readonly string[] };

export interface ProgramRun {
  readonly name: string;
  /** its stdout and stderr, line by line */
  readonly output: readonly string[];
  /** WARN, BUG or oops lines the kernel logged while it ran */
  readonly kmsg: readonly string[];
  readonly end: ProgramEnd;
}

export interface ProgramOptions {
  /** a program still running after this long is killed (default 30 s) */
  readonly timeoutS?: number;
  readonly bootTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The exec line: the binary as hex, and the time limit. */
export function execLine(p: Program, timeoutS: number): string {
  return `exec ${Buffer.from(p.binary).toString('hex')} ${timeoutS}`;
}

/** One program's lines, up to its `exit` line. */
async function readProgram(g: Guest, p: Program, timeoutMs: number): Promise<ProgramRun> {
  const output: string[] = [];
  const kmsg: string[] = [];
  for (;;) {
    let line: string | null;
    try {
      line = await g.nextLine(timeoutMs);
    } catch (e) {
      if (!(e instanceof GuestTimeout)) throw e;
      line = null;
    }
    if (line === null) return { name: p.name, output, kmsg, end: { status: 'crashed', console: g.console.slice(-80) } };
    if (line.startsWith('out ')) output.push(line.slice(4));
    else if (line.startsWith('kmsg ')) kmsg.push(line.slice(5));
    else if (line.startsWith('error ')) throw new LabError(`${g.kernel.id}: agent: ${line.slice(6)}`);
    else {
      const m = /^exit (?:(\d+)|signal (\d+)|(timeout))$/.exec(line);
      if (m === null) throw new LabError(`${g.kernel.id}: agent: expected "exit ...", got "${line}"`);
      const end: ProgramEnd = m[1] !== undefined ? { status: 'exited', code: Number(m[1]) }
        : m[2] !== undefined ? { status: 'signal', signal: Number(m[2]) } : { status: 'timeout' };
      return { name: p.name, output, kmsg, end };
    }
  }
}

/** Run `programs` one after another on kernel `k`. */
export async function runPrograms(k: LabKernel, programs: readonly Program[], o: ProgramOptions = {}): Promise<ProgramRun[]> {
  const timeoutS = o.timeoutS ?? 30;
  const runs: ProgramRun[] = [];
  while (runs.length < programs.length && !o.signal?.aborted) {
    let g: Guest;
    try {
      g = await startGuest(k, o.bootTimeoutMs, o.signal);
    } catch (e) {
      if (o.signal?.aborted || !(e instanceof BootFailure)) throw e;
      for (const p of programs.slice(runs.length)) runs.push({ name: p.name, output: [], kmsg: [], end: { status: 'crashed', console: [e.message, ...e.console] } });
      break;
    }
    const onAbort = (): void => { void g.kill(); };
    o.signal?.addEventListener('abort', onAbort);
    try {
      while (runs.length < programs.length && !o.signal?.aborted) {
        const p = programs[runs.length]!;
        g.send([execLine(p, timeoutS)]);
        // the agent kills it at its limit; a guest silent for 10 s past that is dead
        const r = await readProgram(g, p, (timeoutS + 10) * 1000);
        runs.push(r);
        if (r.end.status === 'crashed') break;
      }
      if (runs.length === programs.length) g.send(['quit']);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      await g.kill();
    }
  }
  return runs;
}
