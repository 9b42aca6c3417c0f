// Booting a lab kernel under QEMU (TCG: /dev/kvm exists on these machines but a guest hangs under
// it), its serial console on stdio. The CPU model is pinned and reported with every boot: some of a
// kernel's answers follow the CPU it runs on (lab-notes.md). On the console the agent's lines start
// with "NEGCHECK "; everything else there is the kernel's. A serving guest (startGuest) also has a
// virtio-console port named "negcheck", wired to a unix socket the host listens on: the agent's
// protocol (lab/protocol.ts) runs there, apart from anything the kernel prints (an emulated UART
// moved 110 KB/s under TCG here, which made the input the run's bottleneck).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootFailure, LabError } from './errors.ts';
import type { LabKernel } from './setup.ts';

/** The CPU every lab guest boots on, recorded in every report. */
export const LAB_CPU = 'qemu64';
export const LAB_MEMORY_MB = 1024;

function qemuArgs(k: LabKernel, append: string, extra: readonly string[]): string[] {
  return [
    '-accel', 'tcg', '-cpu', LAB_CPU, '-m', String(LAB_MEMORY_MB), '-smp', '1', '-nographic', '-no-reboot',
    // norandmaps: the agent's address space is the same every boot (its stack ends at the top of
    // the user half), so what vhost-vdpa's VA mode finds under a uaddr does not vary with ASLR
    '-kernel', k.vmlinuz, '-initrd', k.initramfs, '-append', `console=ttyS0 panic=-1 quiet norandmaps ${append}`.trim(), ...extra,
  ];
}

/** Calls `onLine` for each whole line of a stream (latin1: the console can carry any byte). */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('latin1');
  stream.on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl).replace(/\r$/, ''));
      buffered = buffered.slice(nl + 1);
    }
  });
}

const AGENT_PREFIX = 'NEGCHECK ';

function spawnQemu(args: readonly string[]): ChildProcess {
  return spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

const noQemu = (e: Error): LabError => new LabError(`qemu-system-x86_64 does not start: ${e.message} (npx negcheck lab setup installs it)`);

export interface BootResult {
  readonly kernel: string;
  readonly cpu: string;
  /** the agent's console lines, without the "NEGCHECK " prefix */
  readonly agent: readonly string[];
  /** the kernel's console lines */
  readonly console: readonly string[];
  /** from QEMU's start to the agent's "ready" line */
  readonly readyMs: number | null;
  readonly totalMs: number;
  /** the guest powered itself off (else: a timeout or a crash) */
  readonly clean: boolean;
}

/** Boot, collect the console until the guest powers off or `timeoutMs` passes (then QEMU is killed). */
export function boot(k: LabKernel, timeoutMs = 60_000, signal?: AbortSignal): Promise<BootResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const q = spawnQemu(qemuArgs(k, '', []));
    const agent: string[] = [];
    const consoleLines: string[] = [];
    let readyMs: number | null = null;
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; q.kill('SIGKILL'); }, timeoutMs);
    const onAbort = (): void => { q.kill('SIGKILL'); };
    signal?.addEventListener('abort', onAbort);
    splitLines(q.stdout!, line => {
      const at = line.indexOf(AGENT_PREFIX);
      if (at < 0) { consoleLines.push(line); return; }
      const text = line.slice(at + AGENT_PREFIX.length);
      if (readyMs === null && text.startsWith('ready')) readyMs = performance.now() - t0;
      agent.push(text);
    });
    let stderr = '';
    q.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    q.on('error', e => { clearTimeout(timer); reject(noQemu(e)); });
    q.on('exit', code => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (code !== 0 && !timedOut && !signal?.aborted && agent.length === 0) {
        reject(new LabError(`qemu-system-x86_64 exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`));
        return;
      }
      resolve({
        kernel: k.id, cpu: LAB_CPU, agent, console: consoleLines, readyMs, totalMs: performance.now() - t0,
        clean: !timedOut && !signal?.aborted && agent.includes('done'),
      });
    });
  });
}

/** A guest whose agent serves the protocol on its virtio-console port. */
export interface Guest {
  readonly kernel: LabKernel;
  /** ms from QEMU's start to the agent's hello on the port */
  readonly helloMs: number;
  /** the hello line: `hello RELEASE tap=0` */
  readonly hello: string;
  /** ms since QEMU started */
  elapsedMs(): number;
  send(lines: readonly string[]): void;
  /** the agent's next line on the port; null when the guest is gone; a LabError after `timeoutMs` without one */
  nextLine(timeoutMs: number): Promise<string | null>;
  /** the kernel's console so far (the agent's smoke lines included, with their prefix) */
  readonly console: readonly string[];
  /** kill QEMU (idempotent) and wait for it */
  kill(): Promise<void>;
  /** resolves when QEMU has exited */
  readonly exited: Promise<number | null>;
}

export class GuestTimeout extends LabError {}

/** Boot with the agent serving; resolves once the agent said hello on the port (or rejects after `bootTimeoutMs`). */
export async function startGuest(k: LabKernel, bootTimeoutMs = 60_000, signal?: AbortSignal): Promise<Guest> {
  const dir = mkdtempSync(join(tmpdir(), 'negcheck-guest-'));
  const path = join(dir, 'agent.sock');
  const server = createServer();
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(path, resolve); });
  const t0 = performance.now();
  const q = spawnQemu(qemuArgs(k, 'negcheck.serve', [
    '-chardev', `socket,id=agent,path=${path}`, '-device', 'virtio-serial-pci', '-device', 'virtserialport,chardev=agent,name=negcheck',
  ]));
  const consoleLines: string[] = [];
  splitLines(q.stdout!, line => consoleLines.push(line));
  let stderr = '';
  q.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>(resolve => {
    q.on('exit', code => resolve(code));
    q.on('error', () => resolve(null));
  });
  let spawnError: Error | null = null;
  q.on('error', e => { spawnError = e; });
  const cleanup = (): void => { server.close(); rmSync(dir, { recursive: true, force: true }); };
  void exited.then(cleanup);
  // an abort while booting stops QEMU; the waits below then fail and the caller sees signal.aborted
  const onAbort = (): void => { q.kill('SIGKILL'); };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  void exited.then(() => signal?.removeEventListener('abort', onAbort));

  // the agent's port: lines queued until asked for
  const lines: string[] = [];
  let ended = false;
  let waiter: (() => void) | null = null;
  const wake = (): void => { const w = waiter; waiter = null; w?.(); };
  const socket = await new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => { q.kill('SIGKILL'); reject(new LabError(`${k.id}: QEMU did not connect the agent's port within ${bootTimeoutMs} ms: ${stderr.trim()}`)); }, bootTimeoutMs);
    server.once('connection', s => { clearTimeout(timer); resolve(s); });
    void exited.then(code => { clearTimeout(timer); reject(spawnError ? noQemu(spawnError) : new BootFailure(`qemu-system-x86_64 exited ${code} before connecting: ${stderr.trim().split('\n').slice(-2).join(' / ')}`, consoleLines)); });
  });
  splitLines(socket, line => { lines.push(line); wake(); });
  socket.on('close', () => { ended = true; wake(); });
  socket.on('error', () => { ended = true; wake(); });

  const nextLine = async (timeoutMs: number): Promise<string | null> => {
    const deadline = performance.now() + timeoutMs;
    while (lines.length === 0 && !ended) {
      const left = deadline - performance.now();
      if (left <= 0) throw new GuestTimeout(`${k.id}: no answer from the agent within ${timeoutMs} ms`);
      await new Promise<void>(resolve => {
        const timer = setTimeout(() => { waiter = null; resolve(); }, left);
        waiter = () => { clearTimeout(timer); resolve(); };
      });
    }
    return lines.shift() ?? null;
  };
  const kill = async (): Promise<void> => { socket.destroy(); q.kill('SIGKILL'); await exited; };

  const hello = await nextLine(bootTimeoutMs).catch(async (e: unknown) => {
    await kill();
    throw e instanceof GuestTimeout ? new BootFailure(`${k.id}: the agent did not say hello within ${bootTimeoutMs} ms`, consoleLines.slice(-80)) : e;
  });
  if (hello === null || !hello.startsWith('hello ')) {
    await kill();
    throw new BootFailure(`${k.id}: the agent did not say hello (${hello ?? 'the guest stopped'})`, consoleLines.slice(-80));
  }
  signal?.removeEventListener('abort', onAbort);
  return {
    kernel: k, helloMs: performance.now() - t0, hello, console: consoleLines, exited, kill, nextLine,
    elapsedMs: () => performance.now() - t0,
    send: ls => { socket.write(ls.map(l => `${l}\n`).join('')); },
  };
}
