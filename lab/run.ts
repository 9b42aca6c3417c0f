// Running traces on a lab kernel: boot a serving guest, lay out the harness's addresses, stream
// the traces and collect each one's answers. A guest that crashes (the port closes) or hangs (no
// line within the trace timeout) is reported naming the trace it was running, and the run goes on
// with a fresh boot from the next trace. An abort (SIGINT) kills the guest and keeps what completed.

import { BootFailure, LabError } from './errors.ts';
import { type AgentAnswer, type AgentTrace, envLines, parseAnswer, traceLines } from './protocol.ts';
import { GuestTimeout, LAB_CPU, startGuest, type Guest } from './qemu.ts';
import type { LabKernel } from './setup.ts';

/** What became of one trace on the kernel. */
export type TraceOutcome =
  | { readonly status: 'done'; readonly answers: readonly AgentAnswer[]; readonly kmsg: readonly string[]; readonly guestNs: number }
  /** the agent could not set the fd up as the harness has it (open, SET_OWNER, SET_MEM_TABLE, rings, CID, the VDUSE device) */
  | { readonly status: 'setup-failed'; readonly step: string; readonly ret: number; readonly kmsg: readonly string[] }
  /** the guest stopped (a panic, an oops that killed the agent) or stopped answering while running it */
  | { readonly status: 'crashed' | 'hung'; readonly answers: readonly AgentAnswer[]; readonly console: readonly string[] }
  /** not reached: the run was interrupted */
  | { readonly status: 'not-run' };

/** One boot of the run. */
export interface BootFigure {
  /** ms from QEMU's start to the agent's hello */
  readonly helloMs: number;
  /** ms from QEMU's start to the first op's answer; null when no op ran */
  readonly firstOpMs: number | null;
  readonly traces: number;
}

export interface KernelRun {
  readonly kernel: string;
  readonly release: string;
  readonly cpu: string;
  readonly outcomes: readonly TraceOutcome[];
  readonly boots: readonly BootFigure[];
  readonly interrupted: boolean;
  readonly wallMs: number;
}

export interface RunOptions {
  /** a trace with no line from the agent for this long is a hang */
  readonly traceTimeoutMs?: number;
  readonly bootTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** after each trace: how many are done */
  readonly onTrace?: (done: number, total: number) => void;
}

class Stopped extends Error {
  constructor(readonly why: 'crashed' | 'hung') { super(why); }
}

async function expectLine(g: Guest, timeoutMs: number): Promise<string> {
  const line = await g.nextLine(timeoutMs).catch((e: unknown) => {
    if (e instanceof GuestTimeout) throw new Stopped('hung');
    throw e;
  });
  if (line === null) throw new Stopped('crashed');
  return line;
}

/** The next line that is not a protocol error; an `error` line is the host's bug, said loudly. */
async function protocolLine(g: Guest, timeoutMs: number): Promise<string> {
  const line = await expectLine(g, timeoutMs);
  if (line.startsWith('error ')) throw new LabError(`${g.kernel.id}: agent: ${line.slice(6)}`);
  return line;
}

/** One trace's answers, from its `trace` line to its `end` line. */
async function readTrace(g: Guest, t: AgentTrace, timeoutMs: number, answers: AgentAnswer[], onAnswer: () => void): Promise<TraceOutcome> {
  const head = await protocolLine(g, timeoutMs);
  const setup = new RegExp(`^trace ${t.id} setup (\\S+) (-?\\d+)$`).exec(head);
  if (setup) {
    const { kmsg } = await readEnd(g, t, timeoutMs);
    return { status: 'setup-failed', step: setup[1]!, ret: Number(setup[2]), kmsg };
  }
  if (head !== `trace ${t.id} ok`) throw new LabError(`${g.kernel.id}: agent: expected "trace ${t.id} ok", got "${head}"`);
  for (let i = 0; i < t.ops.length; i++) {
    answers.push(parseAnswer(await protocolLine(g, timeoutMs)));
    onAnswer();
  }
  const { kmsg, guestNs } = await readEnd(g, t, timeoutMs);
  return { status: 'done', answers, kmsg, guestNs };
}

/** The kernel log lines the agent reports at a trace's end, and its `end ID NS` line. */
async function readEnd(g: Guest, t: AgentTrace, timeoutMs: number): Promise<{ kmsg: string[]; guestNs: number }> {
  const kmsg: string[] = [];
  for (;;) {
    const line = await protocolLine(g, timeoutMs);
    if (line.startsWith('kmsg ')) { kmsg.push(line.slice(5)); continue; }
    const end = /^end (\d+) (\d+)$/.exec(line);
    if (!end || Number(end[1]) !== t.id) throw new LabError(`${g.kernel.id}: agent: expected "end ${t.id} NS", got "${line}"`);
    return { kmsg, guestNs: Number(end[2]) };
  }
}

/** Run `traces` on kernel `k`, booting as often as crashes and hangs need. */
export async function runTraces(k: LabKernel, traces: readonly AgentTrace[], o: RunOptions = {}): Promise<KernelRun> {
  const traceTimeoutMs = o.traceTimeoutMs ?? 10_000;
  const t0 = performance.now();
  const outcomes: TraceOutcome[] = traces.map(() => ({ status: 'not-run' }));
  const boots: BootFigure[] = [];
  let next = 0;
  let release = '';
  while (next < traces.length && !o.signal?.aborted) {
    let g: Guest;
    try {
      g = await startGuest(k, o.bootTimeoutMs, o.signal);
    } catch (e) {
      if (o.signal?.aborted) break;
      if (!(e instanceof BootFailure)) throw e;
      // a kernel that does not come up runs none of what is left: each is a crash, with the console
      for (; next < traces.length; next++) outcomes[next] = { status: 'crashed', answers: [], console: [e.message, ...e.console] };
      break;
    }
    release = g.hello.split(' ')[1] ?? '';
    const onAbort = (): void => { void g.kill(); };
    o.signal?.addEventListener('abort', onAbort);
    const first = next;
    let firstOpMs: number | null = null;
    try {
      g.send(envLines());
      for (let i = 0; i < envLines().length; i++) {
        const line = await protocolLine(g, traceTimeoutMs).catch((e: unknown) => {
          if (e instanceof Stopped) return null;
          throw e;
        });
        if (line === null) {
          if (o.signal?.aborted) break;
          // the agent died laying out the harness's addresses: as a guest that does not come up
          for (; next < traces.length; next++) {
            outcomes[next] = { status: 'crashed', answers: [], console: [`${k.id}: the agent stopped before it laid out the harness's addresses`, ...g.console.slice(-80)] };
          }
          break;
        }
        if (!/^(env|ring|vdpa) ok$/.test(line)) throw new LabError(`${k.id}: agent: ${line}`);
      }
      if (next === traces.length || o.signal?.aborted) continue;
      g.send(traces.slice(first).flatMap(traceLines));
      for (; next < traces.length; next++) {
        const answers: AgentAnswer[] = [];
        try {
          outcomes[next] = await readTrace(g, traces[next]!, traceTimeoutMs, answers, () => { firstOpMs ??= g.elapsedMs(); });
        } catch (e) {
          if (!(e instanceof Stopped)) throw e;
          if (o.signal?.aborted) break;
          outcomes[next] = { status: e.why, answers, console: g.console.slice(-80) };
          next++;
          break;
        }
        o.onTrace?.(next + 1, traces.length);
      }
      if (next === traces.length) {
        g.send(['quit']);
        await expectLine(g, traceTimeoutMs).catch(() => undefined);
      }
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      await g.kill();
    }
    boots.push({ helloMs: g.helloMs, firstOpMs, traces: next - first });
  }
  return { kernel: k.id, release, cpu: LAB_CPU, outcomes, boots, interrupted: o.signal?.aborted === true, wallMs: performance.now() - t0 };
}
