// The results the page is made of, found in the --in directories by what each file says it is:
// the JSON that fuzz (report.json), explore --report, prove --json, kernel --json (and
// --generate), bench/kernel.ts --json, bench --against --json and --history (JSON lines) and
// Stryker's mutation runs write. A file that claims to be one of them and is not well formed is an
// input error; JSON that is none of them is listed as not read.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../types/errors.ts';
import { At } from './json.ts';
import { reportFiles, type ReportFiles } from './stryker.ts';

export interface FuzzCounterexample { readonly message: string; readonly trace: readonly string[]; readonly file: string | null }
export interface FuzzTarget {
  readonly label: string; readonly property: string; readonly proposal: string | null; readonly title: string;
  readonly runs: number; readonly wallMs: number; readonly outcome: string;
  readonly counterexamples: readonly FuzzCounterexample[]; readonly errors: readonly string[]; readonly proposalError: readonly string[] | null;
}
export interface FuzzIn {
  readonly file: string; readonly seed: number; readonly shard: string; readonly partial: boolean; readonly exitCode: number;
  readonly finishedAt: string;
  readonly corpus: { readonly replayed: number; readonly failing: readonly string[]; readonly proposalErrors: readonly string[] };
  readonly targets: readonly FuzzTarget[];
  readonly coverage: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly mustReach: { readonly checked: number; readonly missing: readonly string[]; readonly unchecked: readonly string[] };
}

export interface ExploreTarget {
  readonly label: string; readonly judges: string; readonly proposal: string | null; readonly verdict: string;
  readonly depth: number; readonly distinct: number; readonly timeMs: number; readonly statesPerSecond: number;
  readonly counterexample: { readonly message: string; readonly trace: readonly string[]; readonly file: string } | null;
  readonly disagreement: string | null;
  /** --compare-fuzz: the must-reach lines each engine took */
  readonly reach: { readonly both: readonly string[]; readonly onlyExplore: readonly string[]; readonly onlyRandom: readonly string[]; readonly neither: readonly string[] } | null;
}
export interface ExploreIn { readonly file: string; readonly partial: boolean; readonly exitCode: number; readonly targets: readonly ExploreTarget[] }

export interface ProveRowIn {
  readonly property: string; readonly expected: string | null; readonly found: string; readonly exhaustive: string | null;
  readonly runs: number; readonly message: string | null; readonly file: string | null;
}
export interface ProveIn {
  readonly file: string; readonly exitCode: number;
  readonly proposals: readonly { readonly id: string; readonly title: string; readonly fate: string; readonly rows: readonly ProveRowIn[] }[];
}

export interface KernelTrace { readonly name: string; readonly status: string; readonly known: string | null; readonly detail: string; readonly kmsg: readonly string[] }
export interface KernelRun {
  readonly kernel: string; readonly release: string; readonly ops: number; readonly guestMs: number; readonly wallMs: number;
  readonly firstOpMs: number | null; readonly traces: readonly KernelTrace[];
}
export interface KernelIn { readonly file: string; readonly runs: readonly KernelRun[] }
export interface KernelGenerateIn {
  readonly file: string; readonly seed: number; readonly shard: string;
  readonly kernels: readonly { readonly kernel: string; readonly scripts: number; readonly ops: number; readonly findings: number; readonly crashes: number; readonly saved: number; readonly runs: readonly KernelRun[] }[];
}

export interface GateCaseIn { readonly id: string; readonly change: number; readonly lo: number; readonly hi: number; readonly p: number; readonly regression: boolean }
export interface BenchAgainstIn { readonly file: string; readonly base: string; readonly head: string; readonly startedAt: string; readonly threshold: number; readonly cases: readonly GateCaseIn[] }
export interface BenchHistoryIn { readonly file: string; readonly runs: readonly { readonly date: string; readonly medians: Readonly<Record<string, number>> }[] }

export interface MutationIn {
  readonly file: string;
  /** the run's name: the file's name without .json (impl, model, patch, patch-difference) */
  readonly target: string;
  readonly files: ReportFiles;
}

export interface Inputs {
  readonly fuzz: readonly FuzzIn[];
  readonly explore: readonly ExploreIn[];
  readonly prove: readonly ProveIn[];
  readonly kernel: readonly KernelIn[];
  readonly kernelGenerate: readonly KernelGenerateIn[];
  readonly benchAgainst: readonly BenchAgainstIn[];
  readonly benchHistory: readonly BenchHistoryIn[];
  readonly mutation: readonly MutationIn[];
  /** .json files that are none of the above (a corpus entry, a Stryker incremental file, ...) */
  readonly notRead: readonly string[];
}

const SCHEMAS = {
  'negcheck-fuzz-report/1': 'fuzz', 'negcheck-explore-report/1': 'explore', 'negcheck-prove-report/1': 'prove',
  'negcheck-kernel-report/1': 'kernel', 'negcheck-kernel-generate/1': 'kernelGenerate', 'negcheck-bench-against/1': 'benchAgainst',
} as const;

function fuzzIn(a: At): FuzzIn {
  const coverage = new Map(a.at('coverage').entries().map(([label, c]) => [label, new Map(c.entries().map(([t, n]) => [t, n.number()]))] as const));
  return {
    file: a.file, seed: a.at('seed').number(), shard: a.at('shard').string(), partial: a.at('partial').boolean(), exitCode: a.at('exitCode').number(),
    finishedAt: a.at('finishedAt').string(),
    corpus: { replayed: a.at('corpus').at('replayed').number(), failing: a.at('corpus').at('failing').strings(), proposalErrors: a.at('corpus').at('proposalErrors').strings() },
    targets: a.at('targets').items().map(t => ({
      label: t.at('label').string(), property: t.at('property').string(), proposal: t.at('proposal').maybe(x => x.string()), title: t.at('title').string(),
      runs: t.at('runs').number(), wallMs: t.at('wallMs').number(), outcome: t.at('outcome').string(),
      counterexamples: t.at('counterexamples').items().map(c => ({ message: c.at('violation').at('message').string(), trace: c.at('trace').strings(), file: c.at('file').maybe(x => x.string()) })),
      errors: t.at('errors').strings(), proposalError: t.at('proposalError').maybe(x => x.strings()),
    })),
    coverage,
    mustReach: { checked: a.at('mustReach').at('checked').number(), missing: a.at('mustReach').at('missing').strings(), unchecked: a.at('mustReach').at('unchecked').strings() },
  };
}

function exploreIn(a: At): ExploreIn {
  return {
    file: a.file, partial: a.at('partial').boolean(), exitCode: a.at('exitCode').number(),
    targets: a.at('targets').items().map(t => {
      const reach = t.at('fuzz').maybe(f => f.at('reach'));
      return {
        label: t.at('label').string(), judges: t.at('judges').string(), proposal: t.at('proposal').maybe(x => x.string()), verdict: t.at('verdict').string(),
        depth: t.at('result').at('depthCompleted').number(), distinct: t.at('result').at('distinct').number(), timeMs: t.at('result').at('timeMs').number(),
        statesPerSecond: t.at('statesPerSecond').number(),
        counterexample: t.at('counterexample').maybe(c => ({ message: c.at('message').string(), trace: c.at('trace').strings(), file: c.at('file').string() })),
        disagreement: t.at('disagreement').maybe(x => x.string()),
        reach: reach && { both: reach.at('both').strings(), onlyExplore: reach.at('onlyExplore').strings(), onlyRandom: reach.at('onlyRandom').strings(), neither: reach.at('neither').strings() },
      };
    }),
  };
}

function proveIn(a: At): ProveIn {
  return {
    file: a.file, exitCode: a.at('exitCode').number(),
    proposals: a.at('proposals').items().map(p => ({
      id: p.at('id').string(), title: p.at('title').string(), fate: p.at('fate').string(),
      rows: p.at('rows').items().map(r => ({
        property: r.at('property').string(), expected: r.at('expected').maybe(x => x.string()), found: r.at('found').string(),
        exhaustive: r.at('exhaustive').maybe(x => x.string()), runs: r.at('runs').number(), message: r.at('message').maybe(x => x.string()),
        file: r.at('file').maybe(x => x.string()),
      })),
    })),
  };
}

/** One trace's verdict in a line: what differed, how the guest ended, or why it was skipped. */
function traceDetail(v: At, status: string): string {
  if (status === 'mismatch') {
    const m = v.at('mismatch').value as Record<string, unknown>;
    return typeof m === 'object' && m !== null ? Object.entries(m).map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`).join('; ').slice(0, 400) : '';
  }
  if (status === 'crashed' || status === 'hung') return v.at('console').strings().slice(-3).join(' / ');
  if (status === 'skipped' || status === 'not-run') return v.at('why').string();
  if (status === 'setup-failed') return `${v.at('step').string()} returned ${v.at('ret').number()}`;
  return '';
}

function kernelRun(r: At): KernelRun {
  return {
    kernel: r.at('kernel').string(), release: r.at('release').string(), ops: r.at('ops').number(), guestMs: r.at('guestMs').number(),
    wallMs: r.at('wallMs').number(), firstOpMs: r.at('firstOpMs').maybe(x => x.number()),
    traces: r.at('results').items().map(t => {
      const status = t.at('verdict').at('status').string();
      return {
        name: t.at('name').string(), status, known: status === 'mismatch' ? t.at('verdict').at('known').maybe(x => x.string()) : null,
        detail: traceDetail(t.at('verdict'), status), kmsg: t.at('kmsg').strings(),
      };
    }),
  };
}

function kernelGenerateIn(a: At): KernelGenerateIn {
  return {
    file: a.file, seed: a.at('seed').number(), shard: a.at('shard').string(),
    kernels: a.at('kernels').items().map(k => ({
      kernel: k.at('kernel').string(), scripts: k.at('scripts').number(), ops: k.at('ops').number(), findings: k.at('findings').number(),
      crashes: k.at('crashes').number(), saved: k.at('saved').items().length, runs: k.at('reports').items().map(kernelRun),
    })),
  };
}

function benchAgainstIn(a: At): BenchAgainstIn {
  return {
    file: a.file, base: `${a.at('base').at('ref').string()} (${a.at('base').at('commit').string().slice(0, 12)})`, head: a.at('head').at('commit').string().slice(0, 12),
    startedAt: a.at('startedAt').string(), threshold: a.at('threshold').number(),
    cases: a.at('cases').items().map(c => ({
      id: c.at('id').string(), change: c.at('change').number(), lo: c.at('lo').number(), hi: c.at('hi').number(), p: c.at('p').number(), regression: c.at('regression').boolean(),
    })),
  };
}

/** `bench --history`: one JSON object a line, {date, medians: {case: ratio}}. */
function benchHistoryIn(file: string, text: string): BenchHistoryIn {
  const runs = text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let v: unknown;
    try { v = JSON.parse(line); } catch { throw new InputError(`${file}:${i + 1}: not JSON`); }
    const a = new At(`${file}:${i + 1}`, '', v);
    return [{ date: a.at('date').string(), medians: Object.fromEntries(a.at('medians').entries().map(([k, n]) => [k, n.number()])) }];
  });
  return { file, runs };
}

/** Every file under `dir`, depth first, sorted (so the page is the same for the same inputs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap(e => {
    const p = join(dir, e.name);
    return e.isDirectory() ? (e.name === 'node_modules' || e.name.startsWith('.') ? [] : filesUnder(p)) : e.isFile() ? [p] : [];
  });
}

/** The results in `dirs` (a file given directly counts too); a directory that is not there is an input error. */
export function readInputs(dirs: readonly string[]): Inputs {
  const found = { fuzz: [] as FuzzIn[], explore: [] as ExploreIn[], prove: [] as ProveIn[], kernel: [] as KernelIn[], kernelGenerate: [] as KernelGenerateIn[],
    benchAgainst: [] as BenchAgainstIn[], benchHistory: [] as BenchHistoryIn[], mutation: [] as MutationIn[], notRead: [] as string[] };
  for (const dir of dirs) {
    let st;
    try { st = statSync(dir); } catch { throw new InputError(`--in ${dir}: no such file or directory`); }
    for (const file of st.isDirectory() ? filesUnder(dir) : [dir]) {
      if (file.endsWith('.jsonl')) {
        if (/history/.test(basename(file))) found.benchHistory.push(benchHistoryIn(file, readFileSync(file, 'utf8')));
        continue;
      }
      if (!file.endsWith('.json')) continue;
      let v: unknown;
      try { v = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new InputError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`); }
      const a = new At(file, '', v);
      const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
      const schema = typeof o['schema'] === 'string' ? o['schema'] : typeof o['format'] === 'string' ? o['format'] : null;
      const kind = schema !== null && Object.hasOwn(SCHEMAS, schema) ? SCHEMAS[schema as keyof typeof SCHEMAS] : null;
      if (kind === 'fuzz') found.fuzz.push(fuzzIn(a));
      else if (kind === 'explore') found.explore.push(exploreIn(a));
      else if (kind === 'prove') found.prove.push(proveIn(a));
      else if (kind === 'kernel') found.kernel.push({ file, runs: a.at('reports').items().map(kernelRun) });
      else if (kind === 'kernelGenerate') found.kernelGenerate.push(kernelGenerateIn(a));
      else if (kind === 'benchAgainst') found.benchAgainst.push(benchAgainstIn(a));
      // Stryker's report (mutation-testing-report-schema); its incremental file has the same shape but is the cache, not a result
      else if (typeof o['schemaVersion'] === 'string' && 'files' in o && !file.endsWith('.incremental.json')) {
        try { found.mutation.push({ file, target: basename(file, '.json'), files: reportFiles(v) }); } catch (e) { a.at('files').fail(`Stryker's files (${(e as Error).message})`); }
      } else found.notRead.push(file);
    }
  }
  return found;
}

/** How many results were read: a page of none is an input error (the wrong directory). */
export function inputCount(i: Inputs): number {
  return i.fuzz.length + i.explore.length + i.prove.length + i.kernel.length + i.kernelGenerate.length + i.benchAgainst.length + i.benchHistory.length + i.mutation.length;
}
