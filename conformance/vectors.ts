// Kernel conformance vectors (shared/conformance/): traces of calls with the answers the kernel's
// own code gave. Read as JSON lines; u64 values are hex strings. A replay reports every op whose
// answer differs, by trace id and op index, so a misreading of the kernel shows where it starts.

import { readFileSync } from 'node:fs';

export interface VectorTrace<O> {
  readonly id: string;
  readonly ops: readonly O[];
}

export interface Mismatch {
  readonly trace: string;
  /** index of the op in its trace */
  readonly op: number;
  readonly call: string;
  readonly expected: string;
  readonly got: string;
}

export interface ReplayReport {
  readonly traces: number;
  /** ops whose answer was compared */
  readonly compared: number;
  /** ops skipped as the vectors' README allows */
  readonly skipped: number;
  readonly mismatches: readonly Mismatch[];
}

export class VectorFileError extends Error {}

/** One trace a line; a line that is not a trace names the file and line. */
export function readVectorFile<O>(file: string): VectorTrace<O>[] {
  const out: VectorTrace<O>[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let t: unknown;
    try { t = JSON.parse(line); } catch (e) { throw new VectorFileError(`${file}:${i + 1}: not JSON: ${(e as Error).message}`); }
    const rec = t as { id?: unknown; ops?: unknown };
    if (typeof rec.id !== 'string' || !Array.isArray(rec.ops)) throw new VectorFileError(`${file}:${i + 1}: a trace needs "id" (string) and "ops" (array)`);
    out.push({ id: rec.id, ops: rec.ops as O[] });
  });
  return out;
}

/** A hex u64 of the vectors ("0x1f"). */
export function u64Of(v: unknown, where: string): bigint {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(v)) throw new VectorFileError(`${where}: not a hex u64: ${JSON.stringify(v)}`);
  return BigInt(v);
}

export const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** Answers in the vectors' own JSON shape, so expected and got print alike. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? hex(x) : x));
}

/** Collects mismatches for one trace. */
export class TraceChecker {
  compared = 0;
  skipped = 0;
  readonly mismatches: Mismatch[] = [];
  constructor(private readonly trace: string) {}

  check(op: number, call: string, expected: unknown, got: unknown): void {
    this.compared++;
    const e = show(expected);
    const g = show(got);
    if (e !== g) this.mismatches.push({ trace: this.trace, op, call, expected: e, got: g });
  }
}

export function mergeReports(checkers: readonly TraceChecker[]): ReplayReport {
  return {
    traces: checkers.length,
    compared: checkers.reduce((n, c) => n + c.compared, 0),
    skipped: checkers.reduce((n, c) => n + c.skipped, 0),
    mismatches: checkers.flatMap(c => c.mismatches),
  };
}

/** "tiny-24 op 17 translate(...): kernel {...}, got {...}" */
export function formatMismatch(m: Mismatch): string {
  return `${m.trace} op ${m.op} ${m.call}: kernel ${m.expected}, got ${m.got}`;
}
