// `negcheck conformance [dir]`: replay the kernel conformance vectors on the model and the
// implementation and list every answer that is not the kernel's, by trace id and op.

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { defaultVectorDir, type FileReport, replayConformance, type Side } from '../conformance/index.ts';
import { formatMismatch, VectorFileError } from '../conformance/vectors.ts';
import { intArg } from './args.ts';

function sidesArg(v: string): Side[] {
  if (v === 'both') return ['model', 'impl'];
  if (v === 'model' || v === 'impl') return [v];
  throw new InvalidArgumentError('--side must be model, impl or both');
}

export function registerConformance(program: Command): void {
  program.command('conformance')
    .description('replay the kernel conformance vectors (shared/conformance) on the model and the implementation')
    .argument('[dir]', 'the directory holding iotlb-kernel-vectors.jsonl and iotlb-msg-kernel-vectors.jsonl', defaultVectorDir())
    .option('--side <side>', 'model, impl or both', sidesArg, ['model', 'impl'] as Side[])
    .option('--max <n>', 'mismatches listed per file and side', intArg('--max', 0), 20)
    .option('--json', 'print the reports as JSON')
    .addHelpText('after', '\nExit status: 0 every answer is the kernel\'s, 1 a mismatch, 2 a missing or corrupt vector file.')
    .action((dir: string, o: { side: Side[]; max: number; json?: boolean }) => {
      let reports: FileReport[];
      try {
        reports = o.side.flatMap(side => replayConformance(dir, side));
      } catch (e) {
        if (e instanceof VectorFileError) { console.error(`negcheck conformance: ${e.message}`); process.exitCode = 2; return; }
        throw e;
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      } else {
        for (const r of reports) {
          console.log(`${r.side.padEnd(5)} ${r.file}: ${r.traces} traces, ${r.compared} answers compared, ${r.skipped} skipped, ` +
            `${r.mismatches.length === 0 ? 'all the kernel\'s' : `${r.mismatches.length} MISMATCHES`}`);
          for (const m of r.mismatches.slice(0, o.max)) console.log(`  ${formatMismatch(m)}`);
          if (r.mismatches.length > o.max) console.log(`  ... ${r.mismatches.length - o.max} more`);
        }
      }
      process.exitCode = reports.some(r => r.mismatches.length > 0) ? 1 : 0;
    });
}
