// Stryker's JSON report (mutation-testing-report-schema) read for negcheck's mutation runs: the
// score per file and every undetected mutant, merged over runs of disjoint file groups.

export interface Position { readonly line: number; readonly column: number }
export interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  /** why: for a killed mutant, the failing test's message */
  readonly statusReason?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}
export type ReportFiles = Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }>;

/** Stryker's score: detected (killed, timeout) over valid mutants (not compile errors or ignored). */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The files of one parsed report; throws naming what is missing. */
export function reportFiles(report: unknown): ReportFiles {
  const files = (report as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null) throw new Error('no "files" object');
  return files as ReportFiles;
}

/** A mutant's identity in any run over the same sources: its file, where, which mutator, what replacement. */
function mutantKey(file: string, m: Mutant): string {
  const { start, end } = m.location;
  return `${file}:${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
}

/**
 * Reports merged: of disjoint groups, or a re-run of some mutants after the tests changed (Stryker
 * `--mutate` with their ranges). A file in more than one counts from the last one: over the same
 * source, mutant by mutant (what a later run tested replaces what an earlier one said of it); over
 * a changed source, wholly.
 */
export function mergeReports(reports: readonly ReportFiles[]): ReportFiles {
  const merged: Record<string, ReportFiles[string]> = {};
  for (const report of reports) {
    for (const [file, later] of Object.entries(report)) {
      const earlier = merged[file];
      if (earlier === undefined || earlier.source !== later.source) { merged[file] = later; continue; }
      const retested = new Set(later.mutants.map(m => mutantKey(file, m)));
      merged[file] = { source: later.source, mutants: [...earlier.mutants.filter(m => !retested.has(mutantKey(file, m))), ...later.mutants] };
    }
  }
  return merged;
}

/** A status reason's first line, without the assertion's own words. */
function reasonLine(reason: string): string {
  return reason.split('\n')[0]!.replace(/^AssertionError: /, '').replace(/: expected .* to (be|equal) .*$/, '').slice(0, 200);
}

function snippet(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n').slice(start.line - 1, end.line);
  if (lines.length === 0) return '';
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, end.column - 1);
  lines[0] = lines[0]!.slice(start.column - 1);
  return lines.join(' ').replace(/\s+/g, ' ').slice(0, 100);
}

/**
 * The difference judge's mutants (mutation/patch-difference.test.ts), by identity: its run takes the
 * patch run's survivors as mutate ranges, which hold other mutants too, so its results are joined
 * mutant by mutant, never by count.
 */
export type DifferenceIndex = ReadonlyMap<string, Mutant>;

export function differenceIndex(files: ReportFiles): DifferenceIndex {
  return new Map(Object.entries(files).flatMap(([file, { mutants }]) => mutants.map(m => [mutantKey(file, m), m] as const)));
}

const KIND = /\b(relaxation|errno|tightening|offer|other):/;

/** What the difference judge found for one mutant: its first difference, none, or not judged. */
function differenceVerdict(d: Mutant | undefined): { readonly kind: string; readonly line: string } {
  if (d === undefined) return { kind: 'not judged', line: 'difference: not judged' };
  if (d.status === 'Killed' && d.statusReason) return { kind: KIND.exec(d.statusReason)?.[1] ?? 'other', line: `difference: ${reasonLine(d.statusReason)}` };
  if (d.status === 'Survived') return { kind: 'no difference', line: 'difference: none over P0\'s profiles and scripts' };
  return { kind: d.status, line: `difference: ${d.status}` };
}

/** One file's score: detected over valid, and the undetected the difference judge saw no difference for. */
export interface FileScore {
  readonly file: string;
  readonly detected: number;
  readonly valid: number;
  /** undetected mutants with no observable difference (0 without the judge's verdicts) */
  readonly noDifference: number;
}

/** Per file, sorted by path. */
export function fileScores(files: ReportFiles, difference?: DifferenceIndex): FileScore[] {
  return Object.entries(files).sort(([a], [b]) => a.localeCompare(b)).map(([file, { mutants }]) => {
    const detected = mutants.filter(m => DETECTED.has(m.status)).length;
    return {
      file, detected, valid: detected + mutants.filter(m => UNDETECTED.has(m.status)).length,
      noDifference: difference ? mutants.filter(m => UNDETECTED.has(m.status) && differenceVerdict(difference.get(mutantKey(file, m))).kind === 'no difference').length : 0,
    };
  });
}

/** An undetected mutant as the listing shows it: where, what it changed, and the judge's verdict when there is one. */
export interface Survivor {
  readonly file: string;
  readonly line: number;
  readonly status: string;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  readonly difference: { readonly kind: string; readonly line: string } | null;
}

export function survivors(files: ReportFiles, difference?: DifferenceIndex): Survivor[] {
  return Object.entries(files).sort(([a], [b]) => a.localeCompare(b)).flatMap(([file, { source, mutants }]) =>
    mutants.filter(m => UNDETECTED.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line).map(m => ({
      file, line: m.location.start.line, status: m.status, mutator: m.mutatorName, original: snippet(source, m.location),
      replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80),
      difference: difference ? differenceVerdict(difference.get(mutantKey(file, m))) : null,
    })));
}

/**
 * The listing: per file its score and the mutants whose status is wanted (line, status, mutator,
 * original -> replacement), then the whole score; or, with `ranges`, only those mutants as Stryker
 * mutate ranges (file:line:col-line:col, columns from 0 as Stryker reads them). With `difference`, each listed mutant's verdict from the
 * difference judge, and the kinds counted from it.
 */
export function survivorListing(files: ReportFiles, wanted: ReadonlySet<string>, ranges: boolean, reasons = false, difference?: DifferenceIndex): string[] {
  const out: string[] = [];
  const percent = (d: number, v: number, digits: number): string => `${v ? ((100 * d) / v).toFixed(digits) : '—'}%`;
  let detected = 0;
  let valid = 0;
  let equivalent = 0;
  const scores = new Map(fileScores(files, difference).map(f => [f.file, f]));
  for (const [file, { source, mutants }] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const { detected: d, valid: v, noDifference: e } = scores.get(file)!;
    detected += d;
    valid += v;
    equivalent += e;
    const shown = mutants.filter(m => wanted.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line);
    if (!ranges) out.push(`${file}: ${percent(d, v, 1)} (${d}/${v})${difference ? `, ${percent(d, v - e, 1)} (${d}/${v - e}) without 'no difference'` : ''}`);
    for (const m of shown) {
      const { start, end } = m.location;
      // Stryker's mutate ranges count columns from 0, its report from 1: a range starting at the
      // report's column would leave out the mutant that starts there (project-reader.js)
      if (ranges) out.push(`${file}:${start.line}:${start.column - 1}-${end.line}:${end.column}`);
      else out.push(`  ${start.line} ${m.status} ${m.mutatorName}: ${snippet(source, m.location)} -> ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
      if (!ranges && reasons && m.statusReason) out.push(`      ${reasonLine(m.statusReason)}`);
      if (!ranges && difference) out.push(`      ${differenceVerdict(difference.get(mutantKey(file, m))).line}`);
    }
  }
  if (!ranges) {
    out.push(`all: ${percent(detected, valid, 2)} (${detected}/${valid} detected)` +
      (difference ? `, ${percent(detected, valid - equivalent, 2)} (${detected}/${valid - equivalent}) without the ${equivalent} with no difference` : ''));
  }
  if (!ranges && (reasons || difference)) {
    // the kinds the difference judge names (mutation/patch-difference.test.ts: "relaxation: ...", ...):
    // from its own run's verdicts, or from the listed report's reasons when it is that run
    const kinds = new Map<string, number>();
    for (const [file, { mutants }] of Object.entries(files)) {
      for (const m of mutants.filter(x => wanted.has(x.status))) {
        const k = difference ? differenceVerdict(difference.get(mutantKey(file, m))).kind
          : KIND.exec(m.statusReason ?? '')?.[1] ?? (m.status === 'Survived' ? 'no difference' : 'no reason');
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
    }
    out.push(`kinds: ${[...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  return out;
}
