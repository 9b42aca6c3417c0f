// `negcheck kernel`: traces on the lab's real kernels and on the model with each kernel's profile,
// compared op by op (lab/kernel.ts); per kernel the figures and every finding.

import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KernelReport, checkKernel, isFinding, type TraceResult, tracesRun } from '../lab/kernel.ts';
import { defaultKernelInputs } from '../lab/defaults.ts';
import { type KernelInput, readInputs } from '../lab/inputs.ts';
import { type GenerateRun, generateOnKernel } from '../lab/generate.ts';
import { ONE_SHARD, type Shard } from '../types/shard.ts';
import { parseShard } from './fuzz/command.ts';
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
    case 'no-longer-differs':
      out.push(`NO LONGER DIFFERS ${r.name}: the kernel answers as the model says now; set the entry's expect to "holds" (a regression test)`);
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
  printFindings(rep);
}

function printFindings(rep: KernelReport): void {
  for (const r of rep.results) for (const l of findingLines(r)) console.log(`  ${l}`);
}

/** Run per kernel until done or SIGINT (the signal `run` is given); whether SIGINT came. */
async function eachKernelUntilSigint(kernels: readonly LabKernel[], run: (k: LabKernel, signal: AbortSignal) => Promise<void>): Promise<boolean> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  try {
    for (const k of kernels) {
      if (abort.signal.aborted) break;
      await run(k, abort.signal);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return abort.signal.aborted;
}

/** `--generate`: per kernel, batches of generated scripts until the count or the time budget is reached (lab/generate.ts). */
async function generateOnKernels(kernels: readonly LabKernel[], o: { count: number; seed: number; shard: Shard; timeMs: number | undefined; traceTimeoutMs: number; json: string | undefined; corpus: string | false }): Promise<number> {
  const out: GenerateRun[] = [];
  const interrupted = await eachKernelUntilSigint(kernels, async (k, signal) => {
    const row = await generateOnKernel(k, {
      count: o.count, seed: o.seed, shard: o.shard, ...(o.timeMs !== undefined ? { timeMs: o.timeMs } : {}), traceTimeoutMs: o.traceTimeoutMs, signal,
      corpus: o.corpus === false ? null : o.corpus,
      onReport: printFindings,
      onShrunk: (name, d) => console.log(d === null ? `  ${name}: the difference did not come back once shrunk: not saved`
        : `  ${d.status === 'saved' ? 'saved' : 'already in the corpus:'} ${d.file}: ${name} ` +
          (d.kind === 'stopped' ? `(the ${d.from} ops that stopped the guest)`
            : `shrunk from ${d.from} to ${d.to} ops with the kernel as the judge (${d.tried} candidates in ${d.rounds} rounds` +
              (d.ended === 'minimal' ? ')' : d.ended === 'rounds' ? ', the round limit)' : `, stopped early: ${d.ended === 'time' ? 'out of time' : 'interrupted'})`)) +
          `; replay: npx negcheck kernel --kernel ${k.id} ${d.file}; C: npx negcheck repro ${d.file} --c`),
    });
    console.log(`${k.id}: ${fmt(row.scripts)} generated scripts (seed ${o.seed}${o.shard.count > 1 ? `, shard ${o.shard.index}/${o.shard.count}` : ''}), ${fmt(row.ops)} syscalls, ${rate(row.ops, row.guestMs)} ops/s in the guest, ` +
      `${rate(row.scripts, row.wallMs)} scripts/s; ${row.findings} findings, ${row.crashes} guest crashes; ${Object.keys(row.transitions).length} distinct transitions` +
      (row.saved.length ? `; ${row.saved.length} difference${row.saved.length === 1 ? '' : 's'} shrunk and saved` : ''));
    out.push(row);
  });
  if (o.json) writeAtomic(o.json, stringifyJson({ format: 'negcheck-kernel-generate/1', seed: o.seed, shard: `${o.shard.index}/${o.shard.count}`, kernels: out }));
  if (interrupted) return KERNEL_EXIT.SIGINT;
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
    .option('--shard <i/n>', 'with --generate: this job is shard i of n (script j is the seed\'s script i-1+j*n): disjoint scripts per shard', parseShard)
    .option('--corpus <dir>', 'with --generate: shrink each distinct unexplained difference with the kernel as the judge and save it here as a K entry', 'corpus')
    .option('--no-corpus', 'with --generate: neither shrink nor save differences')
    .addHelpText('after', [
      '',
      'Each trace runs on a fresh vhost fd in the guest (lab/agent), with the syscalls its ops stand for: a VMM op',
      'becomes the ioctls the model\'s VMM issues; device accesses and the guest\'s ops are left out on both sides.',
      'The model runs with the kernel\'s profile (lab/profiles.ts) and the trace\'s VMM and guest.',
      'A K entry (a difference --generate shrank and saved) runs on the lab kernel it names only.',
      '',
      `Exit status: ${KERNEL_EXIT.ok} every answer as the model says (or a known difference, lab/known-differences.ts) and a clean\nkernel log, ${KERNEL_EXIT.finding} a mismatch, a WARN/BUG/oops, a K entry that no longer differs, a guest`,
      `that crashed or hung; ${KERNEL_EXIT.usage} bad input or a lab that is not set up (npx negcheck lab setup); ${KERNEL_EXIT.SIGINT} interrupted (what completed is reported).`,
    ].join('\n'))
    .action(exitStatusAction('kernel', async (paths: string[], o: { kernel: string; json?: string; traceTimeout: number; generate?: number; seed: number; time?: number; corpus: string | false; shard?: Shard }) => {
      if (o.generate !== undefined && paths.length) throw new UsageError('--generate runs generated scripts: give it no inputs');
      if (o.time !== undefined && o.generate === undefined) throw new UsageError('--time bounds --generate');
      if (o.shard !== undefined && o.generate === undefined) throw new UsageError('--shard splits --generate\'s scripts');
      const kernels = labKernels(kernelIds(o.kernel));
      if (o.generate !== undefined) return generateOnKernels(kernels, { count: o.generate, seed: o.seed, shard: o.shard ?? ONE_SHARD, timeMs: o.time, traceTimeoutMs: o.traceTimeout, json: o.json, corpus: o.corpus });
      const defaults = paths.length ? null : defaultKernelInputs(ROOT);
      for (const m of defaults?.missing ?? []) console.log(`not here, left out: ${m} (NEGCHECK_CONFORMANCE names the vectors' directory)`);
      const given = defaults === null ? readInputs(paths) : [];
      const inputsFor = (id: string): KernelInput[] => defaults?.forKernel(id) ?? given;
      const reports: KernelReport[] = [];
      const interrupted = await eachKernelUntilSigint(kernels, async (k, signal) => {
        const rep = await checkKernel(k, inputsFor(k.id), { traceTimeoutMs: o.traceTimeout, signal });
        printReport(rep);
        reports.push(rep);
      });
      const rows = reports.map(r => {
        const ran = tracesRun(r.results);
        return [r.kernel, String(ran), fmt(r.ops), r.firstOpMs === null ? '-' : formatDuration(r.firstOpMs), rate(r.ops, r.guestMs), rate(ran, r.wallMs), String(r.results.filter(isFinding).length)];
      });
      console.log('');
      for (const l of textTable(['kernel', 'traces run', 'syscalls', 'first op', 'ops/s in guest', 'traces/s', 'findings'], rows, 'numbers')) console.log(l);
      if (o.json) writeAtomic(o.json, stringifyJson({ format: 'negcheck-kernel-report/1', reports }));
      if (interrupted) return KERNEL_EXIT.SIGINT;
      return reports.some(r => r.results.some(isFinding)) ? KERNEL_EXIT.finding : KERNEL_EXIT.ok;
    }));
}
