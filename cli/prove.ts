// `negcheck prove <id | path/to/proposal.ts>` and `negcheck prove --all`.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { styleText } from 'node:util';
import { serialiseEntry } from '../harness/corpus.ts';
import { propertyById, PROPERTY_IDS, type PropertyId } from '../properties/index.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { proposalRuleNames, type Proposal } from '../proposals/proposal.ts';
import { RULE_SPECS } from '../types/rules.ts';
import { enginesDisagree, formatExhaustive } from '../proposals/exhaustive.ts';
import { applicableProperties, faultLines, proveProperty, surprises, type ProveOptions, type ProveRow } from '../proposals/prove.ts';
import { ProposalFault } from '../harness/run.ts';
import { formatDuration } from './duration.ts';
import { writeAtomic } from './files.ts';
import { stringifyJson } from '../types/json.ts';
import { UsageError } from './usage.ts';

const colour = (s: string, c: 'green' | 'red' | 'yellow' | 'bold'): string => (process.stdout.isTTY ? styleText(c, s) : s);

/** Write a counterexample atomically (temp file + rename); returns its path. */
export function saveCounterexample(dir: string, row: ProveRow): string {
  const entry = row.entry ?? row.explored!.entry;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${entry.proposal}.${row.property}.json`);
  writeAtomic(file, serialiseEntry(entry));
  return file;
}

function rowLine(r: ProveRow): string {
  // a time budget spent before the first run judged nothing: say so rather than "holds"
  if (r.runs === 0) return `  ${r.property.padEnd(3)} ${propertyTitle(r.property).padEnd(42)} ${colour('not run', 'yellow')} (the time budget ended before the first run)`;
  const found = r.found === 'holds' ? colour('holds', 'green') : colour('violated', 'red');
  const exp = r.expected ? (r.expected.verdict === r.found ? 'as expected' : colour(`EXPECTED ${r.expected.verdict}`, 'yellow')) : 'no expectation';
  const stats = r.found === 'holds' ? `${r.runs} runs, seed ${r.seed}, ${formatDuration(r.timeMs)}`
    : `after ${r.runs} runs, seed ${r.seed}, ${formatDuration(r.timeMs)}, ${r.entry!.ops.length} ops`;
  const ex = r.exhaustive ? ` · ${formatExhaustive(r.exhaustive)}${enginesDisagree(r.found, r.exhaustive) ? colour(' — ENGINES DISAGREE', 'red') : ''}` : '';
  return `  ${r.property.padEnd(3)} ${propertyTitle(r.property).padEnd(42)} ${found} (${stats})${ex} — ${exp}`;
}

function propertyTitle(id: string): string {
  return id === 'R' ? 'no regression for old userspace' : propertyById(id)?.title ?? id;
}

/** `prove --rules`: every named rule, its signature, the function it stands for and the policy fields it replaces. */
export function ruleLines(): string[] {
  const out = ['Named rules (types/rules.ts; named implementations in model/rules.ts). A proposal file may export',
    '`rules: { <name>: function }` beside or instead of `policy`; they are in force on the proposal\'s side only.', ''];
  for (const r of RULE_SPECS) {
    out.push(`${r.name} ${r.signature}`, `    ${r.source}`, `    stands for: ${r.fields.join(', ')}`);
  }
  return out;
}

/** Rows where fast-check and explore reached different verdicts within their bounds. */
export function disagreements(rows: readonly ProveRow[]): ProveRow[] {
  return rows.filter(r => r.exhaustive !== undefined && r.runs > 0 && enginesDisagree(r.found, r.exhaustive));
}

/** `prove --patch`'s default budget: eight properties under both engines, and the patch loaded, within a minute on a 2-core machine. */
export const PATCH_TIME_MS = 45_000;

export interface ProveCliOptions extends ProveOptions {
  readonly out: string;
  readonly timeMs?: number;
}

/**
 * One property's options: with a time budget, its share of what is left (the time left over by
 * the properties before it, which often finish early, goes to the ones after).
 */
function perPropertyOptions(o: ProveCliOptions, leftMs: number | undefined, propertiesLeft: number): ProveOptions {
  const share = leftMs === undefined ? undefined : Math.max(0, leftMs) / Math.max(1, propertiesLeft);
  // --time bounds both engines: the exhaustive search gets no more than the property's share
  const exhaustive = o.exhaustive && share !== undefined ? { ...o.exhaustive, timeMs: Math.min(o.exhaustive.timeMs ?? share, share) } : o.exhaustive;
  return {
    seed: o.seed, runs: o.runs, ...(share !== undefined ? { timeMsPerProperty: share } : {}),
    ...(exhaustive ? { exhaustive } : {}),
  };
}

/** A property's row, or, when the proposal's own rule failed, a usage error (exit 2) that says so with the trace. */
function proveOrFault(p: Proposal, id: PropertyId, opts: ProveOptions): ProveRow {
  try {
    return proveProperty(p, id, opts);
  } catch (e) {
    if (e instanceof ProposalFault) throw new UsageError(faultLines(p, e.property, e.error, e.profile, e.ops).join('\n'));
    throw e;
  }
}

/** One proposal's verdict table. Exit status: 0 all hold, 1 any violated; a proposal's rule failing: exit 2. */
export function proveOne(p: Proposal, o: ProveCliOptions, log: (l: string) => void, files = new Map<ProveRow, string>()): { rows: ProveRow[]; status: number; report: () => ProveReport } {
  const deadline = o.timeMs === undefined ? undefined : performance.now() + o.timeMs;
  log(colour(`${p.id}: ${p.title}`, 'bold'));
  log(`  ${p.fate}: ${p.history}`);
  const rules = proposalRuleNames(p);
  if (rules.length > 0) {
    log(`  its own rules: ${rules.join(', ')} (in force on the proposal's side; the model only: no implementation has them, so P0 and the`);
    log('  implementation side of each property do not apply)');
  }
  const rows: ProveRow[] = [];
  const ids = applicableProperties(p);
  for (const [i, id] of ids.entries()) {
    const r = proveOrFault(p, id, perPropertyOptions(o, deadline === undefined ? undefined : deadline - performance.now(), ids.length - i));
    rows.push(r);
    log(rowLine(r));
    if (r.found === 'violated') {
      log(`      ${r.violation!.message}`);
      for (const l of r.trace!) log(`        ${l}`);
    } else if (r.explored) {
      log(`      explore's shortest trace: ${r.explored.violation.message}`);
      for (const l of r.explored.trace) log(`        ${l}`);
    }
    if (r.found === 'violated' || r.explored) {
      const file = saveCounterexample(o.out, r);
      files.set(r, file);
      log(`      counterexample: ${file}`);
    }
  }
  const notRun = rows.filter(r => r.runs === 0).length;
  if (notRun > 0) log(colour(`  ${notRun} of ${rows.length} properties not run: give a larger --time to judge them`, 'yellow'));
  const status = rows.some(r => r.found === 'violated' || r.exhaustive?.found === 'violated') || disagreements(rows).length > 0 ? 1 : 0;
  // built when asked (prove --json): proveAll makes one report of every proposal instead
  return { rows, status, report: () => proveReport([p], new Map([[p.id, rows]]), files, o.seed, status) };
}

/** The whole matrix. Exit status 1 when any found verdict differs from the catalogue's. */
export function proveAll(o: ProveCliOptions, log: (l: string) => void, proposals: readonly Proposal[] = CATALOGUE): { rows: Map<string, ProveRow[]>; status: number; report: ProveReport } {
  const all = new Map<string, ProveRow[]>();
  const files = new Map<ProveRow, string>();
  for (const p of proposals) all.set(p.id, proveOne(p, o, log, files).rows);
  log('');
  for (const l of matrix(proposals, all)) log(l);
  const bad = [...all.entries()].flatMap(([id, rows]) => [
    ...surprises(rows).map(r => `${id} ${r.property}`),
    ...disagreements(rows).map(r => `${id} ${r.property} (fast-check ${r.found}, explore ${r.exhaustive!.found})`),
  ]);
  log(bad.length === 0 ? colour('\nevery found verdict matches the catalogue', 'green')
    : colour(`\n${bad.length} verdict(s) differ from the catalogue: ${bad.join(', ')}`, 'red'));
  const status = bad.length === 0 ? 0 : 1;
  return { rows: all, status, report: proveReport(proposals, all, files, o.seed, status) };
}

export const PROVE_SCHEMA = 'negcheck-prove-report/1';

/** One row of `prove --json`: the verdicts of both engines, the expectation and the counterexample's file. */
export interface ProveJsonRow {
  readonly property: string;
  readonly expected: string | null;
  readonly found: string;
  readonly runs: number;
  readonly timeMs: number;
  readonly exhaustive: string | null;
  readonly message: string | null;
  readonly trace: readonly string[] | null;
  readonly file: string | null;
  /** the found verdict is not the catalogue's */
  readonly surprise: boolean;
  /** fast-check and explore reached different verdicts within their bounds */
  readonly disagree: boolean;
}

/** `prove --json FILE`: every proposal judged, each row as the matrix shows it (schema in README "Report inputs"). */
export interface ProveReport {
  readonly schema: typeof PROVE_SCHEMA;
  readonly seed: number;
  readonly proposals: readonly { readonly id: string; readonly title: string; readonly fate: string; readonly rows: readonly ProveJsonRow[] }[];
  readonly exitCode: number;
}

export function proveReport(proposals: readonly Proposal[], all: ReadonlyMap<string, readonly ProveRow[]>, files: ReadonlyMap<ProveRow, string>, seed: number, exitCode: number): ProveReport {
  return {
    schema: PROVE_SCHEMA, seed, exitCode,
    proposals: proposals.filter(p => all.has(p.id)).map(p => ({
      id: p.id, title: p.title, fate: p.fate,
      rows: all.get(p.id)!.map(r => ({
        property: r.property, expected: r.expected?.verdict ?? null, found: r.runs === 0 ? 'not run' : r.found, runs: r.runs, timeMs: Math.round(r.timeMs),
        exhaustive: r.exhaustive?.found ?? null,
        message: r.violation?.message ?? r.explored?.violation.message ?? null,
        trace: r.trace ?? r.explored?.trace ?? null,
        file: files.get(r) ?? null,
        surprise: surprises([r]).length > 0, disagree: disagreements([r]).length > 0,
      })),
    })),
  };
}

export function writeProveJson(file: string, report: ProveReport): void {
  writeAtomic(file, stringifyJson(report));
}

/** proposals × properties: holds / VIOLATED (found), '!' where it differs from the expectation, '·' not applicable. */
export function matrix(proposals: readonly Proposal[], all: ReadonlyMap<string, readonly ProveRow[]>): string[] {
  const w = Math.max(...proposals.map(p => p.id.length));
  const head = `${'proposal'.padEnd(w)}  ${PROPERTY_IDS.map(id => id.padEnd(9)).join('')}fate`;
  const lines = [head];
  for (const p of proposals) {
    const rows = all.get(p.id) ?? [];
    const cells = PROPERTY_IDS.map(id => {
      const r = rows.find(x => x.property === id);
      if (!r) return '·'.padEnd(9);
      if (r.runs === 0) return 'not run'.padEnd(9);
      const text = (r.found === 'holds' ? 'holds' : 'VIOLATED') + (r.expected && r.expected.verdict !== r.found ? '!' : '') +
        (r.exhaustive && enginesDisagree(r.found, r.exhaustive) ? '≠' : '');
      return text.padEnd(9);
    });
    lines.push(`${p.id.padEnd(w)}  ${cells.join('')}${p.fate}`);
  }
  return lines;
}
