// `negcheck kernel`: traces on the lab's real kernels and on the model with each kernel's profile,
// compared op by op (lab/kernel.ts); per kernel the figures and every finding.

import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KernelReport, checkKernel, isFinding, type TraceResult, tracesRun } from '../lab/kernel.ts';
import { defaultKernelInputs } from '../lab/defaults.ts';
import { type KernelInput, readInputs } from '../lab/inputs.ts';
import { labProfile } from '../lab/profiles.ts';
import { countTransitions, generatedInputs } from '../lab/generate.ts';
import { type LabKernel, labKernels } from '../lab/setup.ts';
import { kernelIds } from './lab.ts';
import { stringifyJson } from '../types/json.ts';
import { formatDuration } from './duration.ts';
import { writeAtomic } from './files.ts';
import { durationArg, intArg, seedArg } from './args.ts';
import { textTable } from './table.ts';
import { exitStatusAction, UsageError } from './usage.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const KERNEL_EXIT = { ok: 0, finding: 1, usage: 2, SIGINT: 130 } as const;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const rate = (n: number, ms: number): string => (ms > 0 ? fmt((n * 1000) / ms) : '-');

/** From the first line that says what went wrong (a panic, BUG, oops, WARN), else the last lines. */
function consoleExcerpt(lines: readonly string[]): readonly string[] {
  const at = lines.findIndex(l => /Kernel panic|BUG:|Oops|WARNING:|general protection/.test(l));
  return at >= 0 ? lines.slice(at, at + 12) : lines.slice(-8);
}

function findingLines(r: TraceResult): string[] {
  const v = r.verdict;
  const out: string[] = [];
  switch (v.status) {
    case 'mismatch':
      if (v.known !== null) { out.push(`known difference ${v.known}: ${r.name} op ${v.mismatch.from} ${v.mismatch.op}: kernel ${v.mismatch.kernel}; model ${v.mismatch.model}`); break; }
      out.push(`MISMATCH ${r.name} op ${v.mismatch.from} (syscall ${v.mismatch.step}) ${v.mismatch.op}`, `    kernel: ${v.mismatch.kernel}`, `    model:  ${v.mismatch.model}`);
      break;
    case 'crashed': case 'hung':
      out.push(`${v.status.toUpperCase()} ${r.name} after ${r.ops} syscalls; the console:`, ...consoleExcerpt(v.console).map(l => `    | ${l}`));
      break;
    case 'setup-failed':
      out.push(`SET-UP FAILED ${r.name}: ${v.step} -> ${v.ret}`);
      break;
    case 'not-run':
      out.push(`NOT RUN ${r.name}: ${v.why}`);
      break;
    default:
  }
  for (const m of r.kmsg) out.push(`KERNEL LOG ${r.name}: ${m}`);
  for (const m of r.knownKmsg) out.push(`known kernel finding (lab/findings.ts): ${r.name}: ${m}`);
  return out;
}

function printReport(rep: KernelReport): void {
  const counts = new Map<string, number>();
  for (const r of rep.results) counts.set(r.verdict.status, (counts.get(r.verdict.status) ?? 0) + 1);
  const ran = tracesRun(rep.results);
  console.log(`${rep.kernel} (${rep.release}, cpu ${rep.cpu}): ${rep.results.length} traces, ${ran} run, ${counts.get('match') ?? 0} as the model says; ` +
    `${fmt(rep.ops)} syscalls in ${rep.boots} boot${rep.boots === 1 ? '' : 's'}${rep.interrupted ? ' (INTERRUPTED)' : ''}`);
  console.log(`  agent ready ${rep.helloMs === null ? '-' : formatDuration(rep.helloMs)}, first op ${rep.firstOpMs === null ? '-' : formatDuration(rep.firstOpMs)}; ` +
    `${rate(rep.ops, rep.guestMs)} ops/s in the guest; ${rate(ran, rep.wallMs)} traces/s end to end (${formatDuration(rep.wallMs)})`);
  const skipped = rep.results.filter(r => r.verdict.status === 'skipped');
  if (skipped.length) {
    const why = new Map<string, number>();
    for (const r of skipped) if (r.verdict.status === 'skipped') why.set(r.verdict.why, (why.get(r.verdict.why) ?? 0) + 1);
    for (const [w, n] of why) console.log(`  skipped ${n}: ${w}`);
  }
  for (const r of rep.results) for (const l of findingLines(r)) console.log(`  ${l}`);
}

/** Scripts per boot of a generated run: a --time budget is looked at between batches. */
const GENERATE_BATCH = 500;

/** `--generate`: per kernel, batches of generated scripts until the count or the time budget is reached. */
async function generateOnKernels(kernels: readonly LabKernel[], o: { count: number; seed: number; timeMs: number | undefined; traceTimeoutMs: number; json: string | undefined }): Promise<number> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  const out: { kernel: string; scripts: number; ops: number; guestMs: number; findings: number; crashes: number; transitions: Record<string, number>; reports: KernelReport[] }[] = [];
  try {
    for (const k of kernels) {
      if (abort.signal.aborted) break;
      const lab = labProfile(k.id);
      const t0 = performance.now();
      const counts = new Map<string, number>();
      const reports: KernelReport[] = [];
      for (let from = 0; from < o.count && !abort.signal.aborted; from += GENERATE_BATCH) {
        if (o.timeMs !== undefined && performance.now() - t0 >= o.timeMs) break;
        const inputs = generatedInputs(lab, o.seed, from, Math.min(GENERATE_BATCH, o.count - from));
        const rep = await checkKernel(k, inputs, {
          traceTimeoutMs: o.traceTimeoutMs, signal: abort.signal, onCompared: (steps, profile) => countTransitions(steps, profile, counts),
        });
        reports.push(rep);
        for (const r of rep.results) for (const l of findingLines(r)) console.log(`  ${l}`);
      }
      const all = reports.flatMap(r => r.results);
      const ops = reports.reduce((n, r) => n + r.ops, 0);
      const guestMs = reports.reduce((n, r) => n + r.guestMs, 0);
      const row = {
        kernel: k.id, scripts: tracesRun(all), ops, guestMs, findings: all.filter(isFinding).length,
        crashes: all.filter(r => r.verdict.status === 'crashed' || r.verdict.status === 'hung').length,
        transitions: Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))), reports,
      };
      console.log(`${k.id}: ${fmt(row.scripts)} generated scripts (seed ${o.seed}), ${fmt(ops)} syscalls, ${rate(ops, guestMs)} ops/s in the guest, ` +
        `${rate(row.scripts, performance.now() - t0)} scripts/s; ${row.findings} findings, ${row.crashes} guest crashes; ${counts.size} distinct transitions`);
      out.push(row);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (o.json) writeAtomic(o.json, stringifyJson({ format: 'negcheck-kernel-generate/1', seed: o.seed, kernels: out }));
  if (abort.signal.aborted) return KERNEL_EXIT.SIGINT;
  return out.some(r => r.findings > 0) ? KERNEL_EXIT.finding : KERNEL_EXIT.ok;
}

export function registerKernel(program: Command): void {
  program.command('kernel')
    .description('run traces on the lab\'s real kernels and on the model with each kernel\'s profile, and compare every answer')
    .argument('[paths...]', 'corpus entries or directories of them, and message-vector .jsonl files (default: corpus/, ../shared/conformance/iotlb-msg-kernel-vectors.jsonl, the seed stories of lab/stories.ts and the catalogue\'s counterexamples whose kernel is the lab kernel, lab/catalogue.ts)')
    .option('--kernel <ids>', 'these lab kernels (comma-separated, or all)', 'all')
    .option('--json <file>', 'also write the whole report as JSON')
    .option('--trace-timeout <ms>', 'a trace whose guest says nothing for this long is a hang', intArg('--trace-timeout', 100), 10_000)
    .option('--generate <n>', 'instead of the inputs: N scripts from negcheck\'s own vhost generator per kernel (issue 26\'s random search)', intArg('--generate', 1))
    .option('--seed <seed>', 'the generator\'s seed (script i of a seed is always the same)', seedArg, 1)
    .option('--time <duration>', 'with --generate: stop starting batches of scripts after this long (e.g. 10m)', durationArg)
    .addHelpText('after', [
      '',
      'Each trace runs on a fresh vhost fd in the guest (lab/agent), with the syscalls its ops stand for: a VMM op',
      'becomes the ioctls the model\'s VMM issues; device accesses and the guest\'s ops are left out on both sides.',
      'The model runs with the kernel\'s profile (lab/profiles.ts) and the trace\'s VMM and guest.',
      '',
      `Exit status: ${KERNEL_EXIT.ok} every answer as the model says (or a known difference, lab/known-differences.ts) and a clean\nkernel log, ${KERNEL_EXIT.finding} a mismatch, a WARN/BUG/oops, a guest`,
      `that crashed or hung; ${KERNEL_EXIT.usage} bad input or a lab that is not set up (npx negcheck lab setup); ${KERNEL_EXIT.SIGINT} interrupted (what completed is reported).`,
    ].join('\n'))
    .action(exitStatusAction('kernel', async (paths: string[], o: { kernel: string; json?: string; traceTimeout: number; generate?: number; seed: number; time?: number }) => {
      if (o.generate !== undefined && paths.length) throw new UsageError('--generate runs generated scripts: give it no inputs');
      if (o.time !== undefined && o.generate === undefined) throw new UsageError('--time bounds --generate');
      const kernels = labKernels(kernelIds(o.kernel));
      if (o.generate !== undefined) return generateOnKernels(kernels, { count: o.generate, seed: o.seed, timeMs: o.time, traceTimeoutMs: o.traceTimeout, json: o.json });
      const defaults = paths.length ? null : defaultKernelInputs(ROOT);
      for (const m of defaults?.missing ?? []) console.log(`not here, left out: ${m} (NEGCHECK_CONFORMANCE names the vectors' directory)`);
      const given = defaults === null ? readInputs(paths) : [];
      const inputsFor = (id: string): KernelInput[] => defaults?.forKernel(id) ?? given;
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.on('SIGINT', onSigint);
      const reports: KernelReport[] = [];
      try {
        for (const k of kernels) {
          if (abort.signal.aborted) break;
          const rep = await checkKernel(k, inputsFor(k.id), { traceTimeoutMs: o.traceTimeout, signal: abort.signal });
          printReport(rep);
          reports.push(rep);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      const rows = reports.map(r => {
        const ran = tracesRun(r.results);
        return [r.kernel, String(ran), fmt(r.ops), r.firstOpMs === null ? '-' : formatDuration(r.firstOpMs), rate(r.ops, r.guestMs), rate(ran, r.wallMs), String(r.results.filter(isFinding).length)];
      });
      console.log('');
      for (const l of textTable(['kernel', 'traces run', 'syscalls', 'first op', 'ops/s in guest', 'traces/s', 'findings'], rows, 'numbers')) console.log(l);
      if (o.json) writeAtomic(o.json, stringifyJson({ format: 'negcheck-kernel-report/1', reports }));
      if (abort.signal.aborted) return KERNEL_EXIT.SIGINT;
      return reports.some(r => r.results.some(isFinding)) ? KERNEL_EXIT.finding : KERNEL_EXIT.ok;
    }));
}
