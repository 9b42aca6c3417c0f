// fuzz --report DIR: report.json (negcheck-fuzz-report/1, cli/fuzz/report.ts FuzzReport), one per shard.

import type { At } from './json.ts';

export const FUZZ_SCHEMA = 'negcheck-fuzz-report/1';

export interface FuzzCounterexample { readonly message: string; readonly trace: readonly string[]; readonly file: string | null }
export interface FuzzTarget {
  readonly label: string; readonly property: string; readonly title: string;
  readonly runs: number; readonly wallMs: number;
  readonly counterexamples: readonly FuzzCounterexample[]; readonly errors: readonly string[]; readonly proposalError: readonly string[] | null;
}
export interface FuzzIn {
  readonly file: string; readonly seed: number; readonly shard: string; readonly partial: boolean; readonly exitCode: number;
  readonly finishedAt: string;
  readonly corpus: { readonly replayed: number; readonly failing: readonly string[]; readonly proposalErrors: readonly string[] };
  readonly targets: readonly FuzzTarget[];
  /** target label -> transition -> runs */
  readonly coverage: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly mustReach: { readonly checked: number; readonly missing: readonly string[]; readonly unchecked: readonly string[] };
}

export function fuzzIn(a: At): FuzzIn {
  const corpus = a.at('corpus');
  const must = a.at('mustReach');
  return {
    file: a.file, seed: a.at('seed').number(), shard: a.at('shard').string(), partial: a.at('partial').boolean(), exitCode: a.at('exitCode').number(),
    finishedAt: a.at('finishedAt').string(),
    corpus: { replayed: corpus.at('replayed').number(), failing: corpus.at('failing').strings(), proposalErrors: corpus.at('proposalErrors').strings() },
    targets: a.at('targets').items().map(t => ({
      label: t.at('label').string(), property: t.at('property').string(), title: t.at('title').string(),
      runs: t.at('runs').number(), wallMs: t.at('wallMs').number(),
      counterexamples: t.at('counterexamples').items().map(c => ({ message: c.at('violation').at('message').string(), trace: c.at('trace').strings(), file: c.at('file').maybe(x => x.string()) })),
      errors: t.at('errors').strings(), proposalError: t.at('proposalError').maybe(x => x.strings()),
    })),
    coverage: new Map(a.at('coverage').entries().map(([label, c]) => [label, new Map(c.entries().map(([t, n]) => [t, n.number()]))] as const)),
    mustReach: { checked: must.at('checked').number(), missing: must.at('missing').strings(), unchecked: must.at('unchecked').strings() },
  };
}
