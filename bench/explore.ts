// Measurements of the exhaustive engine's own costs (not a gate: absolute numbers on a shared
// machine drift). Run: npx tsx bench/explore.ts [storeStates] [registers n] [registers m]
//  - the store: inserts and duplicate lookups per second, bytes per state, at storeStates;
//  - the engine on the toy register machine (m^n states, 3n ops; snapshots are array copies):
//    distinct states/s and transitions/s on the calling thread and with 1 and 2 workers.
// A model stack costs far more per transition than this toy; these are the engine's ceilings.

import { explore } from '../explore/engine.ts';
import { Fingerprinter } from '../explore/fingerprint.ts';
import { exploreParallel } from '../explore/parallel.ts';
import { StateStore } from '../explore/store.ts';
import { registers } from '../explore/toys.ts';
import type { ExploreResult } from '../explore/types.ts';

const [storeStates = 10_000_000, n = 5, m = 16] = process.argv.slice(2).map(Number);

function benchStore(count: number): void {
  const fp = new Fingerprinter();
  const keys = (i: number): void => { fp.reset(); fp.u32(i); fp.finish(); };
  const store = new StateStore();
  let t = performance.now();
  for (let i = 0; i < count; i++) { keys(i); store.insert(fp.hi, fp.lo, i, 0, 0); }
  const insertMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < count; i++) { keys(i); store.find(fp.hi, fp.lo); }
  const findMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < count; i++) keys(i);
  const hashMs = performance.now() - t;
  const mega = (ms: number): string => (count / ms / 1000).toFixed(2);
  console.log(`store, ${count.toLocaleString('en')} states: insert ${mega(insertMs - hashMs)} M/s, lookup (present) ${mega(findMs - hashMs)} M/s ` +
    `(fingerprinting one u32 ${mega(hashMs)} M/s, subtracted); ${store.bytesPerState.toFixed(1)} bytes/state ` +
    `(${(store.bytes / 2 ** 20).toFixed(0)} MiB; index ${store.capacity.toLocaleString('en')} slots, load ${(store.size / store.capacity).toFixed(2)})`);
}

function line(label: string, r: ExploreResult): void {
  const s = r.timeMs / 1000;
  console.log(`${label.padEnd(22)} ${r.outcome}${r.outcome === 'holds' && r.complete ? ' (complete)' : ''}: ${r.distinct.toLocaleString('en')} states, ` +
    `${r.generated.toLocaleString('en')} transitions, depth ${r.depthCompleted}, ${s.toFixed(2)} s -> ` +
    `${Math.round(r.distinct / s).toLocaleString('en')} distinct states/s, ${Math.round(r.generated / s).toLocaleString('en')} transitions/s; ` +
    `${r.bytesPerState.toFixed(1)} B/state; P(collision) birthday ${r.collision.birthday.toExponential(1)}, TLC ${r.collision.tlc.toExponential(1)}`);
}

benchStore(storeStates);
const args = { n, m };
console.log(`registers n=${n} m=${m}: ${(m ** n).toLocaleString('en')} states, ${3 * n} ops`);
line('calling thread', explore(registers(args), { maxDepth: 1000 }));
const spec = { module: new URL('../explore/toys.ts', import.meta.url).href, export: 'registers', args };
for (const workers of [1, 2]) line(`${workers} worker${workers > 1 ? 's' : ''}`, await exploreParallel(spec, { maxDepth: 1000, workers }));
