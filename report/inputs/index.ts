// The results the page is made of, found in the --in folders by what each file says it is (one
// decoder a format, beside this file). A file that claims one of them and is not well formed is an
// input error; JSON that is none of them is listed as not read. A file reached twice (a folder and
// a folder inside it) is read once.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../types/errors.ts';
import { BENCH_AGAINST_SCHEMA, benchAgainstIn, benchHistoryIn, type BenchAgainstIn, type BenchHistoryIn } from './bench.ts';
import { EXPLORE_SCHEMA, exploreIn, type ExploreIn } from './explore.ts';
import { FUZZ_SCHEMA, fuzzIn, type FuzzIn } from './fuzz.ts';
import { JOBS_SCHEMA, jobsIn, type JobsIn } from './jobs.ts';
import { At } from './json.ts';
import { KERNEL_GENERATE_SCHEMA, KERNEL_SCHEMA, kernelGenerateIn, kernelIn, type KernelGenerateIn, type KernelIn } from './kernel.ts';
import { mutationIn, type MutationIn } from './mutation.ts';
import { PROVE_SCHEMA, proveIn, type ProveIn } from './prove.ts';

export interface Inputs {
  readonly fuzz: readonly FuzzIn[];
  readonly explore: readonly ExploreIn[];
  readonly prove: readonly ProveIn[];
  readonly kernel: readonly KernelIn[];
  readonly kernelGenerate: readonly KernelGenerateIn[];
  readonly benchAgainst: readonly BenchAgainstIn[];
  readonly benchHistory: readonly BenchHistoryIn[];
  readonly mutation: readonly MutationIn[];
  readonly jobs: readonly JobsIn[];
  /** .json files that are none of the above (corpus entries, Stryker's incremental files, bench/kernel.ts's figures, ...) */
  readonly notRead: readonly string[];
}

type Lists = { -readonly [K in keyof Inputs]: Inputs[K] extends readonly (infer T)[] ? T[] : never };

/** schema (or format) field -> where its decoded file goes */
const BY_SCHEMA: Readonly<Record<string, (a: At, into: Lists) => void>> = {
  [FUZZ_SCHEMA]: (a, i) => { i.fuzz.push(fuzzIn(a)); },
  [EXPLORE_SCHEMA]: (a, i) => { i.explore.push(exploreIn(a)); },
  [PROVE_SCHEMA]: (a, i) => { i.prove.push(proveIn(a)); },
  [KERNEL_SCHEMA]: (a, i) => { i.kernel.push(kernelIn(a)); },
  [KERNEL_GENERATE_SCHEMA]: (a, i) => { i.kernelGenerate.push(kernelGenerateIn(a)); },
  [BENCH_AGAINST_SCHEMA]: (a, i) => { i.benchAgainst.push(benchAgainstIn(a)); },
  [JOBS_SCHEMA]: (a, i) => { i.jobs.push(jobsIn(a)); },
};

/** Every file under `dir`, sorted at each level, so the page is the same for the same inputs. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap(e => {
    const p = join(dir, e.name);
    return e.isDirectory() ? (e.name === 'node_modules' || e.name.startsWith('.') ? [] : filesUnder(p)) : e.isFile() ? [p] : [];
  });
}

function readOne(file: string, into: Lists): void {
  if (file.endsWith('.jsonl')) {
    if (/history/.test(basename(file))) into.benchHistory.push(benchHistoryIn(file, readFileSync(file, 'utf8')));
    return;
  }
  if (!file.endsWith('.json')) return;
  let v: unknown;
  try { v = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new InputError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`); }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const schema = typeof o['schema'] === 'string' ? o['schema'] : typeof o['format'] === 'string' ? o['format'] : null;
  const read = schema === null ? undefined : BY_SCHEMA[schema];
  if (read) read(new At(file, '', v), into);
  // Stryker's report; its incremental file has the same shape but is the cache, not a result
  else if (typeof o['schemaVersion'] === 'string' && 'files' in o && !file.endsWith('.incremental.json')) into.mutation.push(mutationIn(new At(file, '', v)));
  else into.notRead.push(file);
}

/** The results in `dirs` (a file given directly counts too); a path that is not there is an input error. */
export function readInputs(dirs: readonly string[]): Inputs {
  const into: Lists = { fuzz: [], explore: [], prove: [], kernel: [], kernelGenerate: [], benchAgainst: [], benchHistory: [], mutation: [], jobs: [], notRead: [] };
  const seen = new Set<string>();
  for (const dir of dirs) {
    let st;
    try { st = statSync(dir); } catch { throw new InputError(`--in ${dir}: no such file or directory`); }
    for (const file of st.isDirectory() ? filesUnder(dir) : [dir]) {
      if (seen.has(resolve(file))) continue;
      seen.add(resolve(file));
      readOne(file, into);
    }
  }
  return into;
}

/** Every result file read (not the ones listed as not read); none is an input error (the wrong folder). */
export function resultFiles(i: Inputs): string[] {
  const { notRead: _notRead, ...results } = i;
  return Object.values(results).flatMap((list: readonly { readonly file: string }[]) => list.map(x => x.file));
}

export type { BenchAgainstIn, BenchHistoryIn, ExploreIn, FuzzIn, JobsIn, KernelGenerateIn, KernelIn, MutationIn, ProveIn };
export type { FuzzCounterexample, FuzzTarget } from './fuzz.ts';
export type { ExploreTarget } from './explore.ts';
export type { ProveRowIn } from './prove.ts';
export type { KernelRunIn, KernelTrace } from './kernel.ts';
export type { GateCaseIn } from './bench.ts';
