// Measuring cases with tinybench for the table, and the history's figures (--save/--compare):
// each a ratio to CALIBRATION measured in the same round. (The gate is bench/paired.ts + stats.ts.)

import { Bench } from 'tinybench';
import { normalCdf } from './stats.ts';
import { type BenchCase, CALIBRATION } from './suites.ts';

export { normalCdf };

export interface Measurement {
  readonly id: string;
  /** operations per second (one op = one call of the case's fn) */
  readonly opsPerSec: number;
  /** relative margin of error, percent */
  readonly rme: number;
  readonly samples: number;
}

/** How many calls make one timed sample of about 0.2 ms, so timer overhead does not dominate. */
function batchSize(fn: () => void): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2) { fn(); n++; }
  return Math.max(1, Math.round(n / 10));
}

export function measure(cases: readonly BenchCase[], timeMs: number): Measurement[] {
  const bench = new Bench({ time: timeMs, warmup: true, warmupTime: Math.min(100, timeMs / 2), throws: true });
  const batches = new Map<string, number>();
  for (const c of cases) {
    const b = batchSize(c.fn);
    batches.set(c.id, b);
    const fn = c.fn;
    bench.add(c.id, () => { for (let i = 0; i < b; i++) fn(); });
  }
  bench.runSync();
  return bench.tasks.map(t => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
    return { id: t.name, opsPerSec: r.throughput.mean * batches.get(t.name)!, rme: r.latency.rme, samples: r.latency.samplesCount };
  });
}

/** One gate round: the gated cases and the calibration, in a per-round order, as ratios. */
export function gateRound(cases: readonly BenchCase[], round: number, timeMs: number): Map<string, number> {
  const order = [...cases];
  // rotate the order each round so no case always runs first (interleaved rounds)
  for (let i = 0; i < round % order.length; i++) order.push(order.shift()!);
  const m = new Map(measure(order, timeMs).map(x => [x.id, x.opsPerSec]));
  const cal = m.get(CALIBRATION);
  if (!cal) throw new Error(`calibration ${CALIBRATION} not measured`);
  return new Map([...m].filter(([id]) => id !== CALIBRATION).map(([id, ops]) => [id, ops / cal]));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * One-sided Mann-Whitney U test that `current` tends to be smaller than `baseline`; the p-value
 * from the normal approximation with tie correction (fine for the 10+ rounds the gate uses).
 */
export function mannWhitneyLess(current: readonly number[], baseline: readonly number[]): number {
  const all = [...current.map(v => ({ v, g: 0 })), ...baseline.map(v => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[k] = r;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const n1 = current.length;
  const n2 = baseline.length;
  const r1 = all.reduce((a, x, i) => a + (x.g === 0 ? ranks[i]! : 0), 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return 1;
  const z = (u1 - mu + 0.5) / sigma; // continuity correction toward the null
  return normalCdf(z);
}
