// `negcheck report`: one page from the results the other commands wrote (report/).

import { join } from 'node:path';
import type { Command } from 'commander';
import { MUST_REACH_FILE, readMustReach } from '../harness/coverage.ts';
import { readInputs, resultFiles } from '../report/inputs/index.ts';
import { buildPage, writePage } from '../report/page.ts';
import { exitStatusAction, UsageError } from './usage.ts';

interface ReportOptions { in: string[]; out: string; mustReach: string }

export function registerReport(program: Command): void {
  program.command('report')
    .description('one static page (index.html and its assets, opens from file://) from the JSON results of fuzz, explore, prove, kernel, bench and the mutation runs')
    .option('--in <dirs...>', 'folders (searched recursively) or files of results', ['out'])
    .option('--out <dir>', 'the page\'s folder (replaced whole)', 'site')
    .option('--must-reach <file>', 'must-reach lines to mark on the coverage heat map', MUST_REACH_FILE)
    .addHelpText('after', [
      '',
      'Reads: fuzz --report DIR (report.json), explore --report FILE, prove --json FILE (with --all: the catalogue matrix),',
      'kernel --json FILE (and --generate), bench --against --json FILE, bench --history FILE.jsonl, Stryker\'s JSON reports',
      '(reports/mutation/*.json; patch-difference.json is the difference judge of patch.json). A section whose input is',
      'absent says so. Corpus files the results name are copied into the page (files/) and replayed as `negcheck replay` does.',
      '',
      'Exit status: 0 the page is written (green or red: the page says which); 2 bad input (a folder that is not there, a result',
      'file that is not well formed, no result at all): nothing is written.',
    ].join('\n'))
    .action(exitStatusAction('report', async (o: ReportOptions) => {
      const inputs = readInputs(o.in);
      if (resultFiles(inputs).length === 0) throw new UsageError(`no negcheck results in ${o.in.join(', ')}${inputs.notRead.length ? ` (${inputs.notRead.length} other JSON files)` : ''}`);
      const t0 = performance.now();
      const page = await buildPage(inputs, { generatedAt: new Date().toISOString(), mustReach: readMustReach(o.mustReach) });
      const size = writePage(page, o.out);
      console.log(`${page.verdict.tone}: ${page.verdict.line}`);
      for (const s of page.sections) console.log(`  ${s.title}: ${s.present ? (s.problems.length ? `red (${s.problems.length})` : 'green') : 'no input'}`);
      console.log(`wrote ${join(o.out, 'index.html')}: ${size.files} files, ${(size.bytes / 1024).toFixed(0)} KB, in ${Math.round(performance.now() - t0)} ms`);
      return 0;
    }));
}
