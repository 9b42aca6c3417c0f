// explore --report FILE (negcheck-explore-report/1, cli/explore/command.ts TargetReport).

import type { At } from './json.ts';

export const EXPLORE_SCHEMA = 'negcheck-explore-report/1';

export interface ExploreTarget {
  readonly label: string; readonly judges: string; readonly verdict: string;
  readonly depth: number; readonly distinct: number; readonly statesPerSecond: number;
  readonly counterexample: { readonly message: string; readonly trace: readonly string[]; readonly file: string } | null;
  readonly disagreement: string | null;
  /** --compare-fuzz: the must-reach lines each engine took within the scope */
  readonly reach: { readonly both: readonly string[]; readonly onlyExplore: readonly string[]; readonly onlyRandom: readonly string[]; readonly neither: readonly string[] } | null;
}
export interface ExploreIn { readonly file: string; readonly partial: boolean; readonly exitCode: number; readonly targets: readonly ExploreTarget[] }

export function exploreIn(a: At): ExploreIn {
  return {
    file: a.file, partial: a.at('partial').boolean(), exitCode: a.at('exitCode').number(),
    targets: a.at('targets').items().map(t => {
      const reach = t.at('fuzz').maybe(f => f.at('reach'));
      return {
        label: t.at('label').string(), judges: t.at('judges').string(), verdict: t.at('verdict').string(),
        depth: t.at('result').at('depthCompleted').number(), distinct: t.at('result').at('distinct').number(),
        statesPerSecond: t.at('statesPerSecond').number(),
        counterexample: t.at('counterexample').maybe(c => ({ message: c.at('message').string(), trace: c.at('trace').strings(), file: c.at('file').string() })),
        disagreement: t.at('disagreement').maybe(x => x.string()),
        reach: reach && { both: reach.at('both').strings(), onlyExplore: reach.at('onlyExplore').strings(), onlyRandom: reach.at('onlyRandom').strings(), neither: reach.at('neither').strings() },
      };
    }),
  };
}
