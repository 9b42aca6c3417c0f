// The model's named rules (types/rules.ts): each policy value as a named implementation, and the
// rules a profile puts in force — its policy's, with a proposal's own functions over them.

import type { Profile } from '../types/profile.ts';
import type { VdpaResetRule } from '../types/policy.ts';
import { type ProbeStep, ProposalRuleError, type ResetMaps, type RuleName, type Rules, ruleSpec, showValue } from '../types/rules.ts';
import {
  VHOST_BACKEND_F_IOTLB_MSG_V2, VHOST_F_IOTLB_SPLIT, VHOST_IOTLB_INVALIDATE, VHOST_IOTLB_UPDATE, ENOTTY, VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
} from '../types/uapi.ts';
import { parentHasPersistentMap, parentOps } from './features.ts';
import { bit, hasBit, U64_MAX } from '../types/bits.ts';
import { assumeNestingFields, keepFields, sanitiseIdr } from './smmuIdr.ts';


// --- iotlbEnable: kernel.iotlbEnable ------------------------------------------------------------

/** upstream: ACCESS_PLATFORM acked ⇒ vhost_init_device_iotlb */
export const accessPlatformTurnsIotlbOn: Rules['iotlbEnable'] = features => hasBit(features, VIRTIO_F_ACCESS_PLATFORM);
/** rejected in seed 000/001: ACCESS_PLATFORM only once IOTLB_MSG_V2 is acked */
export const accessPlatformAfterMsgV2Ack: Rules['iotlbEnable'] = (features, ackedBackend) =>
  hasBit(features, VIRTIO_F_ACCESS_PLATFORM) && hasBit(ackedBackend, VHOST_BACKEND_F_IOTLB_MSG_V2);
/** Linus's split (seed 000): a separate vhost-only bit */
export const splitBitTurnsIotlbOn: Rules['iotlbEnable'] = features => hasBit(features, VHOST_F_IOTLB_SPLIT);

// --- sizeZeroRefused, invalidateRange: kernel.sizeZero -------------------------------------------

/** before e2ae38cf3d91: no check */
export const noSizeZeroCheck: Rules['sizeZeroRefused'] = () => false;
/** e2ae38cf3d91 (v5.17): every type */
export const sizeZeroRefusedForAll: Rules['sizeZeroRefused'] = () => true;
/** 95932ab2ea07: UPDATE and INVALIDATE */
export const sizeZeroRefusedForUpdateInvalidate: Rules['sizeZeroRefused'] = type => type === VHOST_IOTLB_UPDATE || type === VHOST_IOTLB_INVALIDATE;
/** ca50ec377c2e (v6.6): UPDATE only */
export const sizeZeroRefusedForUpdate: Rules['sizeZeroRefused'] = type => type === VHOST_IOTLB_UPDATE;

/** vhost_iotlb_del_range(iova, iova + size - 1): size 0 wraps last to iova - 1, so iova 0 size 0 is the whole space */
export const invalidateLastWraps: Rules['invalidateRange'] = (iova, size) => [iova, (iova + size - 1n) & U64_MAX];

// --- vdpaResetMaps, iotlbPersistOffered: kernel.vdpaReset ----------------------------------------

const clearIf = (c: boolean): ResetMaps => (c ? 'clear' : 'keep');

/** v6.7: compat_reset(CLEAN_MAP unless IOTLB_PERSIST) on parents that have it; the others' .reset keeps maps */
export const compatResetCleansUnlessPersist: Rules['vdpaResetMaps'] = (parent, persist) => clearIf(parentOps(parent).compatReset && !persist);
/** before v6.7 (and the same reset under a persist bit without compat_reset): mlx5_vdpa/vdpa_sim's .reset drops the maps */
export const plainResetOfTheParent: Rules['vdpaResetMaps'] = parent => clearIf(parentOps(parent).compatReset);
/** Jason's first pseudo-code: reset(); if (!IOTLB_PERSIST && reset_map) reset_map() */
export const resetThenResetMap: Rules['vdpaResetMaps'] = (parent, persist) => clearIf(parentOps(parent).resetMap && !persist);
/** maps always survive */
export const mapsAlwaysPersist: Rules['vdpaResetMaps'] = () => 'keep';

export function vdpaResetMapsFor(rule: VdpaResetRule): Rules['vdpaResetMaps'] {
  switch (rule) {
    case 'compat-reset': case 'buggy-reset-map-op': case 'parent-negotiation': case 'reset-clean-map-flag':
      return compatResetCleansUnlessPersist;
    case 'plain-reset': case 'persist-bit-without-compat-reset': return plainResetOfTheParent;
    case 'reset-then-reset-map': return resetThenResetMap;
    case 'unconditional-persist': return mapsAlwaysPersist;
  }
}

/** 4398776f7a6d (v6.7): offered when vhost_vdpa_has_persistent_map */
export const persistWithPersistentMap: Rules['iotlbPersistOffered'] = parent => parentHasPersistentMap(parentOps(parent));
/** before v6.7 the bit does not exist */
export const noPersistBit: Rules['iotlbPersistOffered'] = () => false;

// --- probeSteps: guest.probeFlow -------------------------------------------------------------------

/** 404123c2db79 + 82e89ea077b9 (v5.15-rc): validate reads config before any write */
export const validateBeforeWrite: Rules['probeSteps'] = () => ['negotiate', 'validate', 'write'];
/** 2f9a174f918e: a big-endian guest whose driver validates writes VERSION_1 alone first */
export const writeVersion1First: Rules['probeSteps'] = (offered, bigEndian, hasValidate) =>
  [...(hasValidate && bigEndian && hasBit(offered, VIRTIO_F_VERSION_1) ? ['write-version1' as const] : []), 'negotiate', 'validate', 'write'];
/** mst, Jan 2022 (upstream): write, validate, write again if validate changed anything */
export const ackBeforeAccess: Rules['probeSteps'] = () => ['negotiate', 'write', 'validate', 'write-if-changed'];
/** Halil Pasic's RFC: finalize before validate when VERSION_1 is offered, then finalize again */
export const finalizeBeforeValidate: Rules['probeSteps'] = offered =>
  ['negotiate', ...(hasBit(offered, VIRTIO_F_VERSION_1) ? ['write' as const] : []), 'validate', 'write'];

const PROBE_FLOWS: Readonly<Record<Profile['guest']['probeFlow'], Rules['probeSteps']>> = {
  'validate-before-write': validateBeforeWrite,
  'write-version1-first': writeVersion1First,
  'ack-before-access': ackBeforeAccess,
  'finalize-before-validate': finalizeBeforeValidate,
};

// --- vmmFeatures: vmm.features ---------------------------------------------------------------------

/** crosvm before 4e7d00be: guest ∩ host */
export const intersect: Rules['vmmFeatures'] = (guest, host) => guest & host;
/** crosvm after 4e7d00be: the same with ACCESS_PLATFORM masked */
export const intersectMaskAccessPlatform: Rules['vmmFeatures'] = (guest, host) => guest & host & ~bit(VIRTIO_F_ACCESS_PLATFORM);
/** QEMU: only bits on its known list pass */
export const allowlist = (known: bigint): Rules['vmmFeatures'] => (guest, host) => guest & host & known;

// --- vmmArrayFallback: vmm.featuresIoctls --------------------------------------------------------

/**
 * QEMU f412c1f57ab5: GET falls back on any error (an old kernel reads the count as a vq index and
 * says -ENOBUFS or -ENOTTY); SET falls back unless bits above 63 would be lost.
 */
export const fallBackOnAnyError: Rules['vmmArrayFallback'] = (call, _ret, high) => call === 'get' || high === 0n;
/** falling back only on -ENOTTY, the unknown-ioctl errno an old kernel does not reliably give */
export const fallBackOnEnotty: Rules['vmmArrayFallback'] = (call, ret, high) => ret === -ENOTTY && (call === 'get' || high === 0n);
/** a VMM without the array ioctls never calls them; if asked, it would not fall back */
export const noArrayIoctls: Rules['vmmArrayFallback'] = () => false;

// --- vmmIdr, hwInfoIdr: vmm.idr, kernel.hwInfo ------------------------------------------------------

/** the old VMM of seed 003: copies the reported words as they are */
export const forwardRaw: Rules['vmmIdr'] = reported => [...reported];
/**
 * QEMU following the iommufd kdoc ("Only the following fields should be used ... It is important
 * that VMMs do not read bits outside the list"): the fields it knows, then S1P and COHACC assumed.
 */
export const maskToKnownFields = (known: readonly string[]): Rules['vmmIdr'] => reported => assumeNestingFields(keepFields(reported, known));
/** merged arm_smmu_hw_info: the raw registers ("This reports the raw HW capability", iommufd.h kdoc) */
export const reportRaw: Rules['hwInfoIdr'] = raw => [...raw];
/** the proposal of seed 003: only the fields the kernel supports (and S1P/COHACC, which it always reports) */
export const sanitiseToKernelFields = (fields: readonly string[]): Rules['hwInfoIdr'] => raw => sanitiseIdr(raw, fields);

// --- a profile's rules ------------------------------------------------------------------------------

/** The named implementations a profile's policy values pick. */
export function policyRules(profile: Profile): Rules {
  const { kernel: k, vmm, guest } = profile;
  return {
    iotlbEnable: k.iotlbEnable === 'access-platform' ? accessPlatformTurnsIotlbOn
      : k.iotlbEnable === 'separate-bit' ? splitBitTurnsIotlbOn : accessPlatformAfterMsgV2Ack,
    // the policy fields build the word (model/features.ts vhostDeviceFeatures)
    deviceFeatures: (_device, word) => word,
    sizeZeroRefused: k.sizeZero === 'accept-all' ? noSizeZeroCheck : k.sizeZero === 'reject-all' ? sizeZeroRefusedForAll
      : k.sizeZero === 'reject-update-invalidate' ? sizeZeroRefusedForUpdateInvalidate : sizeZeroRefusedForUpdate,
    invalidateRange: invalidateLastWraps,
    vdpaResetMaps: vdpaResetMapsFor(k.vdpaReset),
    iotlbPersistOffered: k.vdpaReset === 'plain-reset' ? noPersistBit : persistWithPersistentMap,
    probeSteps: PROBE_FLOWS[guest.probeFlow],
    vmmFeatures: vmm.features === 'intersect' ? intersect : vmm.features === 'intersect-mask-access-platform'
      ? intersectMaskAccessPlatform : allowlist(vmm.knownFeatures),
    vmmArrayFallback: vmm.featuresIoctls === 'array-then-64-bit' ? fallBackOnAnyError
      : vmm.featuresIoctls === 'array-then-64-bit-on-enotty' ? fallBackOnEnotty : noArrayIoctls,
    vmmIdr: vmm.idr === 'forward-raw' ? forwardRaw : maskToKnownFields(vmm.knownIdrFields),
    hwInfoIdr: k.hwInfo === 'raw' ? reportRaw : sanitiseToKernelFields(k.kernelIdrFields),
  };
}

/**
 * A proposal's function, made to name itself when it throws or returns a value outside the rule's
 * domain: a ProposalRuleError, which the engines report as an error of the proposal, not a verdict.
 */
function guarded<N extends RuleName>(name: N, fn: Rules[N]): Rules[N] {
  const spec = ruleSpec(name)!;
  return ((...args: unknown[]) => {
    let v: unknown;
    try {
      v = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      throw ProposalRuleError.of(name, args, `threw: ${e instanceof Error ? e.message : String(e)}`);
    }
    const bad = spec.returns(v);
    if (bad !== null) throw ProposalRuleError.of(name, args, `returned ${showValue(v)}; expected ${bad}`);
    return v;
  }) as unknown as Rules[N];
}

const cache = new WeakMap<Profile, Rules>();

/** The rules in force for a profile: its policy's, with the profile's own (a proposal's) over them. */
export function rulesOf(profile: Profile): Rules {
  let r = cache.get(profile);
  if (r) return r;
  r = policyRules(profile);
  if (profile.rules) {
    for (const [name, fn] of Object.entries(profile.rules) as [RuleName, Rules[RuleName]][]) {
      if (fn !== undefined) (r as unknown as Record<string, unknown>)[name] = guarded(name, fn as never);
    }
  }
  cache.set(profile, r);
  return r;
}

export type { ProbeStep };
