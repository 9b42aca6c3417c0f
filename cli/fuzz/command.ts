// `negcheck fuzz`: options, progress, signals, the end-of-run table and reports, exit status.

import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MUST_REACH_FILE, readMustReach } from '../../harness/coverage.ts';
import { propertyRange } from '../../properties/index.ts';
import { stringifyJson } from '../../types/json.ts';
import { durationArg, intArg, seedArg } from '../args.ts';
import { formatDuration } from '../duration.ts';
import { exitStatusAction } from '../usage.ts';
import { buildReport, checkMustReach, coverageSummary, MUST_REACH_MIN_RUNS, mustReachLine, coverageTable, rate, resultTable, writeReports } from './report.ts';
import { FuzzRun, type FuzzConfig, type FuzzResult, type Progress, type Shard } from './run.ts';
import { selectTargets } from './targets.ts';

export const EXIT = { ok: 0, counterexample: 1, usage: 2, SIGINT: 130, SIGTERM: 143 } as const;
// a proposal's rule failing is an input error (the proposal file): exit 2, as a usage error

const DEFAULT_TIME_MS = 30_000;

export function parseShard(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError(`--shard must be i/n with 1 <= i <= n, got ${JSON.stringify(v)}`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

interface FuzzOptions {
  time?: number; runs?: number; seed?: number; workers: number; shard: Shard; property?: string[]; proposal?: string[];
  report?: string; corpus: string | false; json?: boolean; mustReach: string | false; mustReachMinRuns: number; coverage?: boolean;
}

/** A message cut to one line of at most `max` characters (the whole one is in the corpus entry and the reports). */
export function oneLine(message: string, max = 160): string {
  const first = message.split('\n')[0]!;
  return first.length <= max && first === message ? first : `${first.slice(0, max - 1)}…`;
}

/**
 * The first counterexample of a target as it arrives, then one line per target when it ends: how
 * many more, and how many distinct messages (one planted bug gave 514 lines, some several KB, in 20 s).
 */
export function counterexampleLog(log: (l: string) => void): { found(label: string, message: string, where: string): void; targetDone(): void } {
  let label: string | null = null;
  let more = 0;
  const messages = new Map<string, number>();
  const flush = (): void => {
    if (label !== null && more > 0) log(`  ${more} more counterexample(s) for ${label}, ${messages.size} distinct message(s) in all (each in the report; the corpus keeps one file per distinct trace)`);
    label = null;
    more = 0;
    messages.clear();
  };
  return {
    found(l, message, where) {
      if (label !== l) { flush(); label = l; log(`  counterexample for ${l}: ${oneLine(message)}${where}`); }
      else more++;
      messages.set(message, (messages.get(message) ?? 0) + 1);
    },
    targetDone: flush,
  };
}

/** Live line on a terminal; a plain line every 10 s otherwise (CI logs). */
function progressPrinter(toStderr: boolean): { tick: (p: Progress) => void; done: () => void } {
  const out = toStderr ? process.stderr : process.stdout;
  const live = out.isTTY && !process.env['CI'];
  let lastPlain = Date.now();
  let dirty = false;
  return {
    tick: p => {
      const perSec = rate(p.runs, p.elapsedMs);
      const left = p.leftMs === null ? '' : `, ${formatDuration(p.leftMs)} left`;
      const line = `${p.label}: ${p.runs} runs, ${perSec} runs/s${left}, ${p.counterexamples} counterexample(s)`;
      if (live) { out.write(`\r\x1b[2K${line}`); dirty = true; return; }
      if (Date.now() - lastPlain >= 10_000) { lastPlain = Date.now(); out.write(`${line}\n`); }
    },
    done: () => { if (dirty) { out.write('\r\x1b[2K'); dirty = false; } },
  };
}

export function registerFuzz(program: Command): void {
  program.command('fuzz')
    .description('replay the corpus, then run every property (or a selection) for a budget; save counterexamples, write reports')
    .option('--time <duration>', `total budget split evenly across targets (default ${DEFAULT_TIME_MS / 1000}s unless --runs is given)`, durationArg)
    .option('--runs <n>', 'at most this many runs per target', intArg('--runs', 1))
    .option('--seed <n>', 'seed for a reproducible run (default: random, printed)', seedArg)
    .option('--workers <n>', 'worker threads (default: the cores)', intArg('--workers', 1), availableParallelism())
    .option('--shard <i/n>', 'this job is shard i of n: disjoint seeds per shard', parseShard, { index: 1, count: 1 })
    .option('--property <ids...>', `only these properties (${propertyRange()}; R with --proposal)`)
    .option('--proposal <refs...>', 'fuzz the properties that judge these proposals (catalogue ids or files)')
    .option('--report <dir>', 'write report.json, junit.xml and summary.md here')
    .option('--corpus <dir>', 'replay these counterexamples first and save new ones here', 'corpus')
    .option('--no-corpus', 'neither replay nor save counterexamples')
    .option('--json', 'print the JSON report instead of the table')
    .option('--coverage', 'print every transition with its count, not just the summary')
    .addOption(new Option('--must-reach <file>', 'transitions that must be reached (`property transition` lines)').default(MUST_REACH_FILE, 'properties/must-reach.txt'))
    .option('--no-must-reach', 'do not check reached transitions')
    .option('--must-reach-min-runs <n>', 'check a property\'s must-reach lines only when it ran at least this many runs', intArg('--must-reach-min-runs', 0), MUST_REACH_MIN_RUNS)
    .addHelpText('after', '\nExit status: 0 no failure; 1 a counterexample, a corpus entry not as expected, or a must-reach\n' +
      'transition not reached; 2 usage or input error; 130 / 143 interrupted by SIGINT / SIGTERM (the\n' +
      'counterexamples found so far are saved and the report is marked partial).')
    .action(exitStatusAction('fuzz', fuzzAction));
}

async function fuzzAction(o: FuzzOptions): Promise<number> {
  // signals are ours from the first line on: one that arrives before the run exists stops it at once
  let run: FuzzRun | null = null;
  let pending: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (s: 'SIGINT' | 'SIGTERM') => (): void => { pending ??= s; run?.stop(s); };
  const sigint = onSignal('SIGINT');
  const sigterm = onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    return await fuzzRun(o, r => { run = r; if (pending) r.stop(pending); });
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}

async function fuzzRun(o: FuzzOptions, started: (r: FuzzRun) => void): Promise<number> {
  const seed = o.seed ?? (Math.random() * 0x7fffffff) | 0;
  const mustReach = o.mustReach === false ? [] : readMustReach(o.mustReach);
  const targets = await selectTargets(o.property ?? [], o.proposal ?? []);
  const timeMs = o.time ?? (o.runs === undefined ? DEFAULT_TIME_MS : undefined);
  const cfg: FuzzConfig = {
    seed, workers: o.workers, shard: o.shard, targets, corpusDir: o.corpus === false ? null : o.corpus,
    ...(timeMs !== undefined ? { timeMs } : {}), ...(o.runs !== undefined ? { runs: o.runs } : {}),
  };
  const log = (l: string): void => { (o.json ? process.stderr : process.stdout).write(`${l}\n`); };
  log(`negcheck fuzz: seed ${seed}, shard ${o.shard.index}/${o.shard.count}, ${o.workers} worker(s), ` +
    `${timeMs !== undefined ? `budget ${formatDuration(timeMs)}` : 'no time limit'}${o.runs !== undefined ? `, at most ${o.runs} runs per target` : ''}`);
  const progress = progressPrinter(o.json === true);
  const found = counterexampleLog(log);
  const run = new FuzzRun(cfg, {
    onTargetStart: (label, i, n) => { progress.done(); found.targetDone(); log(`[${i + 1}/${n}] ${label}`); },
    onProgress: progress.tick,
    onCounterexample: (label, c) => { progress.done(); found.found(label, c.violation.message, c.file ? ` -> ${c.file} (${c.saved})` : ''); },
  });
  started(run);
  let result;
  try {
    result = await run.run();
  } finally {
    progress.done();
    found.targetDone();
  }
  const reach = result.interrupted ? { checked: 0, missing: [], unchecked: [] } : checkMustReach(mustReach, result, o.mustReachMinRuns);
  const failed = result.targets.some(t => t.outcome === 'violated' || t.errors.length > 0) || result.corpus.failing.length > 0 || reach.missing.length > 0;
  const proposalError = result.targets.some(t => t.proposalError !== null) || result.corpus.proposalErrors.length > 0;
  const exitCode = result.interrupted ? EXIT[result.interrupted] : proposalError ? EXIT.usage : failed ? EXIT.counterexample : EXIT.ok;
  const rep = buildReport(cfg, result, reach, exitCode);
  const written = o.report ? writeReports(o.report, rep) : [];
  if (o.json) {
    process.stdout.write(stringifyJson(rep));
  } else {
    const lines = [
      '',
      corpusLine(result.corpus),
      ...result.corpus.proposalErrors.map(e => `corpus: error in a proposal: ${e}`),
      '', ...resultTable(rep), '', 'transition coverage (the full table: --coverage, or the reports):',
      ...(o.coverage ? coverageTable(rep) : coverageSummary(rep)).map(l => `  ${l}`), '',
      mustReachLine(reach, o.mustReachMinRuns),
    ];
    for (const t of rep.targets) for (const c of t.counterexamples.slice(0, 1)) lines.push('', `${t.label}: ${c.violation.message}`, ...c.trace.map(l => `  ${l}`));
    for (const t of rep.targets) for (const e of t.errors) lines.push(`error in ${t.label}: ${e}`);
    for (const t of rep.targets) if (t.proposalError) lines.push('', `${t.label}: ${t.proposalError[0]}`, ...t.proposalError.slice(1));
    if (result.interrupted) lines.push('', `interrupted by ${result.interrupted}: partial results`);
    if (written.length) lines.push('', `reports: ${written.join(', ')}`);
    for (const l of lines) console.log(l);
  }
  return exitCode;
}

function corpusLine(c: FuzzResult['corpus']): string {
  const bad = [
    ...(c.failing.length ? [`NOT as expected: ${c.failing.join(', ')}`] : []),
    ...(c.proposalErrors.length ? [`${c.proposalErrors.length} whose proposal's rule fails (below)`] : []),
  ];
  return `corpus: ${c.replayed} entries replayed, ${bad.length ? bad.join('; ') : 'all as expected'}`;
}
