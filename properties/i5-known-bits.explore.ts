// I5 for explore: hardware IDR words, raw or sanitising kernels with the kdoc baseline (or it and
// BTM), QEMU-like masking VMMs (over the proposal scope also raw-forwarding ones) knowing the
// baseline or less; ops: GET_HW_INFO and building the guest's vSMMU IDR, which is all the
// hw_info world has. Each IDR is judged on its own, so the monitor keeps nothing.

import type { SmmuProfile, HwInfoPolicy, VmmIdrPolicy } from '../types/policy.ts';
import { idrFromFields } from '../types/smmuIdr.ts';
import { SMMU_IDR_FIELDS, SMMU_IDR_WORDS } from '../types/uapi.ts';
import { BASELINE_PLUS_BTM, hwInfoProfile, INTERESTING_IDR_FIELDS } from '../generators/smmu.ts';
import { byLevel } from '../generators/values.ts';
import {
  axis, describeAxes, lawEntry, makeScope, product, withDefaults, type Axis, type ExploreScope, type ScopeOptions,
} from '../generators/scope.ts';
import { knownBitsLaw } from './i5-known-bits.ts';
import { exampleSmmu, SMMU_BASELINE_FIELDS } from '../generators/profiles.ts';

const atMax = (names: readonly string[]): SmmuProfile =>
  ({ idr: idrFromFields(Object.fromEntries(SMMU_IDR_FIELDS.filter(f => names.includes(f.name)).map(f => [f.name, 2 ** f.width - 1]))) });
const ALL_FIELDS = SMMU_IDR_FIELDS.map(f => f.name);

export function i5Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const level = options.values;
  const smmu: Axis<SmmuProfile> = byLevel<readonly [string, SmmuProfile]>(level,
    [['seed 003 hardware (BTM, HTTU, ATS...)', exampleSmmu]],
    [['every field at its maximum', atMax(ALL_FIELDS)], ['all ones, reserved bits too', { idr: new Array<number>(SMMU_IDR_WORDS).fill(0xffff_ffff) }]],
    [['nothing', { idr: new Array<number>(SMMU_IDR_WORDS).fill(0) }], ['the kdoc baseline at its maximum', atMax(SMMU_BASELINE_FIELDS)],
      ...INTERESTING_IDR_FIELDS.map(f => [`${f} only`, atMax([f])] as const)],
  );
  const known = (fields: readonly string[]): readonly [string, readonly string[]] =>
    [fields.length === SMMU_BASELINE_FIELDS.length ? 'the kdoc baseline' : fields.length === 0 ? 'none' : `baseline without ${SMMU_BASELINE_FIELDS.find(f => !fields.includes(f))}`, fields];
  const axes = {
    smmu,
    hwInfo: axis<HwInfoPolicy>('raw', 'sanitise'),
    kernelIdrFields: [['the kdoc baseline', SMMU_BASELINE_FIELDS], ['baseline + BTM', BASELINE_PLUS_BTM]] as Axis<readonly string[]>,
    vmmIdr: axis<VmmIdrPolicy>(...(options.over === 'scope' ? ['mask-baseline', 'forward-raw'] as const : ['mask-baseline'] as const)),
    knownIdrFields: byLevel(level, [known(SMMU_BASELINE_FIELDS)], [known([])], SMMU_BASELINE_FIELDS.map(f => known(SMMU_BASELINE_FIELDS.filter(g => g !== f)))),
  };
  return makeScope({
    property: 'I5', options, profiles: product(axes).map(hwInfoProfile), profileLines: [describeAxes(axes)],
    alphabet: [{ kind: 'GET_HW_INFO' }, { kind: 'VMM_VSMMU_IDR' }],
  });
}

export const I5_EXPLORE = lawEntry('I5', i5Scope, knownBitsLaw);
