// A machine and a property's monitor explored as one state: (machine state, monitor state).

import type { FingerprintSink } from './fingerprint.ts';
import type { Explorable, Machine, Monitor } from './types.ts';

export interface Paired<S, M> {
  readonly machine: S;
  readonly monitor: M;
}

/**
 * The product of a machine and a monitor. Both serialise into one fingerprint, machine first:
 * each part's serialisation is self-delimiting (fixed layout, lengths first), so the
 * concatenation is too.
 */
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
    fingerprint(sink: FingerprintSink): void {
      machine.fingerprint(sink);
      monitor.fingerprint(sink);
    },
    ...(machine.transitions ? { transitions: () => machine.transitions!() } : {}),
  };
}
