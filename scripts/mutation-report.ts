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

/** Reports of disjoint groups merged; a file in more than one counts from the last one. */
export function mergeReports(reports: readonly ReportFiles[]): ReportFiles {
  return Object.assign({}, ...reports) as ReportFiles;
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
 * The listing: per file its score and the mutants whose status is wanted (line, status, mutator,
 * original -> replacement), then the whole score; or, with `ranges`, only those mutants as Stryker
 * mutate ranges (file:line:col-line:col).
 */
export function survivorListing(files: ReportFiles, wanted: ReadonlySet<string>, ranges: boolean, reasons = false): string[] {
  const out: string[] = [];
  let detected = 0;
  let valid = 0;
  for (const [file, { source, mutants }] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const d = mutants.filter(m => DETECTED.has(m.status)).length;
    const v = d + mutants.filter(m => UNDETECTED.has(m.status)).length;
    detected += d;
    valid += v;
    const shown = mutants.filter(m => wanted.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line);
    if (!ranges) out.push(`${file}: ${v ? ((100 * d) / v).toFixed(1) : '—'}% (${d}/${v})`);
    for (const m of shown) {
      const { start, end } = m.location;
      if (ranges) out.push(`${file}:${start.line}:${start.column}-${end.line}:${end.column}`);
      else out.push(`  ${start.line} ${m.status} ${m.mutatorName}: ${snippet(source, m.location)} -> ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
      if (!ranges && reasons && m.statusReason) out.push(`      ${reasonLine(m.statusReason)}`);
    }
  }
  if (!ranges) out.push(`all: ${valid ? ((100 * detected) / valid).toFixed(2) : '—'}% (${detected}/${valid} detected)`);
  if (!ranges && reasons) {
    // the kinds the reasons name (mutation/patch-difference.test.ts: "relaxation: ...", ...)
    const kinds = new Map<string, number>();
    for (const { mutants } of Object.values(files)) {
      for (const m of mutants.filter(x => wanted.has(x.status))) {
        const k = /\b(relaxation|tightening|offer|other):/.exec(m.statusReason ?? '')?.[1] ?? (m.status === 'Survived' ? 'no difference' : 'no reason');
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
    }
    out.push(`kinds: ${[...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  return out;
}
