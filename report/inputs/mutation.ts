// Stryker's JSON report (mutation-testing-report-schema; reports/mutation/*.json): every mutant's
// status, mutator and place is checked, so a broken report is refused naming the field.

import { basename } from 'node:path';
import type { Mutant, ReportFiles } from '../stryker.ts';
import type { At } from './json.ts';

export interface MutationIn {
  readonly file: string;
  /** the run's name: the file's name without .json (impl, model, patch, patch-difference) */
  readonly target: string;
  readonly files: ReportFiles;
}

const position = (a: At): Mutant['location']['start'] => ({ line: a.at('line').number(), column: a.at('column').number() });

export function mutationIn(a: At): MutationIn {
  const files: Record<string, ReportFiles[string]> = {};
  for (const [name, f] of a.at('files').entries()) {
    files[name] = {
      source: f.at('source').string(),
      mutants: f.at('mutants').items().map(m => {
        const replacement = m.at('replacement').maybe(x => x.string());
        const reason = m.at('statusReason').maybe(x => x.string());
        return {
          mutatorName: m.at('mutatorName').string(), status: m.at('status').string(),
          location: { start: position(m.at('location').at('start')), end: position(m.at('location').at('end')) },
          ...(replacement !== null ? { replacement } : {}), ...(reason !== null ? { statusReason: reason } : {}),
        };
      }),
    };
  }
  return { file: a.file, target: basename(a.file, '.json'), files };
}
