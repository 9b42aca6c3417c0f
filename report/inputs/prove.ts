// prove --json FILE (negcheck-prove-report/1, cli/prove.ts ProveReport): the catalogue matrix.

import type { At } from './json.ts';

export const PROVE_SCHEMA = 'negcheck-prove-report/1';

export interface ProveRowIn {
  readonly property: string; readonly expected: string | null; readonly found: string; readonly exhaustive: string | null;
  readonly runs: number; readonly message: string | null; readonly file: string | null;
  /** the found verdict is not the catalogue's (proposals/prove.ts surprises) */
  readonly surprise: boolean;
  /** fast-check and explore disagree within their bounds (proposals/exhaustive.ts enginesDisagree) */
  readonly disagree: boolean;
}
export interface ProveIn {
  readonly file: string;
  readonly proposals: readonly { readonly id: string; readonly title: string; readonly fate: string; readonly rows: readonly ProveRowIn[] }[];
}

export function proveIn(a: At): ProveIn {
  return {
    file: a.file,
    proposals: a.at('proposals').items().map(p => ({
      id: p.at('id').string(), title: p.at('title').string(), fate: p.at('fate').string(),
      rows: p.at('rows').items().map(r => ({
        property: r.at('property').string(), expected: r.at('expected').maybe(x => x.string()), found: r.at('found').string(),
        exhaustive: r.at('exhaustive').maybe(x => x.string()), runs: r.at('runs').number(), message: r.at('message').maybe(x => x.string()),
        file: r.at('file').maybe(x => x.string()), surprise: r.at('surprise').boolean(), disagree: r.at('disagree').boolean(),
      })),
    })),
  };
}
