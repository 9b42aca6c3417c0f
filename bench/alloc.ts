// Zero allocations per translate, shown with the collector's own log: run with
//   node --import tsx --trace-gc bench/alloc.ts
// After warming up, 20 million translates (hits, misses, multi-segment) run between two markers;
// any allocation on the path would fill the young generation and show up as Scavenge lines
// between them. scripts/translate-allocations.sh counts those lines.

import { MAP_LEN, buildIndex, queries } from './fixtures.ts';

const idx = buildIndex(1000);
const qs = queries(1000, 4096, 'mix');
let sink = 0;
/** NEGCHECK_ALLOC_CONTROL=1: keep one small array per call alive, to show the method sees allocation. */
const control = process.env['NEGCHECK_ALLOC_CONTROL'] === '1';
let kept: number[] = [];
const run = (n: number): void => {
  for (let k = 0; k < n; k++) {
    const x = qs[k & 4095]!;
    if (control) kept = [k];
    // every 8th access spans two maps' worth of bytes (several segments or a hole)
    sink += idx.translate((x / 4294967296) >>> 0, x >>> 0, (k & 7) === 0 ? 2 * MAP_LEN : 8, 1);
  }
};
run(2_000_000);
console.log('--- measuring ---');
run(20_000_000);
console.log('--- done ---');
console.log(`translates: 20000000, checksum ${sink + kept.length}`);
