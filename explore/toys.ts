// Toy machines with hand-countable state spaces, for the engine's tests and benchmark, and as
// small examples of the Explorable / Machine / Monitor interfaces. Each export is a factory
// taking plain data, so a worker thread can build the same machine (see parallel.ts).

import { ProposalRuleError } from '../types/rules.ts';
import { type NotState, notState } from './canonical.ts';
import { withMonitor } from './monitor.ts';
import type { Explorable, Machine, Monitor } from './types.ts';

/** x in Z5 from 0; ops: 0 x+1, 1 x+2, 2 reset. No property (it always holds). */
export function counterMod5(): Explorable<number> {
  let x = 0;
  return {
    initCount: 1,
    alphabetSize: 3,
    init: () => { x = 0; },
    step(op) {
      x = op === 2 ? 0 : (x + op + 1) % 5;
      return null;
    },
    snapshot: () => x,
    restore: s => { x = s; },
  };
}

export interface ArmedCountersArgs {
  /** a planted bug: the monitor keeps its `armed` flag out of the fingerprint (a false reduction) */
  readonly forgetArmed?: boolean;
}

/**
 * Machine: a in Z5, b in Z3, both 0 at first; ops 0 incA, 1 incB, 2 reset (both to 0); it
 * observes (a, b) after each op. Monitor: `armed` once a reset happened; the property is "no
 * armed trace reaches a = 4 and b = 2". So the explored state is (a, b, armed) and the violation
 * needs a reset first: the shortest violating trace is reset, incA x4, incB x2 (7 ops).
 */
export function armedCounters(args: ArmedCountersArgs = {}): Explorable {
  const ab = { a: 0, b: 0 };
  const machine: Machine<number, number> = {
    initCount: 1,
    alphabetSize: 3,
    init: () => { ab.a = 0; ab.b = 0; },
    apply(op) {
      if (op === 0) ab.a = (ab.a + 1) % 5;
      else if (op === 1) ab.b = (ab.b + 1) % 3;
      else { ab.a = 0; ab.b = 0; }
      return ab.a * 3 + ab.b;
    },
    snapshot: () => ab.a * 3 + ab.b,
    restore: s => { ab.a = Math.floor(s / 3); ab.b = s % 3; },
  };
  let armed = false;
  const monitor: Monitor<boolean | NotState<boolean>, number> = {
    init: () => { armed = false; },
    step(op, seen) {
      if (op === 2) armed = true;
      return armed && seen === 4 * 3 + 2 ? 'an armed trace reached a = 4, b = 2' : null;
    },
    snapshot: () => (args.forgetArmed ? notState(armed) : armed),
    restore: s => { armed = typeof s === 'boolean' ? s : s.value; },
    ...(args.forgetArmed ? { reductions: ['armed is left out (wrongly: the property reads it)'] } : {}),
  };
  return withMonitor(machine, monitor);
}

export interface RegistersArgs {
  /** registers */
  readonly n: number;
  /** each register is in Z_m (m <= 256) */
  readonly m: number;
  /** a violation when every register equals this value */
  readonly target?: number;
}

/**
 * n registers in Z_m, all 0 at first, and 3n ops: for each i, inc r[i]; r[i] = 2 r[i] + 1;
 * r[i] += r[i+1 mod n]. Every one of the m^n states is reachable (inc alone reaches them). For
 * the benchmark and the worker tests; snapshots are copied arrays, as a model's would be.
 */
export function registers(args: RegistersArgs): Explorable<Uint8Array> {
  const { n, m } = args;
  const r = new Uint8Array(n);
  return {
    initCount: 1,
    alphabetSize: 3 * n,
    init: () => { r.fill(0); },
    step(op) {
      const i = op % n;
      const kind = (op - i) / n;
      if (kind === 0) r[i] = (r[i]! + 1) % m;
      else if (kind === 1) r[i] = (2 * r[i]! + 1) % m;
      else r[i] = (r[i]! + r[(i + 1) % n]!) % m;
      if (args.target === undefined) return null;
      for (let j = 0; j < n; j++) if (r[j] !== args.target) return null;
      return `every register is ${args.target}`;
    },
    snapshot: () => r.slice(),
    restore: s => { r.set(s); },
  };
}

export interface FaultRaceArgs {
  /** how long the violating transition takes, so that a later chunk's fault arrives first */
  readonly slowMs: number;
  /** false: state 0 has no violation, so the fault is the result */
  readonly violate?: boolean;
}

/**
 * Three states at depth 1 (x = the op that made it), each in its own chunk at chunkSize 1; with two
 * workers holding two chunks each, state 0's chunk goes to the first and state 2's to the second.
 * From state 0, op 0 is a violation that takes `slowMs`; from state 2, op 0 is a proposal's rule
 * failing at once. BFS order puts the violation first: whatever finishes first, the verdict is the
 * violation, as on one thread.
 */
export function faultRace(args: FaultRaceArgs): Explorable<number> {
  let x = -1;
  return {
    initCount: 1,
    alphabetSize: 3,
    init: () => { x = -1; },
    step(op) {
      if (x === -1) { x = op; return null; }
      if (x === 0 && op === 0 && args.violate !== false) {
        const until = Date.now() + args.slowMs;
        while (Date.now() < until) { /* the slow violation */ }
        return 'the violation first in BFS order';
      }
      if (x === 2 && op === 0) throw ProposalRuleError.of('invalidateRange', [0n, 0x1000n], 'threw: planted');
      x = 3 + op;
      return null;
    },
    snapshot: () => x,
    restore: s => { x = s; },
  };
}
