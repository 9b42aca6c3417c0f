// R no regression ("if a change results in user programs breaking, it's a bug in the kernel"):
// an old userspace, one written against the baseline, gets from the proposal what it got from
// the baseline, step by step.
//
// What "the same" means, and why:
// - offers may grow: the values of GET_FEATURES, GET_BACKEND_FEATURES and GET_HW_INFO are how
//   features are added, so their return codes are compared, and of the feature words that no
//   bit the baseline offered is gone (a VMM that used it loses it); what the VMM passed to
//   VHOST_SET_FEATURES is not compared (its result, and everything after, is);
// - a call the baseline refused (a negative return) may succeed on the proposal: that is a
//   relaxation, not a break, and the two runs legitimately part ways there, so the comparison
//   stops at it. So may it be refused with another errno (e2ae38cf3d91 turned size-0 batch
//   messages' -EINVAL into -EFAULT, and no one's program broke); but an answer no syscall gives
//   (types/answer.ts: an errno returned positive) is neither;
// - old userspace sets only bits the baseline kernel offered, and never the bits the proposal
//   introduces (`newBits`);
// - with the guest side in (`oldGuests`, a patch), a device's offer to its driver may grow too: a
//   probe that saw more bits offered parts ways there, as a relaxation does.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { answerOf, returnCode } from '../types/answer.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { PolicyPatch, Profile } from '../types/profile.ts';
import type { VmmProfile } from '../types/policy.ts';
import type { Stack, StackFactory } from '../types/stack.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import * as U from '../types/uapi.ts';
import { hwInfoOpArb, smmuProfileArb } from '../generators/smmu.ts';
import { featuresArrayOpArb, kernelPolicyArb, pageMapWith, qemuEnottyFallbackVmm, vhostOpWith, vocabularyArb, iotlbSetupArb } from '../generators/vhost.ts';
import { guestAckedArb, qemuNoIommu } from './i2-no-silent-iotlb.ts';
import { guestOpArb, guestProfileArb } from '../generators/guest.ts';
import { crosvmFixed, crosvmOld, qemuExtendedVmm, qemuVmm, upstreamGuest } from '../generators/profiles.ts';
import { sidesFor, type PropertyDef, type Side, type Subject, type Violation } from '../types/property.ts';
import { changeSides, type NewBits, type PolicyChange } from '../types/change.ts';

export type { NewBits };

/** One step of the two runs, for the side-by-side trace. */
export interface RegressionStep {
  readonly op: Op;
  readonly baseline: Observation;
  readonly proposal: Observation;
}

/** The ops whose values are offers. */
export const OFFERS: ReadonlySet<Op['kind']> = new Set(['GET_FEATURES', 'GET_BACKEND_FEATURES', 'GET_HW_INFO']);

/** Which part of an observation an old userspace can depend on exactly (of an offer, its return code: offers may grow). */
function dependedOn(op: Op, o: Observation): unknown {
  if (OFFERS.has(op.kind)) return 'ret' in o ? o.ret : o;
  if (o.kind === 'vmm') return o.ret;
  return o;
}

/** A driver probe on a device that offers more than on the baseline (every bit it offered, and more). */
const offerGrew = (b: Observation, p: Observation): boolean =>
  b.kind === 'probe' && p.kind === 'probe' && p.transcript.offered !== b.transcript.offered &&
  (p.transcript.offered & b.transcript.offered) === b.transcript.offered;

/**
 * A feature offer (GET_FEATURES, GET_BACKEND_FEATURES) that lost a bit the baseline's had. Not
 * GET_HW_INFO's IDR: a kernel may hide ID-register bits it reports (hwinfo-kernel-sanitises, seed
 * 003: a VMM that masks to what it knows builds the same guest IDR from them).
 */
const offerShrank = (b: Observation, p: Observation): boolean =>
  b.kind === 'value' && p.kind === 'value' && (b.value & ~p.value) !== 0n;

/** Whether an old userspace sees the same of a step on both sides. */
export const sameForOldUserspace = (op: Op, b: Observation, p: Observation): boolean =>
  isDeepStrictEqual(dependedOn(op, b), dependedOn(op, p)) && !(OFFERS.has(op.kind) && offerShrank(b, p));

/**
 * Where two runs that differ part ways legitimately, so that nothing after is judged: a call the
 * baseline refused and the proposal answers otherwise, as a syscall can (a relaxation), or a probe
 * of a device that offers more. A call both refuse alike has not parted ways: what else the old
 * userspace sees of it (the buffer a failed VHOST_GET_FEATURES_ARRAY left, a MISS a failed start queued) is compared.
 */
export const partsWays = (op: Op, baseline: Observation, proposal: Observation): boolean =>
  (answerOf(op, baseline) === 'refusal' && answerOf(op, proposal) !== 'malformed' && returnCode(baseline) !== returnCode(proposal)) || offerGrew(baseline, proposal);

/** Ops only a VMM with the array feature ioctls issues (QEMU since f412c1f57ab5). */
const FEATURES_ARRAY: ReadonlySet<Op['kind']> = new Set(['GET_FEATURES_ARRAY', 'SET_FEATURES_ARRAY']);

/** Ops only a VMM that speaks the IOTLB protocol issues. */
const IOTLB_PROTOCOL: ReadonlySet<Op['kind']> = new Set(['SET_BACKEND_FEATURES', 'IOTLB_WRITE', 'IOTLB_WRITE_RAW', 'IOTLB_READ']);

/**
 * The script as an old userspace would issue it on this baseline: bits the baseline did not
 * offer and new bits masked; no IOTLB protocol from a VMM that does not speak it, and no array
 * feature ioctls from a VMM that knows only the 64-bit ones (they did not exist for it).
 */
export function asOldUserspace(baseline: Stack, ops: readonly Op[], newBits: NewBits, vmm: Pick<VmmProfile, 'speaksIotlb' | 'featuresIoctls'>): Op[] {
  const offered = baseline.apply({ kind: 'GET_FEATURES' });
  const offeredBackend = baseline.apply({ kind: 'GET_BACKEND_FEATURES' });
  const features = (offered.kind === 'value' ? offered.value : 0n) & ~(newBits.features ?? 0n);
  const backend = (offeredBackend.kind === 'value' ? offeredBackend.value : 0n) & ~(newBits.backendFeatures ?? 0n);
  const arrayIoctls = vmm.featuresIoctls !== '64-bit';
  return ops.filter(op => (vmm.speaksIotlb || !IOTLB_PROTOCOL.has(op.kind)) && (arrayIoctls || !FEATURES_ARRAY.has(op.kind))).map(op =>
    op.kind === 'SET_FEATURES' ? { ...op, features: op.features & features }
      : op.kind === 'SET_BACKEND_FEATURES' ? { ...op, features: op.features & backend }
        : op.kind === 'VMM_SET_FEATURES' ? { ...op, guestFeatures: op.guestFeatures & ~(newBits.features ?? 0n) }
          : op);
}

/** What each of R's two runs runs on: the same model or implementation, or (a patch) the model before it and the patched one. */
export interface RegressionSides {
  readonly baseline: StackFactory;
  readonly proposal: StackFactory;
}

/** One factory on both sides: a policy change judged on the model, or on the implementation. */
export const sameOnBothSides = (factory: StackFactory): RegressionSides => ({ baseline: factory, proposal: factory });

/** R's runs on the subject's model: the model on both sides, or a patched model against the model before the patch. */
export const modelSides = (subject: Subject): RegressionSides =>
  (subject.baseline ? { baseline: subject.baseline, proposal: subject.model } : sameOnBothSides(subject.model));

/** The pairs R judges on a subject: per side sidesFor names, the model's (modelSides) and the implementation's. */
export function regressionSides(subject: Subject, prop: Profile): (readonly [Side, RegressionSides])[] {
  return sidesFor(subject, prop).map(([side, factory]) => [side, side === 'impl' ? sameOnBothSides(factory) : modelSides(subject)] as const);
}

/** Both runs of one side (model, impl or a patch), up to the first break or relaxation. */
export function compareRuns(
  sides: RegressionSides, base: Profile, prop: Profile, ops: readonly Op[], newBits: NewBits,
): { steps: RegressionStep[]; broken: number | null } {
  const script = asOldUserspace(sides.baseline(base), ops, newBits, base.vmm);
  const b = sides.baseline(base);
  const p = sides.proposal(prop);
  const steps: RegressionStep[] = [];
  for (let i = 0; i < script.length; i++) {
    const op = script[i]!;
    const step = { op, baseline: b.apply(op), proposal: p.apply(op) };
    steps.push(step);
    if (sameForOldUserspace(op, step.baseline, step.proposal)) continue;
    if (partsWays(op, step.baseline, step.proposal)) return { steps, broken: null };
    return { steps, broken: i };
  }
  return { steps, broken: null };
}

/** R on explicit baseline and proposal profiles (what a saved counterexample replays). */
export function regressionCheck(subject: Subject, base: Profile, prop: Profile, ops: readonly Op[], newBits: NewBits = {}): Violation | null {
  for (const [side, sides] of regressionSides(subject, prop)) {
    const { steps, broken } = compareRuns(sides, base, prop, ops, newBits);
    if (broken !== null) {
      const s = steps[broken]!;
      return {
        step: broken,
        message: `[${side}] old userspace: ${formatOp(s.op)} -> ${formatObservation(s.baseline)} on the baseline, ` +
          `${formatObservation(s.proposal)} on the proposal`,
      };
    }
  }
  return null;
}

/**
 * The userspaces R quantifies over: every VMM the seeds name, none of which knows a new feature.
 * QEMU with a vIOMMU is drawn most often: it is the only one that uses the whole vhost uAPI.
 */
export const oldVmmArb: fc.Arbitrary<VmmProfile> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(qemuVmm) },
  { weight: 1, arbitrary: fc.constantFrom(crosvmOld, crosvmFixed, qemuNoIommu) },
);

/** Every VMM the seeds name (oldVmmArb's, unweighted): a proposal's old userspace when it names none. */
export const SEED_VMMS: readonly VmmProfile[] = [qemuVmm, crosvmOld, crosvmFixed, qemuNoIommu];

/**
 * Every VMM in use today, the array-ioctl QEMUs (f412c1f57ab5) included: the old userspace of a
 * patch, which is judged against the kernel at HEAD, where the seeds' VMMs are the old userspace of
 * a proposal written against the kernel of its thread.
 */
export const VMMS_IN_USE: readonly VmmProfile[] = [...SEED_VMMS, qemuExtendedVmm, qemuEnottyFallbackVmm];

/** Any kernel and hardware, an old VMM, the upstream guest; proposals pin what they change. */
export const oldUserspaceProfileArb: fc.Arbitrary<Profile> = fc
  .record({ kernel: kernelPolicyArb, vmm: oldVmmArb, smmu: smmuProfileArb })
  .map(r => ({ ...r, guest: upstreamGuest }));

/** QEMU's whole-range unmap (virtio-iommu detach, vIOMMU reset): INVALIDATE iova 0 size 0 (ca50ec377c2e). */
const WHOLE_RANGE_UNMAP: Op = {
  kind: 'IOTLB_WRITE',
  msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova: 0n, size: 0n, uaddr: 0n, perm: U.VHOST_ACCESS_RW, type: U.VHOST_IOTLB_INVALIDATE },
};

/**
 * What an old userspace does: ioctls and IOTLB messages, the VMM's feature plumbing, hw_info. Well
 * formed maps are drawn again on their own (pageMapWith: a script then holds several), and so are
 * the array feature ioctls: only a third of the VMMs issue them, on vhost-net alone, and their
 * buffer's edges (a count past the VMM's words) are a seventh of their counts.
 */
export const oldUserspaceScriptArb: fc.Arbitrary<Op[]> = fc
  .tuple(iotlbSetupArb, vocabularyArb().chain(v => fc.array(fc.oneof(
    { weight: 8, arbitrary: vhostOpWith(v) },
    { weight: 2, arbitrary: pageMapWith(v) },
    { weight: 1, arbitrary: featuresArrayOpArb },
    { weight: 2, arbitrary: guestAckedArb.map((guestFeatures): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures })) },
    { weight: 1, arbitrary: hwInfoOpArb },
    { weight: 1, arbitrary: fc.constant(WHOLE_RANGE_UNMAP) },
  ), { maxLength: 24, size: 'max' })))
  .map(([a, b]) => [...a, ...b]);


/** R's judge: a change with its baseline (the old userspaces default to every VMM the seeds name). */
export interface RegressionSpec extends PolicyChange {
  readonly id: string;
  readonly baseline: PolicyPatch;
}

/**
 * With the guest side in: any guest, and its transport ops and driver probes first in the script
 * (a relaxation in the VMM's script then cannot end the comparison before them), then the VMM's
 * script. The VMM's script is drawn first, so that its draws, and what they shrink to, are as without guests.
 */
const withOldGuests = (profiles: fc.Arbitrary<Profile>): fc.Arbitrary<Profile> =>
  fc.tuple(profiles, guestProfileArb).map(([profile, guest]) => ({ ...profile, guest }));
const oldGuestScriptArb: fc.Arbitrary<Op[]> = fc.tuple(oldUserspaceScriptArb, fc.array(guestOpArb, { maxLength: 12 })).map(([v, g]) => [...g, ...v]);

/** R for one proposal against its baseline. */
export function noRegression(p: RegressionSpec): PropertyDef {
  const newBits = p.newBits ?? {};
  const vmmProfiles = p.oldVmms
    ? fc.tuple(oldUserspaceProfileArb, fc.constantFrom(...p.oldVmms)).map(([profile, vmm]) => ({ ...profile, vmm }))
    : oldUserspaceProfileArb;
  const profiles = p.oldGuests ? withOldGuests(vmmProfiles) : vmmProfiles;
  return {
    id: 'R',
    title: 'no regression for old userspace',
    statement: 'an old-userspace script gets from the proposal what it got from the baseline, step by step '
      + '(offers may grow, refused calls may start to succeed)',
    source: 'DESIGN.md "Properties"; Linus, seed 000: "if a change results in user programs breaking, it\'s a bug in the kernel"',
    profiles,
    scripts: p.oldGuests ? oldGuestScriptArb : oldUserspaceScriptArb,
    check: (subject, profile, ops) => {
      const sides = changeSides(p, profile);
      return regressionCheck(subject, sides.baseline, sides.proposal, ops, newBits);
    },
  };
}
