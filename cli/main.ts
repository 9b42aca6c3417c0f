// The negcheck command line.

import { Command } from 'commander';
import { durationArg, intArg, seedArg } from './args.ts';
import { registerBench } from './bench.ts';
import { registerConformance } from './conformance.ts';
import { registerExplore } from './explore/command.ts';
import { registerFuzz } from './fuzz/command.ts';
import { registerKernel } from './kernel.ts';
import { registerLab } from './lab.ts';
import { registerRepro } from './repro.ts';
import { registerReport } from './report.ts';
import { UsageError } from './usage.ts';
import { replay } from './replay.ts';
import { PATCH_TIME_MS, proveAll, proveOne, ruleLines, writeProveJson } from './prove.ts';
import { formatDuration } from './duration.ts';
import { loadProposal, patchProposal, proposalWithPatch } from '../proposals/load.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { InputError } from '../types/errors.ts';
import { propertyRange } from '../properties/index.ts';

const program = new Command()
  .name('negcheck')
  .description('property-based fuzzing and formal-model checks for virtio/vhost feature negotiation and IOTLB semantics')
  .showHelpAfterError()
  .exitOverride(err => process.exit(err.exitCode === 0 ? 0 : 2));

registerFuzz(program);
registerBench(program);
registerConformance(program);
registerExplore(program);
registerLab(program);
registerKernel(program);
registerRepro(program);
registerReport(program);

program.command('prove')
  .description(`judge a proposal (a catalogue id or a proposal .ts file) by every property that applies, ${propertyRange().replace('P0, ', '')} and R`)
  .argument('[proposal]', 'catalogue id, or path/to/proposal.ts exporting `proposal`')
  .option('--all', 'prove the whole catalogue and print the matrix; exit 1 if any verdict differs from the expected one')
  .option('--list', 'list the catalogue')
  .option('--rules', 'list the named rules a proposal may bring (`rules: { name: function }`): signature, source, the policy fields it stands for')
  .option('--patch <file.diff>', 'a unified diff to model/: the patched model is judged by every invariant and by R against the model at HEAD (with a proposal: its patch)')
  .option('--seed <n>', 'seed (default: 20221805, so verdicts are reproducible)', seedArg, 20221805)
  .option('--runs <n>', 'runs per property', intArg('--runs', 1), 3000)
  .option('--time <duration>', `total time limit, split across the properties (with --patch: ${formatDuration(PATCH_TIME_MS)} unless given)`, durationArg)
  .option('--out <dir>', 'where counterexample JSON files are written', 'out/prove')
  .option('--json <file>', 'also write the verdicts as JSON (negcheck-prove-report/1; `negcheck report` reads it)')
  .option('--depth <k>', 'also explore each property\'s finite scope exhaustively to this depth', intArg('--depth', 0), 6)
  .option('--explore-time <duration>', 'time bound of each exhaustive search (then: bound reached)', durationArg, 60_000)
  .option('--no-explore', 'fast-check only, no exhaustive search')
  .addHelpText('after', '\nEach row shows the sampled verdict (fast-check) and the exhaustive one (explore, to --depth over the\nproperty\'s finite scope; for R, two model stacks under the old userspace).\nExit status: 0 every property holds under both engines (with --all: every verdict as the catalogue expects and the\nengines agree), 1 a property is violated or the engines disagree (--all: a verdict differs), 2 bad input.')
  .action(async (ref: string | undefined, o: { all?: boolean; list?: boolean; rules?: boolean; patch?: string; seed: number; runs: number; time?: number; out: string; json?: string; depth: number; exploreTime: number; explore: boolean }) => {
    // a patch is judged by every property: a default budget keeps it under a minute, the patch's loading included
    const time = o.time ?? (o.patch !== undefined ? PATCH_TIME_MS : undefined);
    const opts = {
      seed: o.seed, runs: o.runs, out: o.out, ...(time !== undefined ? { timeMs: time } : {}),
      ...(o.explore ? { exhaustive: { depth: o.depth, timeMs: o.exploreTime } } : {}),
    };
    const log = (l: string): void => console.log(l);
    try {
      if (o.list) { for (const p of CATALOGUE) log(`${p.id.padEnd(36)} ${p.fate.padEnd(22)} ${p.title}`); return; }
      if (o.rules) { for (const l of ruleLines()) log(l); return; }
      if (o.all) {
        if (ref !== undefined || o.patch !== undefined) throw new UsageError('give either a proposal (or --patch) or --all, not both');
        const all = proveAll(opts, log);
        if (o.json) writeProveJson(o.json, all.report);
        process.exitCode = all.status;
        return;
      }
      if (ref === undefined && o.patch === undefined) throw new UsageError('which proposal? give a catalogue id, a path to a proposal file, --patch FILE.diff, or --all');
      const p = o.patch === undefined ? await loadProposal(ref!) : ref === undefined ? await patchProposal(o.patch) : await proposalWithPatch(ref, o.patch);
      const one = proveOne(p, opts, log);
      if (o.json) writeProveJson(o.json, one.report());
      process.exitCode = one.status;
    } catch (e) {
      if (e instanceof InputError) { console.error(`negcheck prove: ${e.message}`); process.exitCode = 2; return; }
      throw e;
    }
  });

program.command('replay')
  .description('re-run corpus counterexamples (a file or a directory) against model and implementation, step by step')
  .argument('<path>', 'a counterexample .json file or a directory of them')
  .action(async (path: string) => { process.exitCode = await replay(path); });

await program.parseAsync(process.argv);
