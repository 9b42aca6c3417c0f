// The survivors of a Stryker run, from its JSON report (mutation-testing-report-schema): the score
// per file and each surviving (or uncovered) mutant as `file:line mutator: original -> replacement`.
// `--ranges` prints them as Stryker mutate ranges instead (file:line:col-line:col), to re-test just
// those mutants after the tests changed: `npx stryker run --mutate "$(... --ranges | paste -sd,)"`.
//
//   npx tsx scripts/mutation-survivors.ts reports/mutation/impl.json [--ranges] [--status Survived,Timeout]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Position { readonly line: number; readonly column: number }
interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: Position; readonly end: Position };
}
interface Report { readonly files: Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }> }

/** Stryker's score: detected (killed, timeout) over valid mutants (not compile errors or ignored). */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function snippet(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n').slice(start.line - 1, end.line);
  if (lines.length === 0) return '';
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, end.column - 1);
  lines[0] = lines[0]!.slice(start.column - 1);
  return lines.join(' ').replace(/\s+/g, ' ').slice(0, 100);
}

function main(): void {
  // piped into head: stop quietly when the reader goes
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); throw e; });
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { ranges: { type: 'boolean', default: false }, status: { type: 'string', default: 'Survived,NoCoverage' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log('usage: tsx scripts/mutation-survivors.ts <stryker report.json> [--ranges] [--status Survived,NoCoverage]');
    process.exit(values.help ? 0 : 2);
  }
  let report: Report;
  try {
    report = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Report;
    if (typeof report.files !== 'object') throw new Error('no "files" object');
  } catch (e) {
    console.error(`${positionals[0]}: not a Stryker JSON report (${e instanceof Error ? e.message : String(e)})`);
    process.exit(2);
  }
  const wanted = new Set(values.status.split(','));
  let detected = 0;
  let valid = 0;
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const d = mutants.filter(m => DETECTED.has(m.status)).length;
    const v = d + mutants.filter(m => UNDETECTED.has(m.status)).length;
    detected += d;
    valid += v;
    const shown = mutants.filter(m => wanted.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line);
    if (!values.ranges) console.log(`${file}: ${v ? ((100 * d) / v).toFixed(1) : '—'}% (${d}/${v})`);
    for (const m of shown) {
      const { start, end } = m.location;
      if (values.ranges) console.log(`${file}:${start.line}:${start.column}-${end.line}:${end.column}`);
      else console.log(`  ${start.line} ${m.status} ${m.mutatorName}: ${snippet(source, m.location)} -> ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  if (!values.ranges) console.log(`all: ${valid ? ((100 * detected) / valid).toFixed(2) : '—'}% (${detected}/${valid} detected)`);
}

main();
