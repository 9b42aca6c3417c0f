// P0 for explore: model ≡ impl over each invariant's scope (P0@I1 ... P0@I6). P0's own profiles are
// every field of every party, too many for one product; the invariants' scopes already hold the
// edges of each world (iova 0, page boundaries, 2^64-1, each message version, ABI, parent, probe
// flow, IDR word), so the implementation is checked against the model on every trace of them.
//
// The implementation does not snapshot (its index is typed arrays, and a copy per explored state
// would cost more than it saves): its state is the trace that built it, and restore rebuilds it
// and replays the trace (ImplByTrace). That trace is carried as notState: explored states are the
// model's, so two traces that reach the same model state are expanded once, from the first, and an
// implementation state that differs only in what the model cannot see (its index layout, its
// last-hit slot) is judged on the suffixes of the first trace that reached it. This is P0's one
// stated reduction (IMPL_BY_TRACE, printed with every P0 verdict); random search (`negcheck fuzz`)
// covers the rest.
//
// P0@wire is P0's own scope for what no invariant's scope holds (its must-reach lines that
// `explore --compare-fuzz` found outside every scope): v1 messages, an unknown message type,
// reading the queued MISS back, and vring starts that fault through the IOTLB.

import { isDeepStrictEqual } from 'node:util';
import { type NotState, notState } from '../explore/canonical.ts';
import { withMonitor } from '../explore/monitor.ts';
import type { Machine, Monitor } from '../explore/types.ts';
import { createImplStack } from '../impl/stack.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Stack } from '../types/stack.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { VRING_USED_ADDR } from '../types/harness.ts';
import * as U from '../types/uapi.ts';
import { VRING_STARTS } from './i2-no-silent-iotlb.ts';
import { AP, byLevel, HVA, PAGE } from '../generators/values.ts';
import { access1, iotlbMsg } from '../types/ops.ts';
import { axis, describeAxes, makeScope, product, traceOps, withDefaults, type ExploreEntry, type ExploreScope, type ScopeOptions } from '../generators/scope.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bits } from '../types/bits.ts';

/** An implementation state: which profile, and the alphabet ops applied since init. */
export interface ImplByTrace {
  readonly profile: number;
  readonly trace: readonly number[];
}

/** The reduction replayedImplMachine makes, as every P0 verdict states it. */
export const IMPL_BY_TRACE = 'the implementation is judged on the first trace that reaches each model state (its own state is not fingerprinted)';

/** The implementation over `profiles` × `alphabet`, restored by replay. `make` builds a stack (tests plant faulty ones). */
export function replayedImplMachine(
  profiles: readonly Profile[], alphabet: readonly Op[], make: (p: Profile) => Stack = createImplStack,
): Machine<NotState<ImplByTrace>, Observation> {
  let state: ImplByTrace = { profile: 0, trace: [] };
  let stack: Stack | undefined;
  return {
    initCount: profiles.length,
    alphabetSize: alphabet.length,
    init(i: number): void {
      state = { profile: i, trace: [] };
      stack = make(profiles[i]!);
    },
    apply(op: number): Observation {
      if (stack === undefined) throw new Error('replayedImplMachine: apply before init');
      state = { profile: state.profile, trace: [...state.trace, op] };
      return stack.apply(alphabet[op]!);
    },
    snapshot: () => notState(state),
    restore({ value }: NotState<ImplByTrace>): void {
      stack = make(profiles[value.profile]!);
      for (const op of value.trace) stack.apply(alphabet[op]!);
      state = value;
    },
    reductions: [IMPL_BY_TRACE],
  };
}

/** What both sides observed for one op. */
export interface BothObserved {
  readonly model: Observation;
  readonly impl: Observation;
}

/** The model machine and the implementation applying the same op; the state is the model's. */
export function sideBySide<S, T>(model: Machine<S, Observation>, impl: Machine<T, Observation>): Machine<{ model: S; impl: T }, BothObserved> {
  return {
    initCount: model.initCount,
    alphabetSize: model.alphabetSize,
    init(i: number): void { model.init(i); impl.init(i); },
    apply: (op: number): BothObserved => ({ model: model.apply(op), impl: impl.apply(op) }),
    snapshot: () => ({ model: model.snapshot(), impl: impl.snapshot() }),
    restore(s: { model: S; impl: T }): void { model.restore(s.model); impl.restore(s.impl); },
    reductions: [...(model.reductions ?? []), ...(impl.reductions ?? [])],
    ...(model.transitions ? { transitions: () => model.transitions!() } : {}),
  };
}

/** P0's law on one step, as firstDifference words it: the observations must be equal. */
export function differenceMonitor(alphabet: readonly Op[]): Monitor<null, BothObserved> {
  return {
    init: () => {},
    step: (op, o) => (isDeepStrictEqual(o.model, o.impl) ? null
      : `${formatOp(alphabet[op]!)}: model ${formatObservation(o.model)}, impl ${formatObservation(o.impl)}`),
    snapshot: () => null,
    restore: () => {},
  };
}

/** P0 over an invariant's scope. */
export function p0Entry(over: ExploreEntry): ExploreEntry {
  return {
    id: `P0@${over.id}`,
    property: 'P0',
    scope: opts => {
      const scope = over.scope(opts);
      return { ...scope, property: `P0@${over.id}`, describe: () => `P0 (model ≡ impl) over ${scope.describe()}` };
    },
    explorable: (scope, machine) =>
      withMonitor(sideBySide(machine, replayedImplMachine(scope.profiles, scope.alphabet)), differenceMonitor(scope.alphabet)),
    script: traceOps,
  };
}

/** A message type vhost_process_iotlb_msg does not know: it fails, and vhost_chr_write_iter answers -EFAULT. */
const UNKNOWN_MSG_TYPE = 9;

/** P0's wire scope: each vhost device (upstream policies) × the IOTLB protocol end to end. */
export function p0WireScope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const axes = {
    device: axis<Profile['kernel']['device']>('vhost-net', 'vhost-vsock', 'vhost-vdpa'),
    abi: axis<Profile['kernel']['abi']>(...(options.values === 'wide' ? ['lp64', 'i386'] as const : ['lp64'] as const)),
  };
  const profiles = product(axes).map(({ device, abi }): Profile => ({
    ...upstreamProfile,
    kernel: { ...upstreamProfile.kernel, device, abi, ...(abi === 'i386' ? { accessOk: 'x86-32' as const } : {}) },
    vmm: { ...upstreamProfile.vmm, userAbi: abi },
  }));
  const alphabet = byLevel<Op>(options.values,
    [
      { kind: 'SET_FEATURES', features: AP },
      { kind: 'SET_BACKEND_FEATURES', features: bits(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0n, PAGE),
      { kind: 'IOTLB_READ', len: 72 },
      access1(0n),
      ...VRING_STARTS.slice(0, 2),
    ],
    [
      iotlbMsg(U.VHOST_IOTLB_UPDATE, PAGE, PAGE, HVA + PAGE, U.VHOST_ACCESS_RW, { header: U.VHOST_IOTLB_MSG }),
      iotlbMsg(UNKNOWN_MSG_TYPE, 0n, PAGE),
      { kind: 'IOTLB_READ', len: 0 },
      // the page of both used rings, write-only: the used-flags put asks for RO (__vhost_get_user_slow),
      // so a vring start faults without a MISS
      iotlbMsg(U.VHOST_IOTLB_UPDATE, VRING_USED_ADDR[0]! & ~(PAGE - 1n), PAGE, HVA + 0x3000n, U.VHOST_ACCESS_WO),
    ],
    [iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0n, PAGE), access1(PAGE, U.VHOST_ACCESS_WO)],
  );
  return makeScope({
    property: 'P0@wire', options, profiles, alphabet,
    profileLines: [`${describeAxes(axes)} (upstreamProfile otherwise; an i386 kernel is x86-32, its VMM built for it)`],
  });
}

export const P0_WIRE_EXPLORE: ExploreEntry = {
  id: 'P0@wire',
  property: 'P0',
  scope: p0WireScope,
  explorable: (scope, machine) =>
    withMonitor(sideBySide(machine, replayedImplMachine(scope.profiles, scope.alphabet)), differenceMonitor(scope.alphabet)),
  script: traceOps,
};
