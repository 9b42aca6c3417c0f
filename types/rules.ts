// Named rules: every point where the model's behaviour depends on a policy, as a function with a
// typed signature and the kernel (or VMM, or driver) function it stands for. A profile's policy
// values pick the model's named implementations (model/rules.ts); a proposal may bring its own
// functions for any of them (`rules: { iotlbEnable: ... }`), in force on the proposal's side only.

import { PARENT_KINDS, type ParentKind, type PolicyField } from './policy.ts';
import { U64_MAX } from './bits.ts';

/** One step of the guest core's feature negotiation around drv->validate (virtio_dev_probe). */
export type ProbeStep =
  /** dev->features = the offered features the driver knows (virtio_dev_probe's loop over feature_table) */
  | 'negotiate'
  /** dev->features = VERSION_1 alone, written to the device (2f9a174f918e) */
  | 'write-version1'
  /** virtio_finalize_features: write dev->features to the device */
  | 'write'
  /** drv->validate, which may clear bits of dev->features */
  | 'validate'
  /** write again if validate changed dev->features */
  | 'write-if-changed';

export const PROBE_STEPS: readonly ProbeStep[] = ['negotiate', 'write-version1', 'write', 'validate', 'write-if-changed'];

/** What a vDPA reset does to the parent's translation: keep the maps, or go back to the parent's initial view. */
export type ResetMaps = 'keep' | 'clear';

export interface Rules {
  /** vhost_net_set_features / vhost_vsock_set_features: does acking `features` turn the device IOTLB on */
  iotlbEnable(features: bigint, ackedBackend: bigint): boolean;
  /** VHOST_NET_FEATURES / VHOST_VSOCK_FEATURES: the word VHOST_GET_FEATURES returns, given the one the policy builds */
  deviceFeatures(device: 'vhost-net' | 'vhost-vsock', word: bigint): bigint;
  /** vhost_chr_write_iter: does the size-0 check refuse a message of this type whose size is 0 */
  sizeZeroRefused(type: number): boolean;
  /** vhost_process_iotlb_msg / vhost_vdpa_unmap: the range [start, last] an INVALIDATE removes, or null for none */
  invalidateRange(iova: bigint, size: bigint): readonly [bigint, bigint] | null;
  /** vhost_vdpa_reset (_compat_vdpa_reset and the parent's reset ops): the parent's maps after SET_STATUS 0 */
  vdpaResetMaps(parent: ParentKind, persistAcked: boolean): ResetMaps;
  /** vhost_vdpa_get_backend_features / VHOST_SET_BACKEND_FEATURES: is IOTLB_PERSIST offered (and accepted) for this parent */
  iotlbPersistOffered(parent: ParentKind): boolean;
  /** virtio_dev_probe: the feature steps around drv->validate, in order */
  probeSteps(offered: bigint, bigEndian: boolean, driverHasValidate: boolean): readonly ProbeStep[];
  /** the VMM's vhost feature plumbing: the features to set from the guest's acked and the host's offered ones (up to 128 bits) */
  vmmFeatures(guest: bigint, host: bigint): bigint;
  /**
   * the VMM, after VHOST_GET/SET_FEATURES_ARRAY failed with `ret`: retry with the 64-bit ioctl?
   * `high` is what the VMM wants to set above bit 63 (0 for GET)
   */
  vmmArrayFallback(call: 'get' | 'set', ret: number, high: bigint): boolean;
  /** the VMM: the guest's vSMMU IDR0..5 built from the words IOMMU_GET_HW_INFO reported */
  vmmIdr(reported: readonly bigint[]): readonly bigint[];
  /** arm_smmu_hw_info: the IDR0..5 words IOMMU_GET_HW_INFO reports from the hardware's */
  hwInfoIdr(raw: readonly bigint[]): readonly bigint[];
}

export type RuleName = keyof Rules;
export type RuleOverrides = Partial<Rules>;

/** What a reader (and `prove --rules`) needs to know about a rule; `check` validates a proposal's function. */
export interface RuleSpec {
  readonly name: RuleName;
  readonly signature: string;
  /** the kernel, VMM or driver function it stands for */
  readonly source: string;
  /** the policy fields whose behaviour it is: properties that judge these judge the rule */
  readonly fields: readonly PolicyField[];
  /** the number of arguments it is called with */
  readonly arity: number;
  /** arguments to try a proposal's function on when it is loaded */
  readonly samples: readonly (readonly unknown[])[];
  /** a problem with a returned value, or null */
  returns(v: unknown): string | null;
}

const isU64 = (v: unknown): boolean => typeof v === 'bigint' && v >= 0n && v <= U64_MAX;
const bool = (v: unknown): string | null => (typeof v === 'boolean' ? null : 'a boolean');
const features128 = (v: unknown): string | null => (typeof v === 'bigint' && v >= 0n && v < 1n << 128n ? null : 'a bigint of at most 128 bits (two u64 words)');
const idrWords = (v: unknown): string | null =>
  Array.isArray(v) && v.length === 6 && v.every(w => typeof w === 'bigint' && w >= 0n && w <= 0xffff_ffffn) ? null : 'six u32 bigints (IDR0..IDR5)';
const SAMPLE_IDR: readonly bigint[] = [0x0fffffffn, 0n, 0x7fn, 0xffffn, 0x75n, 0n];

export const RULE_SPECS: readonly RuleSpec[] = [
  {
    name: 'iotlbEnable', signature: '(features: bigint, ackedBackend: bigint) => boolean',
    source: 'drivers/vhost/net.c vhost_net_set_features, drivers/vhost/vsock.c vhost_vsock_set_features',
    fields: ['kernel.iotlbEnable'], arity: 2, samples: [[0n, 0n], [1n << 33n, 2n], [U64_MAX, U64_MAX]], returns: bool,
  },
  {
    name: 'deviceFeatures', signature: "(device: 'vhost-net' | 'vhost-vsock', word: bigint) => bigint",
    source: 'drivers/vhost/net.c VHOST_NET_FEATURES, drivers/vhost/vsock.c VHOST_VSOCK_FEATURES (vhost_*_ioctl VHOST_GET_FEATURES)',
    fields: ['kernel.iotlbEnable', 'kernel.vsockAccessPlatform'], arity: 2,
    samples: [['vhost-net', 0x1_0000_0000n], ['vhost-vsock', 0n]],
    returns: features128,
  },
  {
    name: 'sizeZeroRefused', signature: '(type: number) => boolean',
    source: 'drivers/vhost/vhost.c vhost_chr_write_iter (the size-0 check)',
    fields: ['kernel.sizeZero'], arity: 1, samples: [[1], [2], [3], [5], [6], [9]], returns: bool,
  },
  {
    name: 'invalidateRange', signature: '(iova: bigint, size: bigint) => readonly [start: bigint, last: bigint] | null',
    source: 'drivers/vhost/vhost.c vhost_process_iotlb_msg (VHOST_IOTLB_INVALIDATE), drivers/vhost/vdpa.c vhost_vdpa_unmap',
    fields: ['kernel.sizeZero'], arity: 2, samples: [[0n, 0n], [0x1000n, 0x1000n], [U64_MAX, 1n]],
    returns: v => (v === null || (Array.isArray(v) && v.length === 2 && isU64(v[0]) && isU64(v[1])) ? null : 'null or a [start, last] pair of u64 bigints'),
  },
  {
    name: 'vdpaResetMaps', signature: `(parent: ${PARENT_KINDS.map(p => `'${p}'`).join(' | ')}, persistAcked: boolean) => 'keep' | 'clear'`,
    source: 'drivers/vhost/vdpa.c vhost_vdpa_reset / _compat_vdpa_reset, include/linux/vdpa.h vdpa_reset, the parent\'s reset/compat_reset/reset_map',
    fields: ['kernel.vdpaReset'], arity: 2, samples: PARENT_KINDS.flatMap(p => [[p, false], [p, true]]),
    returns: v => (v === 'keep' || v === 'clear' ? null : "'keep' or 'clear'"),
  },
  {
    name: 'iotlbPersistOffered', signature: `(parent: ${PARENT_KINDS.map(p => `'${p}'`).join(' | ')}) => boolean`,
    source: 'drivers/vhost/vdpa.c vhost_vdpa_get_backend_features, vhost_vdpa_has_persistent_map (4398776f7a6d)',
    fields: ['kernel.vdpaReset'], arity: 1, samples: PARENT_KINDS.map(p => [p]), returns: bool,
  },
  {
    name: 'probeSteps', signature: `(offered: bigint, bigEndian: boolean, driverHasValidate: boolean) => (${PROBE_STEPS.map(s => `'${s}'`).join(' | ')})[]`,
    source: 'drivers/virtio/virtio.c virtio_dev_probe',
    fields: ['guest.probeFlow'], arity: 3, samples: [[1n << 32n, false, true], [1n << 32n, true, true], [0n, true, false]],
    returns: v => (Array.isArray(v) && v.every(s => (PROBE_STEPS as readonly unknown[]).includes(s)) ? null : `an array of ${PROBE_STEPS.join(', ')}`),
  },
  {
    name: 'vmmFeatures', signature: '(guest: bigint, host: bigint) => bigint',
    source: 'QEMU hw/virtio/vhost.c vhost_get_features/vhost_ack_features; crosvm devices/src/virtio/vhost',
    fields: ['vmm.features', 'vmm.knownFeatures'], arity: 2, samples: [[0n, 0n], [U64_MAX, 0x3_0000_0000n], [0xan << 64n, 0xan << 64n]], returns: features128,
  },
  {
    name: 'vmmArrayFallback', signature: "(call: 'get' | 'set', ret: number, high: bigint) => boolean",
    source: 'QEMU hw/virtio/vhost-backend.c vhost_kernel_get_features / vhost_kernel_set_features (f412c1f57ab5)',
    fields: ['vmm.featuresIoctls'], arity: 3, samples: [['get', -25, 0n], ['get', -105, 0n], ['set', -95, 0xan]], returns: bool,
  },
  {
    name: 'vmmIdr', signature: '(reported: readonly bigint[]) => bigint[]',
    source: 'QEMU hw/arm/smmuv3-accel (building the guest vSMMU IDR from IOMMU_GET_HW_INFO)',
    fields: ['vmm.idr', 'vmm.knownIdrFields'], arity: 1, samples: [[SAMPLE_IDR]], returns: idrWords,
  },
  {
    name: 'hwInfoIdr', signature: '(raw: readonly bigint[]) => bigint[]',
    source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c arm_smmu_hw_info',
    fields: ['kernel.hwInfo', 'kernel.kernelIdrFields'], arity: 1, samples: [[SAMPLE_IDR]], returns: idrWords,
  },
];

export const RULE_NAMES: readonly RuleName[] = RULE_SPECS.map(s => s.name);

export function ruleSpec(name: string): RuleSpec | undefined {
  return RULE_SPECS.find(s => s.name === name);
}

/**
 * Problems with a proposal's `rules`: an unknown name (with the nearest known one), not a function,
 * more parameters than the rule is called with, or a wrong value returned on one of the rule's
 * sample arguments (a throw there is the proposal's behaviour, judged by the properties).
 */
export function ruleProblems(rules: unknown): string[] {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return ['rules: an object { <ruleName>: function } is required'];
  const out: string[] = [];
  for (const [name, fn] of Object.entries(rules)) {
    const spec = ruleSpec(name);
    if (!spec) { out.push(`rules.${name}: unknown rule${nearest(name)} (negcheck prove --rules lists them)`); continue; }
    if (typeof fn !== 'function') { out.push(`rules.${name}: a function ${spec.signature} is required`); continue; }
    if (fn.length > spec.arity) { out.push(`rules.${name}: takes ${fn.length} arguments, the rule passes ${spec.arity}: ${spec.signature}`); continue; }
    for (const args of spec.samples) {
      let v: unknown;
      try { v = (fn as (...a: unknown[]) => unknown)(...args); } catch { continue; }
      const bad = spec.returns(v);
      if (bad !== null) { out.push(`rules.${name}: returned ${showValue(v)} for (${args.map(a => showValue(a)).join(', ')}); expected ${bad}: ${spec.signature}`); break; }
    }
  }
  return out;
}

/**
 * A rule's argument or result as a proposal author writes it: bigints in hex, arrays and objects
 * spelt out (three levels deep, so a cyclic value prints too).
 */
export function showValue(v: unknown, depth = 3): string {
  if (typeof v === 'bigint') return `${v < 0n ? '-' : ''}0x${(v < 0n ? -v : v).toString(16)}n`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  if (typeof v !== 'object' || v === null) return String(v);
  if (depth === 0) return Array.isArray(v) ? '[…]' : '{ … }';
  if (Array.isArray(v)) return `[${v.map(x => showValue(x, depth - 1)).join(', ')}]`;
  return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${showValue(x, depth - 1)}`).join(', ')} }`;
}


/**
 * A proposal's own rule failed at run time: it threw, or returned a value outside the rule's
 * domain. That is an error of the proposal file, never a property verdict (issue 23: a rule that
 * returned a value outside u64 was reported "violated — as expected"). Every engine stops on it
 * and reports the rule, its arguments in hex and the trace that led there; the commands exit 2.
 * Plain data (rule, args as shown, problem), so it crosses to and from worker threads.
 */
export class ProposalRuleError extends Error {
  override readonly name = 'ProposalRuleError';
  constructor(readonly rule: string, readonly args: readonly string[], readonly problem: string) {
    super(`rule ${rule}(${args.join(', ')}) ${problem}`);
  }

  static of(rule: RuleName, args: readonly unknown[], problem: string): ProposalRuleError {
    return new ProposalRuleError(rule, args.map(a => showValue(a)), problem);
  }

  /** What crosses a thread: structured clone keeps no class. */
  toData(): ProposalRuleErrorData {
    return { rule: this.rule, args: [...this.args], problem: this.problem };
  }

  static fromData(d: ProposalRuleErrorData): ProposalRuleError {
    return new ProposalRuleError(d.rule, d.args, d.problem);
  }
}

export interface ProposalRuleErrorData {
  readonly rule: string;
  readonly args: readonly string[];
  readonly problem: string;
}

/** ", did you mean X?" for a misspelt name (edit distance at most 3). */
function nearest(name: string): string {
  const d = (a: string, b: string): number => {
    const m = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) m[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        m[i]![j] = Math.min(m[i - 1]![j]! + 1, m[i]![j - 1]! + 1, m[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      }
    }
    return m[a.length]![b.length]!;
  };
  const best = [...RULE_NAMES].sort((a, b) => d(name, a) - d(name, b))[0]!;
  return d(name, best) <= 3 ? `, did you mean ${best}?` : '';
}
