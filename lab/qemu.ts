// Booting a lab kernel under QEMU (TCG: /dev/kvm exists on these machines but a guest hangs under
// it), its serial console on stdio. The CPU model is pinned and reported with every boot: some of a
// kernel's answers follow the CPU it runs on (lab-notes.md). The agent's lines start with
// "NEGCHECK "; everything else on the console is the kernel's.

import { spawn } from 'node:child_process';
import { LabError } from './errors.ts';
import type { LabKernel } from './setup.ts';

/** The CPU every lab guest boots on, recorded in every report. */
export const LAB_CPU = 'qemu64';
export const LAB_MEMORY_MB = 1024;

export interface BootResult {
  readonly kernel: string;
  readonly cpu: string;
  /** the agent's lines, without the "NEGCHECK " prefix */
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
  const args = [
    '-accel', 'tcg', '-cpu', LAB_CPU, '-m', String(LAB_MEMORY_MB), '-smp', '1', '-nographic', '-no-reboot',
    '-kernel', k.vmlinuz, '-initrd', k.initramfs, '-append', 'console=ttyS0 panic=-1 quiet',
  ];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const q = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const agent: string[] = [];
    const consoleLines: string[] = [];
    let readyMs: number | null = null;
    let buffered = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; q.kill('SIGKILL'); }, timeoutMs);
    const onAbort = (): void => { q.kill('SIGKILL'); };
    signal?.addEventListener('abort', onAbort);
    q.stdout.setEncoding('latin1');
    q.stdout.on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        const at = line.indexOf('NEGCHECK ');
        if (at >= 0) {
          const text = line.slice(at + 'NEGCHECK '.length);
          if (readyMs === null && text.startsWith('ready')) readyMs = performance.now() - t0;
          agent.push(text);
        } else consoleLines.push(line);
      }
    });
    let stderr = '';
    q.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    q.on('error', e => { clearTimeout(timer); reject(new LabError(`qemu-system-x86_64 does not start: ${e.message} (npx negcheck lab setup installs it)`)); });
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
