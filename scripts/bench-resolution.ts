// The gate's resolution per case: the smallest slowdown it flags in at least 9 of 10 runs.
// From the A/A runs' paired samples: a slowdown s moves every paired sample ln(head/base) by
// ln(1 - s) (the head does 1/(1-s) times the work per op), so each run's samples are shifted
// and judged again by the gate's own rule (bench/stats.ts verdict), for s = 1%, 2%, ... 60%.

import { ALPHA, verdict } from '../bench/stats.ts';

/** One gate run's paired samples: case id → ln(head/base) per process. */
export type RunSamples = Record<string, readonly number[]>;

export function flaggedAt(runs: readonly RunSamples[], id: string, slowdown: number, threshold: number, alpha = ALPHA): number {
  const shift = Math.log(1 - slowdown);
  return runs.filter(r => r[id] && verdict(r[id].map(d => d + shift), threshold, alpha).regression).length;
}

/** The smallest whole-percent slowdown flagged in >= `share` of the runs, or null up to 60%. */
export function resolution(runs: readonly RunSamples[], id: string, threshold: number, share = 0.9, alpha = ALPHA): number | null {
  const need = Math.ceil(share * runs.length);
  for (let pct = 1; pct <= 60; pct++) if (flaggedAt(runs, id, pct / 100, threshold, alpha) >= need) return pct / 100;
  return null;
}
