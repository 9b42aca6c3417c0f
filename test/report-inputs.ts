// Results for the report tests. Fuzz, explore and prove are run for real (short budgets); the
// lab kernels, the bench gate and Stryker take minutes to hours, so their files are written here,
// typed by the writers' own types (a field the writer drops or renames fails to compile).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AgainstResult } from '../cli/bench/report.ts';
import type { KernelReport } from '../lab/kernel.ts';
import { negcheck, ROOT } from './negcheck.ts';

/** A kernel run: a match, a known difference, and one finding (a mismatch no known difference explains). */
export const KERNEL: { format: 'negcheck-kernel-report/1'; reports: KernelReport[] } = {
  format: 'negcheck-kernel-report/1',
  reports: [{
    kernel: '6.12', release: '6.12.0-test', cpu: 'qemu64', helloMs: 900, firstOpMs: 1200, boots: 1, ops: 120, guestMs: 40, wallMs: 3000, interrupted: false,
    results: [
      { name: 'corpus/a.json', verdict: { status: 'match' }, ops: 60, leftOut: 0, kmsg: [], knownKmsg: [] },
      { name: 'corpus/b.json', verdict: { status: 'mismatch', known: 'vdpa-sim-no-suspend', mismatch: { step: 3, from: 2, op: 'VHOST_VDPA_SUSPEND', kernel: '-EOPNOTSUPP', model: '0' } }, ops: 40, leftOut: 1, kmsg: [], knownKmsg: [] },
      { name: 'story-planted', verdict: { status: 'mismatch', known: null, mismatch: { step: 1, from: 0, op: 'VHOST_SET_FEATURES', kernel: '-EFAULT', model: '0' } }, ops: 20, leftOut: 0, kmsg: [], knownKmsg: [] },
      { name: 'story-vsock', verdict: { status: 'skipped', why: 'vhost-vsock: not in the 6.12 guest' }, ops: 0, leftOut: 5, kmsg: [], knownKmsg: [] },
    ],
  }],
};

const CASES = ['translate-hit/impl/1000', 'translate-miss/impl/1000', 'vdpa-reset/impl/clean'];

export const AGAINST: AgainstResult = {
  schema: 'negcheck-bench-against/1', base: { ref: 'HEAD~1', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false },
  threshold: 0.1, alpha: 0.005, processes: 16, blocks: 6, blockTimeMs: 25, warmupMs: 150, node: 'v20', startedAt: '2026-12-07T03:41:00.000Z', seconds: 200,
  cases: CASES.map((id, i) => ({ id, baseOps: 1e6, headOps: 1e6 * (1 + 0.01 * i), logRatios: [0.01], change: 0.01 * i, lo: -0.02, hi: 0.03, p: 0.4, regression: false })),
};

/** Three nights of the gated cases. */
export const HISTORY = [1, 2, 3].map(d => JSON.stringify({ date: `2026-12-0${d}T03:41:00.000Z`, medians: Object.fromEntries(CASES.map((id, i) => [id, 0.5 + 0.01 * d * (i + 1)])) })).join('\n') + '\n';

/** A Stryker report of one file: two killed, one survivor. */
export const STRYKER = {
  schemaVersion: '2', thresholds: { high: 80, low: 60 },
  files: {
    'impl/x.ts': {
      language: 'typescript', source: 'export const a = 1 + 2;\nexport const b = a > 1;\n',
      mutants: [
        { id: '1', mutatorName: 'ArithmeticOperator', replacement: '1 - 2', status: 'Killed', location: { start: { line: 1, column: 18 }, end: { line: 1, column: 23 } } },
        { id: '2', mutatorName: 'EqualityOperator', replacement: 'a >= 1', status: 'Survived', location: { start: { line: 2, column: 18 }, end: { line: 2, column: 23 } } },
        { id: '3', mutatorName: 'BooleanLiteral', replacement: 'true', status: 'Killed', location: { start: { line: 2, column: 18 }, end: { line: 2, column: 23 } } },
      ],
    },
  },
};

function run(...args: string[]): void {
  const r = negcheck(...args);
  // 0: held; 1: a counterexample (the planted proposal's, wanted)
  if (r.status !== 0 && r.status !== 1) throw new Error(`negcheck ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/**
 * A night's results under `dir`: fuzz (every property, and a proposal that breaks I6 so there are
 * counterexamples to show), explore with --compare-fuzz, prove on that proposal, and the files above.
 */
export function writeNight(dir: string): void {
  const corpus = join(dir, 'corpus');
  cpSync(join(ROOT, 'corpus'), corpus, { recursive: true });
  run('fuzz', '--time', '4s', '--seed', '11', '--workers', '2', '--corpus', corpus, '--report', join(dir, 'fuzz'));
  // laid out as the nightly's artifact (report/ and nightly-corpus/ side by side), its corpus paths
  // relative to the job's folder: the page must find them from the report's own place
  const shard = join(dir, 'negcheck-shard-2');
  run('fuzz', '--time', '2s', '--seed', '3', '--workers', '1', '--proposal', 'size0-unchecked', '--corpus', join(shard, 'nightly-corpus'), '--report', join(shard, 'report'), '--no-must-reach');
  const report = join(shard, 'report', 'report.json');
  const rep = JSON.parse(readFileSync(report, 'utf8')) as { targets: { counterexamples: { file: string | null }[] }[] };
  for (const t of rep.targets) for (const c of t.counterexamples) if (c.file) c.file = join('nightly-corpus', basename(c.file));
  writeFileSync(report, JSON.stringify(rep));
  run('explore', '--property', 'I5', '--depth', '2', '--compare-fuzz', '--workers', '1', '--out', join(dir, 'explore-out'), '--report', join(dir, 'explore.json'));
  run('prove', 'size0-unchecked', '--runs', '200', '--depth', '2', '--out', join(dir, 'prove-out'), '--json', join(dir, 'prove.json'));
  writeFileSync(join(dir, 'kernel-6.12.json'), JSON.stringify(KERNEL));
  writeFileSync(join(dir, 'bench-result.json'), JSON.stringify(AGAINST));
  writeFileSync(join(dir, 'bench-history.jsonl'), HISTORY);
  mkdirSync(join(dir, 'mutation'), { recursive: true });
  writeFileSync(join(dir, 'mutation', 'impl.json'), JSON.stringify(STRYKER));
}
