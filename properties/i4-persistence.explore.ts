// I4 for explore: vhost-vdpa on every parent kind, with v6.7's compat_reset (over the proposal
// scope: every reset rule); ops: backend-feature acks (IOTLB_PERSIST or not), maps and unmaps,
// batches, resets, and the accesses that probe what the device can reach. The monitor keeps
// whether IOTLB_PERSIST was acked last.
//
// The checker probes around each reset with every access of its script (applied between the
// script's ops). Explore's monitor only sees observations, so the probing is done by the
// machine: withResetProbes wraps the model machine so that a reset op applies every access of
// the alphabet just before and just after the reset, and observes all of it (vhost-vdpa accesses
// have no side effect). A verdict then covers every probe of the alphabet after every trace;
// the checker replays an explore trace with those accesses appended (script()).

import { withMonitor } from '../explore/monitor.ts';
import type { Machine } from '../explore/types.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { ParentKind } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { KERNEL_VALUES } from '../generators/vhost.ts';
import { U64_MAX, bits } from '../types/bits.ts';
import { byLevel, HVA, PAGE } from '../generators/values.ts';
import { access1, iotlbMsg } from '../types/ops.ts';
import {
  axis, describeAxes, lawMonitor, makeScope, product, traceOps, withDefaults, type ExploreEntry, type ExploreScope, type ScopeOptions,
} from '../generators/scope.ts';
import { i4Profile, isReset, persistenceLaw, probeAroundReset, type ResetProbed } from './i4-persistence.ts';

type Access = Extract<Op, { kind: 'VQ_ACCESS' }>;
const isAccess = (op: Op): op is Access => op.kind === 'VQ_ACCESS';

const backend = (...bs: number[]): Op => ({ kind: 'SET_BACKEND_FEATURES', features: bits(...bs) });
const status = (s: number): Op => ({ kind: 'VDPA_SET_STATUS', status: s });

export function i4Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const axes = {
    parent: axis<ParentKind>(...KERNEL_VALUES.parent),
    reset: axis(...(options.over === 'scope' ? KERNEL_VALUES.vdpaReset : ['compat-reset'] as const)),
  };
  const alphabet = byLevel<Op>(options.values,
    [
      backend(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_PERSIST),
      // a page at iova 0 mapped elsewhere than 1:1, so the passthrough and the map differ
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0n, PAGE, HVA, U.VHOST_ACCESS_RW),
      status(0),
      access1(0n), access1(PAGE),
    ],
    [
      backend(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH),
      backend(),
      iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0n, PAGE),
      // the top page, read-only: past a platform IOMMU's 48-bit aperture
      iotlbMsg(U.VHOST_IOTLB_UPDATE, U64_MAX - PAGE + 1n, PAGE, HVA + PAGE, U.VHOST_ACCESS_RO),
      iotlbMsg(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n),
      iotlbMsg(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
      access1(U64_MAX),
    ],
    [
      // ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, and a status whose low byte is 0 (a reset too)
      status(0x0f), status(0x100),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0n, 0n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, PAGE, PAGE, HVA, U.VHOST_ACCESS_WO),
      access1(PAGE - 1n), access1(1n << 63n), access1(PAGE, U.VHOST_ACCESS_WO),
    ],
  );
  return makeScope({
    property: 'I4', options, profiles: product(axes).map(i4Profile), alphabet, profileLines: [`vhost-vdpa: ${describeAxes(axes)}`],
    notes: ['probes: every access of the alphabet, just before and just after each reset (withResetProbes)'],
  });
}

/**
 * The machine with I4's probes: a reset op applies the alphabet's accesses before it and, when
 * it succeeded, after it (probeAroundReset, as the checker does), and observes them all.
 */
export function withResetProbes<S>(machine: Machine<S, Observation>, scope: ExploreScope): Machine<S, ResetProbed> {
  const probeIndices = scope.alphabet.flatMap((op, i) => (isAccess(op) ? [i] : []));
  const probes = scope.alphabet.filter(isAccess);
  const resets = scope.alphabet.map(isReset);
  const apply = (i: number): Observation => machine.apply(i);
  return {
    initCount: machine.initCount,
    alphabetSize: machine.alphabetSize,
    init: i => machine.init(i),
    apply: op => ({ ...probeAroundReset(apply, op, resets[op]!, probeIndices), probes }),
    snapshot: () => machine.snapshot(),
    restore: s => machine.restore(s),
    ...(machine.reductions ? { reductions: machine.reductions } : {}),
    ...(machine.transitions ? { transitions: () => machine.transitions!() } : {}),
  };
}

export const I4_EXPLORE: ExploreEntry = {
  id: 'I4',
  scope: i4Scope,
  explorable: (scope, machine) => withMonitor(withResetProbes(machine, scope), lawMonitor(scope, persistenceLaw)),
  // the checker probes with the script's accesses: append the alphabet's, after the reset that broke
  script: (scope, trace) => [...traceOps(scope, trace), ...scope.alphabet.filter(isAccess)],
};
