// Measuring one case of the base tree and the same case of the head tree side by side in one
// process: blocks alternate base/head in ABBA order, so drift within the process (JIT tiers,
// heap growth, another job on the machine) falls on both alike.
//
// A plain timing loop rather than tinybench: the figure wanted is simply ops over elapsed time
// per block, and each side must run in its own freshly compiled loop (below).

export interface PairedBlocks {
  /** ops/s of each base block, in the order measured */
  readonly base: number[];
  readonly head: number[];
}

/**
 * A loop calling `fn` `batch` times, compiled afresh on every call: closures from one source
 * site share V8's feedback, so one shared loop would see both sides' functions (and every other
 * case's) at its call site, go polymorphic, and inline whichever came first. A fresh function
 * per side keeps each call site monomorphic, as in real use.
 */
function freshLoop(fn: () => void, batch: number): () => void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('fn', 'batch', 'return function loop() { for (let i = 0; i < batch; i++) fn(); };')(fn, batch) as () => void;
}

/** How many calls take about 0.2 ms, so reading the clock does not weigh on the figure. */
function batchSize(fn: () => void): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2) { fn(); n++; }
  return Math.max(1, Math.round(n / 10));
}

/**
 * Run `loop` (batch calls each) for at least `timeMs`; ops/s from the median loop time. The
 * median, not the mean: on a shared 2-core machine another job preempting us, or a collection,
 * lands in a few loops of a block and would otherwise decide its figure. (So a slowdown that
 * only shows as more garbage collection is under-weighted; scripts/translate-allocations.sh
 * checks the hot path allocates nothing.)
 */
function block(loop: () => void, batch: number, timeMs: number): number {
  const times: number[] = [];
  const t0 = performance.now();
  let t = t0;
  do {
    const s = t;
    loop();
    t = performance.now();
    times.push(t - s);
  } while (t - t0 < timeMs);
  times.sort((x, y) => x - y);
  return (batch * 1000) / times[times.length >> 1]!;
}

/**
 * `blocks` blocks of each side, `timeMs` each, in the order ABBA ABBA … (A = base, or head when
 * `headFirst`), after a warm-up of each side (`warmupMs`, not counted).
 */
export function measurePaired(base: () => void, head: () => void, blocks: number, timeMs: number, headFirst: boolean, warmupMs = timeMs): PairedBlocks {
  // the same batch on both sides, so a timed loop is the same number of calls on either
  const batch = batchSize(base);
  const loops = { base: freshLoop(base, batch), head: freshLoop(head, batch) };
  const [a, b] = headFirst ? ['head', 'base'] as const : ['base', 'head'] as const;
  block(loops[a], batch, warmupMs);
  block(loops[b], batch, warmupMs);
  const out: PairedBlocks = { base: [], head: [] };
  for (let i = 0; i < blocks; i++) {
    for (const side of i % 2 === 0 ? [a, b] : [b, a]) out[side].push(block(loops[side], batch, timeMs));
  }
  return out;
}

export function geoMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/**
 * The process's paired figure: the median over adjacent base/head blocks of ln(head / base)
 * (blocks i of each side were measured next to each other), robust to a burst of load that
 * hits one pair.
 */
export function pairedLogRatio(r: PairedBlocks): number {
  const d = r.base.map((b, i) => Math.log(r.head[i]! / b)).sort((x, y) => x - y);
  const m = d.length >> 1;
  return d.length % 2 ? d[m]! : (d[m - 1]! + d[m]!) / 2;
}
