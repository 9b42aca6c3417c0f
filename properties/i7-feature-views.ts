// I7 feature views agree (333c515d1896 and its fix): the 64-bit and the array ioctls are two views
// of one device's feature words. What VHOST_GET_FEATURES_ARRAY puts in the VMM's buffer is the
// offered words (word 0 = what VHOST_GET_FEATURES says), zeros for the words the VMM counted past
// the kernel's, and nothing past its count; a word above the kernel's that SET is given nonzero is
// refused, never silently dropped, and an acked set holds only offered bits, whether the VMM's own
// VMM_SET_FEATURES (array ioctls first, or the 64-bit ones) or a raw ioctl set it. The backend
// features are a view of their own: VHOST_SET_BACKEND_FEATURES takes only bits
// VHOST_GET_BACKEND_FEATURES offered. On vhost-vdpa the features are fixed once the device shows
// FEATURES_OK, and a status bit goes only by a reset. (The last three were found missing by the
// patch-mutation score, issue 27.)

import fc from 'fast-check';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VmmProfile } from '../types/policy.ts';
import { hex } from '../types/trace.ts';
import { bit } from '../types/bits.ts';
import * as U from '../types/uapi.ts';
import { featureWord } from '../model/featuresArray.ts';
import { FEATURES_ARRAY_WORDS } from '../types/harness.ts';
import { ackedFeaturesArb, backendWordArb, featureWordArb, featuresArrayOpArb, kernelPolicyArb, qemuEnottyFallbackVmm } from '../generators/vhost.ts';
import { qemuExtendedVmm, qemuVmm, upstreamProfile } from '../generators/profiles.ts';
import { lawCheck, onBothSides, type PropertyDef, type StepLaw } from '../types/property.ts';

/** The kernel's u64 feature words (VIRTIO_FEATURES_U64S); words the VMM counts past them are "beyond". */
const KERNEL_WORDS = 2;
const FEATURES_OK = BigInt(U.VIRTIO_CONFIG_S_FEATURES_OK);

/** What the VMM has learnt of the offered words: word 0 from either view, word 1 from the array view; the backend word; vhost-vdpa's device status, as a GET_STATUS last showed it. */
export interface FeatureViews {
  word0: bigint | null;
  word1: bigint | null;
  backend: bigint | null;
  status: bigint | null;
}

function arrayGetProblem(s: FeatureViews, op: Extract<Op, { kind: 'GET_FEATURES_ARRAY' }>, o: Observation): string | null {
  if (o.kind !== 'features-array') return `GET_FEATURES_ARRAY observed '${o.kind}'`;
  if (o.ret !== 0) return null;
  const count = op.count;
  for (let i = 0; i < FEATURES_ARRAY_WORDS; i++) {
    const w = o.words[i]!;
    if (BigInt(i) >= count) {
      if (w !== op.fill) return `features[${i}] is past count ${count} but was written (${hex(w)}, was ${hex(op.fill)})`;
    } else if (i >= KERNEL_WORDS) {
      if (w !== 0n) return `features[${i}] is past the kernel's ${KERNEL_WORDS} words but reads ${hex(w)}, not 0`;
    } else {
      const known = i === 0 ? s.word0 : s.word1;
      if (known !== null && w !== known) return `features[${i}] reads ${hex(w)}, the device offered ${hex(known)}`;
      if (i === 0) s.word0 = w; else s.word1 = w;
    }
  }
  return null;
}

function arraySetProblem(s: FeatureViews, op: Extract<Op, { kind: 'SET_FEATURES_ARRAY' }>, o: Observation): string | null {
  if (o.kind !== 'features-array') return `SET_FEATURES_ARRAY observed '${o.kind}'`;
  if (o.ret !== 0) return null;
  for (let i = KERNEL_WORDS; i < FEATURES_ARRAY_WORDS && BigInt(i) < op.count; i++) {
    if ((op.words[i] ?? 0n) !== 0n) return `features[${i}] = ${hex(op.words[i]!)} is past the kernel's words and was accepted, not refused`;
  }
  for (const [i, known] of [[0, s.word0], [1, s.word1]] as const) {
    const w = BigInt(i) < op.count ? op.words[i] ?? 0n : 0n;
    if (known !== null && (w & ~known) !== 0n) return `word ${i} bits ${hex(w & ~known)} were never offered, and were accepted`;
  }
  return null;
}

/** A VMM_SET_FEATURES the kernel took: the VMM set only bits of the words the views showed offered. */
function vmmSetProblem(s: FeatureViews, o: Observation): string | null {
  if (o.kind !== 'vmm') return `VMM_SET_FEATURES observed '${o.kind}'`;
  if (o.ret !== 0) return null;
  for (const [i, known] of [[0, s.word0], [1, s.word1]] as const) {
    const w = featureWord(o.set, BigInt(i));
    if (known !== null && (w & ~known) !== 0n) return `the VMM set word ${i} bits ${hex(w & ~known)} the kernel never offered, and it took them`;
  }
  return null;
}

/**
 * A raw VHOST_SET_FEATURES the kernel took: on net/vsock only offered bits (vhost_net_set_features'
 * caller and vhost_vsock_dev_ioctl: `features & ~VHOST_*_FEATURES` is -EOPNOTSUPP). vhost-vdpa
 * hands the word to the parent, which may keep `features & supported` (vdpasim_set_driver_features):
 * taking unoffered bits is its freedom there; but not once the device has FEATURES_OK
 * (vhost_vdpa_set_features: "It's not allowed to change the features after they have been
 * negotiated", -EBUSY).
 */
function rawSetProblem(s: FeatureViews, op: Extract<Op, { kind: 'SET_FEATURES' }>, o: Observation, profile: Profile): string | null {
  if (o.kind !== 'ret') return `SET_FEATURES observed '${o.kind}'`;
  if (o.ret >= 0 && profile.kernel.device === 'vhost-vdpa' && ((s.status ?? 0n) & FEATURES_OK) !== 0n) return 'VHOST_SET_FEATURES was accepted after the device showed FEATURES_OK';
  if (o.ret < 0 || profile.kernel.device === 'vhost-vdpa' || s.word0 === null) return null;
  const unoffered = op.features & ~s.word0;
  return unoffered === 0n ? null : `VHOST_SET_FEATURES bits ${hex(unoffered)} were never offered (GET_FEATURES ${hex(s.word0)}), and were accepted`;
}

/**
 * vhost-vdpa takes ENABLE_AFTER_DRIVER_OK from every VMM, offered or not: its SET mask has the bit
 * unconditionally, while its GET shows it only where the parent's get_backend_features does
 * (vhost_vdpa_unlocked_ioctl; Michael Tsirkin on the patch: "so all vdpa devices accept this
 * automatically?"). A freedom of the kernel, not of the law.
 */
const VDPA_TAKEN_UNOFFERED = bit(U.VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK);

/**
 * VHOST_SET_BACKEND_FEATURES takes only what VHOST_GET_BACKEND_FEATURES offered: net/vsock
 * `features & ~VHOST_*_BACKEND_FEATURES` is -EOPNOTSUPP (vhost_net_ioctl, vhost_vsock_dev_ioctl);
 * vhost_vdpa_unlocked_ioctl refuses the bits outside its mask and SUSPEND, RESUME, DESC_ASID and
 * IOTLB_PERSIST where its GET leaves them out.
 */
function backendSetProblem(s: FeatureViews, op: Extract<Op, { kind: 'SET_BACKEND_FEATURES' }>, o: Observation, profile: Profile): string | null {
  if (o.kind !== 'ret') return `SET_BACKEND_FEATURES observed '${o.kind}'`;
  if (o.ret < 0 || s.backend === null) return null;
  const free = profile.kernel.device === 'vhost-vdpa' ? VDPA_TAKEN_UNOFFERED : 0n;
  const unoffered = op.features & ~s.backend & ~free;
  return unoffered === 0n ? null : `VHOST_SET_BACKEND_FEATURES bits ${hex(unoffered)} were never offered (GET_BACKEND_FEATURES ${hex(s.backend)}), and were accepted`;
}

/**
 * vhost_vdpa_set_status: "Userspace shouldn't remove status bits unless reset the status to 0"
 * (-EINVAL). What the status is after a SET_STATUS is the parent's: the law knows it from a
 * GET_STATUS alone.
 */
function statusSetProblem(s: FeatureViews, op: Extract<Op, { kind: 'VDPA_SET_STATUS' }>, o: Observation): string | null {
  const shown = s.status;
  s.status = null;
  if (o.kind !== 'ret' || o.ret < 0 || shown === null) return null;
  const st = BigInt(op.status & 0xff);
  const cleared = shown & ~st;
  return st !== 0n && cleared !== 0n ? `VHOST_VDPA_SET_STATUS ${hex(st)} cleared bits ${hex(cleared)} of the status ${hex(shown)} without a reset, and was accepted` : null;
}

export const featureViewsLaw: StepLaw<FeatureViews> = {
  start: () => ({ word0: null, word1: null, backend: null, status: null }),
  step(s, op, o, profile) {
    switch (op.kind) {
      case 'GET_FEATURES':
        if (o.kind !== 'value' || o.ret !== 0) return null;
        if (s.word0 !== null && o.value !== s.word0) return `VHOST_GET_FEATURES says ${hex(o.value)}, the array view said word 0 is ${hex(s.word0)}`;
        s.word0 = o.value;
        return null;
      case 'SET_FEATURES': return rawSetProblem(s, op, o, profile);
      case 'GET_BACKEND_FEATURES':
        if (o.kind === 'value' && o.ret === 0) s.backend = o.value;
        return null;
      case 'SET_BACKEND_FEATURES': return backendSetProblem(s, op, o, profile);
      case 'VDPA_SET_STATUS': return statusSetProblem(s, op, o);
      case 'VDPA_GET_STATUS':
        s.status = o.kind === 'value' && o.ret === 0 ? o.value : null;
        return null;
      case 'GET_FEATURES_ARRAY': return arrayGetProblem(s, op, o);
      case 'SET_FEATURES_ARRAY': return arraySetProblem(s, op, o);
      case 'VMM_SET_FEATURES': return vmmSetProblem(s, o);
      default: return null;
    }
  },
};

/**
 * vhost-net (where the ioctls are), vsock and vdpa (where they are unknown), with the given array
 * rules; `abis` lp64 alone for the property's own runs: on a 32-bit kernel size_mul takes the u64
 * count - copied as its 32-bit size_t, so a count of 2^32 + 2 clears nothing and succeeds (the
 * catalogue's net-features-array-32bit-count, which pins the ABI).
 */
export function featureViewsProfileArb(rules: readonly Profile['kernel']['featuresArray'][], abis: readonly Profile['kernel']['abi'][], vmms: readonly VmmProfile[]): fc.Arbitrary<Profile> {
  return fc.tuple(kernelPolicyArb, fc.constantFrom(...rules), fc.constantFrom('vhost-net', 'vhost-net', 'vhost-vsock', 'vhost-vdpa') as fc.Arbitrary<Profile['kernel']['device']>,
    fc.constantFrom(...abis), fc.constantFrom(...vmms))
    .map(([k, featuresArray, device, abi, vmm]) => ({
      ...upstreamProfile,
      vmm,
      kernel: { ...k, device, featuresArray, abi, ...(abi === 'i386' ? { accessOk: 'x86-32' as const } : k.abi === 'i386' ? { accessOk: 'x86-64' as const } : {}) },
    }));
}

// the raw SETs come after their GET (the law knows an offer only from it), and each shrinks away whole
const featureViewsScriptArb: fc.Arbitrary<Op[]> = fc.array(fc.oneof(
  { weight: 2, arbitrary: fc.constant<Op[]>([{ kind: 'GET_FEATURES' }]) },
  { weight: 6, arbitrary: featuresArrayOpArb.map(op => [op]) },
  { weight: 2, arbitrary: ackedFeaturesArb.map((guestFeatures): Op[] => [{ kind: 'VMM_SET_FEATURES', guestFeatures }]) },
  { weight: 1, arbitrary: featureWordArb.map((features): Op[] => [{ kind: 'GET_FEATURES' }, { kind: 'SET_FEATURES', features }]) },
  { weight: 1, arbitrary: backendWordArb.map((features): Op[] => [{ kind: 'GET_BACKEND_FEATURES' }, { kind: 'SET_BACKEND_FEATURES', features }]) },
  // vhost-vdpa's device status, FEATURES_OK set or not, then a SET_FEATURES
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(0xb, 0xf, 0x3, 0), featureWordArb, fc.constantFrom(0x3, 0x1, 0x80, 0)).map(([status, features, next]): Op[] =>
      [{ kind: 'VDPA_SET_STATUS', status }, { kind: 'VDPA_GET_STATUS' }, { kind: 'SET_FEATURES', features }, { kind: 'VDPA_SET_STATUS', status: next }]),
  },
  // each backend bit alone: vhost-vdpa checks them one after another (SUSPEND, RESUME, DESC_ASID,
  // IOTLB_PERSIST), so in a word the first refused one hides the checks of the rest
  {
    weight: 1,
    arbitrary: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]).map((bits): Op[] =>
      [{ kind: 'GET_BACKEND_FEATURES' }, ...bits.map((b): Op => ({ kind: 'SET_BACKEND_FEATURES', features: bit(b) }))]),
  },
), { maxLength: 6 }).map(chunks => chunks.flat());

export const I7: PropertyDef = {
  id: 'I7',
  title: 'feature views agree',
  statement:
    'VHOST_GET_FEATURES_ARRAY gives the offered words (word 0 = VHOST_GET_FEATURES), zeros for the words counted past the ' +
    'kernel\'s, and writes nothing past count; SET_FEATURES_ARRAY refuses a nonzero word past the kernel\'s and bits never offered; ' +
    'net/vsock\'s SET_FEATURES and every device\'s SET_BACKEND_FEATURES refuse bits their GET never offered; vhost-vdpa refuses SET_FEATURES once its device shows FEATURES_OK, and a SET_STATUS clearing a bit the device shows unless it writes 0',
  source: '333c515d1896 "vhost-net: allow configuring extended features" ("Zero the trailing space provided by user-space"; ' +
    '"Any feature specified by user-space above VIRTIO_FEATURES_MAX is not supported by definition"); the clear_user fix; ' +
    'drivers/vhost/net.c vhost_net_ioctl, vsock.c vhost_vsock_dev_ioctl, vdpa.c vhost_vdpa_unlocked_ioctl (VHOST_SET_BACKEND_FEATURES), vhost_vdpa_set_features, vhost_vdpa_set_status',
  // kernels as shipped after the fix, and before the ioctls existed
  profiles: featureViewsProfileArb(['absent', 'clear-after-copied'], ['lp64'], [qemuVmm, qemuExtendedVmm, qemuEnottyFallbackVmm]),
  judges: ['kernel.featuresArray', 'vmm.featuresIoctls'],
  // the kernels a VMM meets and every VMM; a proposal about the merged kernel pins featuresArray
  // (net-features-array-merged), one about a 32-bit kernel pins the ABI (net-features-array-32bit-count),
  // so that a VMM proposal is not judged by a kernel bug it did not bring
  scope: featureViewsProfileArb(['absent', 'clear-after-copied'], ['lp64'], [qemuVmm, qemuExtendedVmm, qemuEnottyFallbackVmm]),
  scripts: featureViewsScriptArb,
  check: onBothSides(lawCheck(featureViewsLaw)),
};
