// The survivors of Stryker runs, from their JSON reports: the score per file and each surviving
// (or uncovered) mutant as `file:line status mutator: original -> replacement`, then the whole score.
// `--ranges` prints them as Stryker mutate ranges instead (file:line:col-line:col), to re-test just
// those mutants after the tests changed: `npx stryker run --mutate "$(... --ranges | paste -sd,)"`.
// Several reports (runs over disjoint groups of files, e.g. `--mutate impl/vdpa.ts,impl/vhost.ts`,
// or a re-run of those ranges) are merged into one score; a file in more than one report counts
// from the last one given, mutant by mutant while its source is the same.
//
//   npx tsx scripts/mutation-survivors.ts reports/mutation/impl.json [more.json ...] [--ranges] [--reasons] [--status Survived,Timeout]
//     [--difference patch-difference.json]...   (one --difference per difference report)
// `--reasons` adds each listed mutant's status reason (a killed one's failing message) and counts
// the kinds mutation/patch-difference.test.ts names. `--difference` joins the difference judge's
// runs (over the listed survivors' ranges) mutant by mutant: each survivor's first difference from
// HEAD and its kind, or none.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { differenceIndex, mergeReports, reportFiles, survivorListing, type ReportFiles } from '../report/stryker.ts';

function readReport(path: string): ReportFiles {
  try {
    return reportFiles(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    console.error(`${path}: not a Stryker JSON report (${e instanceof Error ? e.message : String(e)})`);
    process.exit(2);
  }
}

function main(): void {
  // piped into head: stop quietly when the reader goes
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); throw e; });
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ranges: { type: 'boolean', default: false }, reasons: { type: 'boolean', default: false }, status: { type: 'string', default: 'Survived,NoCoverage' },
      difference: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log('usage: tsx scripts/mutation-survivors.ts <stryker report.json> [more.json ...] [--ranges] [--reasons] [--status Survived,NoCoverage] [--difference report.json]... (one --difference per report: a report given without it is read as a patch run\'s)');
    process.exit(values.help ? 0 : 2);
  }
  const reports = positionals.map(readReport);
  const difference = values.difference ? differenceIndex(mergeReports(values.difference.map(readReport))) : undefined;
  for (const line of survivorListing(mergeReports(reports), new Set(values.status.split(',')), values.ranges, values.reasons, difference)) console.log(line);
}

main();
