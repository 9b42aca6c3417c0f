// The negcheck command line.

import { Command, InvalidArgumentError } from 'commander';
import { stringifyJson } from '../types/json.ts';
import { parseDuration } from './duration.ts';
import { fuzz, fuzzReport, UsageError } from './fuzz.ts';
import { replay } from './replay.ts';

function intArg(name: string): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be an integer`);
    return Number(v);
  };
}
function durationArg(v: string): number {
  try { return parseDuration(v); } catch (e) { throw new InvalidArgumentError((e as Error).message); }
}

const program = new Command()
  .name('negcheck')
  .description('property-based fuzzing and formal-model checks for virtio/vhost feature negotiation and IOTLB semantics')
  .showHelpAfterError()
  .exitOverride(err => process.exit(err.exitCode === 0 ? 0 : 2));

program.command('fuzz')
  .description('run every property (model ≡ impl and the invariants) for a time budget and print a summary')
  .option('--time <duration>', 'total budget, split evenly across properties (e.g. 30s, 10m)', durationArg, 30_000)
  .option('--runs <n>', 'at most this many runs per property', intArg('--runs'))
  .option('--seed <n>', 'seed for a reproducible run (default: random, printed)', intArg('--seed'))
  .option('--property <ids...>', 'only these properties (P0, I1..I6)')
  .option('--json', 'print the results as JSON')
  .action((o: { time: number; runs?: number; seed?: number; property?: string[]; json?: boolean }) => {
    const seed = o.seed ?? (Math.random() * 0x7fffffff) | 0;
    const log = o.json ? () => {} : (l: string) => console.log(l);
    log(`negcheck fuzz: seed ${seed}, budget ${o.time / 1000}s`);
    try {
      const results = fuzz({ timeMs: o.time, seed, properties: o.property ?? [], json: o.json ?? false, ...(o.runs !== undefined ? { runs: o.runs } : {}) }, log);
      if (o.json) process.stdout.write(stringifyJson({ seed, results }));
      else for (const l of fuzzReport(results)) console.log(l);
      process.exitCode = results.some(r => r.outcome === 'violated') ? 1 : 0;
    } catch (e) {
      if (e instanceof UsageError) { console.error(`negcheck fuzz: ${e.message}`); process.exitCode = 2; return; }
      throw e;
    }
  });

program.command('replay')
  .description('re-run corpus counterexamples (a file or a directory) against model and implementation, step by step')
  .argument('<path>', 'a counterexample .json file or a directory of them')
  .action((path: string) => { process.exitCode = replay(path); });

await program.parseAsync(process.argv);
