// bench --against REF --json FILE (negcheck-bench-against/1, cli/bench/report.ts AgainstResult) and
// the history bench --save F --history H.jsonl appends to (one {date, medians} a line, cli/bench.ts).

import { InputError } from '../../types/errors.ts';
import { At } from './json.ts';

export const BENCH_AGAINST_SCHEMA = 'negcheck-bench-against/1';

export interface GateCaseIn { readonly id: string; readonly change: number; readonly lo: number; readonly hi: number; readonly p: number; readonly regression: boolean }
export interface BenchAgainstIn { readonly file: string; readonly base: string; readonly head: string; readonly startedAt: string; readonly threshold: number; readonly cases: readonly GateCaseIn[] }
export interface BenchHistoryIn { readonly file: string; readonly runs: readonly { readonly date: string; readonly medians: Readonly<Record<string, number>> }[] }

/** An interval Hodges-Lehmann leaves open (few processes) is ±Infinity, which JSON writes as null. */
const bound = (a: At, open: number): number => a.maybe(x => x.number()) ?? open;

export function benchAgainstIn(a: At): BenchAgainstIn {
  return {
    file: a.file, base: `${a.at('base').at('ref').string()} (${a.at('base').at('commit').string().slice(0, 12)})`, head: a.at('head').at('commit').string().slice(0, 12),
    startedAt: a.at('startedAt').string(), threshold: a.at('threshold').number(),
    cases: a.at('cases').items().map(c => ({
      id: c.at('id').string(), change: c.at('change').number(), lo: bound(c.at('lo'), -Infinity), hi: bound(c.at('hi'), Infinity),
      p: c.at('p').number(), regression: c.at('regression').boolean(),
    })),
  };
}

export function benchHistoryIn(file: string, text: string): BenchHistoryIn {
  const runs = text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let v: unknown;
    try { v = JSON.parse(line); } catch { throw new InputError(`${file}:${i + 1}: not JSON`); }
    const a = new At(`${file}:${i + 1}`, '', v);
    return [{ date: a.at('date').string(), medians: Object.fromEntries(a.at('medians').entries().map(([k, n]) => [k, n.number()])) }];
  });
  return { file, runs };
}
