// The gate's statistics on paired samples: d_i = ln(head_i / base_i), one per measuring process
// (negative: the head is slower). Wilcoxon's signed-rank test says whether the head is slower at
// all; the Hodges-Lehmann estimate and its confidence interval say by how much.
// References: F. Wilcoxon, "Individual comparisons by ranking methods" (1945); M. Hollander,
// D. A. Wolfe, E. Chicken, "Nonparametric Statistical Methods" (3rd ed., 2014), §3.1 (the test,
// ties by midranks), §3.2 (the estimator), §3.3 (the interval from the Walsh averages).

/** Above this many non-zero differences the p-value uses the normal approximation. */
const EXACT_MAX = 200;

/** Midranks of |d| over the non-zero differences (zeros dropped, Wilcoxon's convention). */
function absRanks(d: readonly number[]): { ranks: number[]; positive: boolean[] } {
  const nz = d.filter(x => x !== 0).map(x => ({ a: Math.abs(x), pos: x > 0 })).sort((x, y) => x.a - y.a);
  const ranks = new Array<number>(nz.length);
  for (let i = 0; i < nz.length;) {
    let j = i;
    while (j + 1 < nz.length && nz[j + 1]!.a === nz[i]!.a) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j + 2) / 2;
    i = j + 1;
  }
  return { ranks, positive: nz.map(x => x.pos) };
}

/**
 * One-sided signed-rank test of "the differences tend to be negative": p = P(W+ <= observed)
 * under H0 (each |d_i| equally likely positive or negative), W+ = the sum of the ranks of the
 * positive differences. Exact (the conditional distribution given the midranks, counted over all
 * 2^n sign patterns by dynamic programming on doubled ranks) up to EXACT_MAX differences; above,
 * normal with continuity and tie correction: E = n(n+1)/4, Var = n(n+1)(2n+1)/24 - Σ(t³-t)/48.
 */
export function signedRankLess(d: readonly number[]): number {
  const { ranks, positive } = absRanks(d);
  const n = ranks.length;
  if (n === 0) return 1;
  const twice = ranks.map(r => Math.round(2 * r));
  const w2 = twice.reduce((a, r, i) => a + (positive[i] ? r : 0), 0);
  if (n <= EXACT_MAX) {
    const total = twice.reduce((a, r) => a + r, 0);
    // ways[s] = number of sign patterns whose doubled W+ is s, scaled by 2^-k as ranks are added
    let ways = new Float64Array(total + 1);
    ways[0] = 1;
    for (const r of twice) {
      const next = new Float64Array(total + 1);
      for (let s = 0; s <= total; s++) {
        const w = ways[s]!;
        if (w === 0) continue;
        next[s] = next[s]! + w / 2;
        next[s + r] = next[s + r]! + w / 2;
      }
      ways = next;
    }
    let p = 0;
    for (let s = 0; s <= w2; s++) p += ways[s]!;
    return Math.min(1, p);
  }
  const mean = (n * (n + 1)) / 4;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && ranks[j + 1] === ranks[i]) j++;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  return sd === 0 ? 1 : normalCdf((w2 / 2 - mean + 0.5) / sd);
}

/** Φ(z) via the Abramowitz–Stegun erf approximation 7.1.26 (|error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(W+ <= w) for n untied differences, for w = 0..n(n+1)/2 (cumulative, exact). */
function signedRankCdf(n: number): Float64Array {
  const m = (n * (n + 1)) / 2;
  let ways = new Float64Array(m + 1);
  ways[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = new Float64Array(m + 1);
    for (let s = 0; s <= m - r; s++) { next[s] = next[s]! + ways[s]! / 2; next[s + r] = next[s + r]! + ways[s]! / 2; }
    ways = next;
  }
  for (let s = 1; s <= m; s++) ways[s] = ways[s]! + ways[s - 1]!;
  return ways;
}

export interface ShiftEstimate {
  /** Hodges-Lehmann: the median of the Walsh averages (d_i + d_j) / 2, i <= j */
  readonly estimate: number;
  /** the two-sided confidence interval from the Walsh averages; [-inf, inf] when n is too small */
  readonly lo: number;
  readonly hi: number;
}

/**
 * The Hodges-Lehmann estimate of the median difference and its 1 - alpha interval
 * [W_(k), W_(M+1-k)] over the M = n(n+1)/2 sorted Walsh averages, k the largest with
 * P(W+ <= k - 1) <= alpha / 2 under H0 (exact, untied).
 */
export function hodgesLehmann(d: readonly number[], alpha = 0.05): ShiftEstimate {
  const n = d.length;
  if (n === 0) return { estimate: NaN, lo: -Infinity, hi: Infinity };
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i]! + d[j]!) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const estimate = m % 2 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2;
  const cdf = signedRankCdf(n);
  let k = 0;
  while (k < m && cdf[k]! <= alpha / 2) k++; // now P(W+ <= k - 1) <= alpha/2 < P(W+ <= k)
  if (k === 0) return { estimate, lo: -Infinity, hi: Infinity };
  return { estimate, lo: walsh[k - 1]!, hi: walsh[m - k]! };
}

export interface Verdict {
  /** relative change head/base - 1 (negative: slower), from the Hodges-Lehmann estimate */
  readonly change: number;
  /** the 95% interval of the change */
  readonly lo: number;
  readonly hi: number;
  /** one-sided signed-rank p that the head is slower */
  readonly p: number;
  readonly regression: boolean;
}

/**
 * The gate's significance level for the signed-rank test. 0.005 rather than 0.001: with 16
 * processes, one outlying process (a JIT state of its own) of the largest magnitude keeps p above
 * 0.001 (W+ = 16 gives p = 169/65536 = 0.0026), which made vDPA reset's resolution 15-45%; the
 * CI condition keeps unchanged code quiet (bench/README.md: 0 false alarms in 10 A/A runs).
 */
export const ALPHA = 0.005;

/**
 * The rule: a regression iff the test says the head is slower (p < ALPHA) AND the slow end of
 * the 95% interval of the change lies beyond -threshold (a slowdown of the threshold's size is
 * consistent with the samples). A real but smaller slowdown whose whole interval stays inside the
 * threshold passes; a large-looking change that the test does not support passes.
 */
export function verdict(logRatios: readonly number[], threshold: number, alpha = ALPHA): Verdict {
  const p = signedRankLess(logRatios);
  const hl = hodgesLehmann(logRatios, 0.05);
  const change = Math.expm1(hl.estimate);
  const lo = Math.expm1(hl.lo);
  const hi = Math.expm1(hl.hi);
  return { change, lo, hi, p, regression: p < alpha && lo < -threshold };
}
