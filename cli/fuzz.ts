// `negcheck fuzz`: run every property (or some) for a time budget and print a summary table.

import { styleText } from 'node:util';
import { ALL_PROPERTIES, propertyById } from '../properties/index.ts';
import type { PropertyDef, RunResult } from '../properties/property.ts';
import { runProperty, seedFor } from '../properties/property.ts';
import { describeRun } from '../properties/report.ts';
import { stackSubject } from '../properties/subject.ts';
import { formatDuration } from './duration.ts';

export interface FuzzOptions {
  readonly timeMs: number;
  readonly runs?: number;
  readonly seed: number;
  readonly properties: readonly string[];
  readonly json: boolean;
}

export class UsageError extends Error {}

export function selectProperties(ids: readonly string[]): PropertyDef[] {
  if (ids.length === 0) return [...ALL_PROPERTIES];
  return ids.map(id => {
    const p = propertyById(id);
    if (!p) throw new UsageError(`unknown property ${JSON.stringify(id)} (known: ${ALL_PROPERTIES.map(q => q.id).join(', ')})`);
    return p;
  });
}

/** Each property gets an equal share of the budget and its own seed derived from the run's. */
export function fuzz(opts: FuzzOptions, log: (line: string) => void): RunResult[] {
  const props = selectProperties(opts.properties);
  const share = opts.timeMs / props.length;
  return props.map(p => {
    log(`${p.id} ${p.title}: running for ${formatDuration(share)}...`);
    return runProperty(p, stackSubject, {
      seed: seedFor(opts.seed, p.id),
      numRuns: opts.runs ?? 1_000_000_000,
      interruptAfterTimeLimit: share,
    });
  });
}

const colour = (s: string, c: 'green' | 'red' | 'bold'): string => (process.stdout.isTTY ? styleText(c, s) : s);

export function summaryTable(results: readonly RunResult[]): string[] {
  const rows = results.map(r => {
    const p = propertyById(r.property)!;
    const rate = r.timeMs > 0 ? Math.round((r.runs * 1000) / r.timeMs) : 0;
    const outcome = r.outcome === 'holds' ? colour('holds', 'green') : colour('COUNTEREXAMPLE', 'red');
    return [p.id, p.title, String(r.runs), String(rate), formatDuration(r.timeMs), String(r.seed), outcome];
  });
  const head = ['property', 'title', 'runs', 'runs/s', 'time', 'seed', 'outcome'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.replace(/\x1b\[[0-9;]*m/g, '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat(widths[i]! - c.replace(/\x1b\[[0-9;]*m/g, '').length)).join('  ');
  return [colour(line(head), 'bold'), ...rows.map(line)];
}

export function fuzzReport(results: readonly RunResult[]): string[] {
  const out = ['', ...summaryTable(results)];
  for (const r of results) if (r.outcome === 'violated') out.push('', describeRun(r, stackSubject));
  return out;
}
