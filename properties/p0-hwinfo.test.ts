import { describe, expect, it } from 'vitest';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { idrFieldMask, smmuIdrField } from '../types/smmuIdr.ts';
import type { Part, StackFactory } from '../types/stack.ts';
import { createHwInfoImpl } from '../impl/hwinfo.ts';
import { createHwInfoModel } from '../model/hwinfo.ts';
import { hwInfoScriptArb, wideHwInfoProfileArb } from '../generators/smmu.ts';
import { describeHwInfoRun, hwInfoSubject } from '../harness/hwinfo-subject.ts';
import { firstDifference } from './p0-differential.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import type { PropertyDef, Subject } from '../types/property.ts';

/** P0 for the hw_info part: every observation of the model equals the impl's. */
const p0HwInfo: PropertyDef = {
  id: 'P0',
  title: 'model ≡ impl (iommufd hw_info, vSMMU IDR)',
  statement: 'for every profile and script of GET_HW_INFO / VMM_VSMMU_IDR, model and impl observe the same',
  source: 'DESIGN.md P0; seed 003',
  profiles: wideHwInfoProfileArb,
  scripts: hwInfoScriptArb,
  check: firstDifference,
};

/** A planted bug: the impl forgets to copy BBML into the guest's vSMMU IDR3. */
function dropsBbml(factory: StackFactory): StackFactory {
  const mask = idrFieldMask(smmuIdrField('BBML'));
  return (profile: Profile): Part => {
    const part = factory(profile);
    return {
      apply(op: Op): Observation {
        const o = part.apply(op);
        if (op.kind !== 'VMM_VSMMU_IDR' || o.kind !== 'idr') return o;
        return { ...o, idr: o.idr.map((w, i) => (i === 3 ? (w & ~mask) >>> 0 : w)) };
      },
    };
  };
}

describe('P0 model ≡ impl for iommufd hw_info', () => {
  it('agree on random profiles and scripts', () => {
    const r = runProperty(p0HwInfo, hwInfoSubject, { seed: testSeed(), numRuns: scaledRuns(500) });
    expect(r.outcome, describeHwInfoRun(r)).toBe('holds');
  });

  it('finds a planted difference (impl drops BBML from the guest view)', () => {
    const broken: Subject = { model: hwInfoSubject.model, impl: dropsBbml(hwInfoSubject.impl) };
    const r = runProperty(p0HwInfo, broken, { seed: testSeed(), numRuns: scaledRuns(300) });
    expect(r.outcome, describeHwInfoRun(r, broken)).toBe('violated');
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(2);
    expect(r.counterexample!.ops.map(op => op.kind)).toContain('VMM_VSMMU_IDR');
    console.log(describeHwInfoRun(r, broken));
  });

  it('both refuse ops they do not own, and profiles naming unknown fields', () => {
    const unknownField: Profile = { ...upstreamProfile, vmm: { ...upstreamProfile.vmm, knownIdrFields: ['E0PD'] } };
    for (const create of [createHwInfoModel, createHwInfoImpl]) {
      expect(() => create(upstreamProfile).apply({ kind: 'GET_FEATURES' })).toThrow(/does not own/);
      expect(() => create(unknownField)).toThrow(/unknown SMMU IDR field E0PD/);
    }
  });
});
