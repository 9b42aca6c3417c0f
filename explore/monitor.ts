// A machine and a property's monitor explored as one state: (machine state, monitor state).

import type { Explorable, Machine, Monitor } from './types.ts';

export interface Paired<S, M> {
  readonly machine: S;
  readonly monitor: M;
}

/** The product of a machine and a monitor: one snapshot of both, fingerprinted whole by the engine. */
export function withMonitor<S, M, O>(machine: Machine<S, O>, monitor: Monitor<M, O>): Explorable<Paired<S, M>> {
  return {
    initCount: machine.initCount,
    alphabetSize: machine.alphabetSize,
    init(i: number): void {
      machine.init(i);
      monitor.init(i);
    },
    step(op: number): string | null {
      return monitor.step(op, machine.apply(op));
    },
    snapshot: () => ({ machine: machine.snapshot(), monitor: monitor.snapshot() }),
    restore(s: Paired<S, M>): void {
      machine.restore(s.machine);
      monitor.restore(s.monitor);
    },
    reductions: [...(machine.reductions ?? []), ...(monitor.reductions ?? [])],
    ...(machine.transitions ? { transitions: () => machine.transitions!() } : {}),
  };
}
