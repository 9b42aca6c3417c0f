import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Part, StackFactory } from '../types/stack.ts';
import { idrFieldMask, idrFieldValue, smmuIdrField } from '../types/smmuIdr.ts';
import { BASELINE_PLUS_BTM, hwInfoProfileArb, smmuFromFieldsArb, smmuProfileArb } from '../generators/smmu.ts';
import { describeHwInfoRun, hwInfoSubject } from '../harness/hwinfo-subject.ts';
import { I5 } from './i5-known-bits.ts';
import { SMMU_BASELINE_FIELDS, upstreamProfile } from '../generators/profiles.ts';
import { runProperty, scaledRuns, testSeed, type RunResult } from '../harness/run.ts';
import type { Subject } from '../types/property.ts';

const field = (idr: readonly number[], name: string): number => idrFieldValue(idr, smmuIdrField(name));

/** A planted bug: a sanitising kernel that also clears S1P and COHACC (the rule before they were kept). */
function sanitiserClearsAssumed(factory: StackFactory): StackFactory {
  const mask = idrFieldMask(smmuIdrField('S1P')) | idrFieldMask(smmuIdrField('COHACC'));
  return (profile: Profile): Part => {
    const part = factory(profile);
    return {
      apply(op: Op): Observation {
        const o = part.apply(op);
        // what the kernel reports, and what a forwarding VMM copies from it
        const fromReport = op.kind === 'GET_HW_INFO' || profile.vmm.idr === 'forward-raw';
        if (profile.kernel.hwInfo !== 'sanitise' || !fromReport || o.kind !== 'idr') return o;
        return { ...o, idr: o.idr.map((w, i) => (i === 0 ? (w & ~mask) >>> 0 : w)) };
      },
    };
  };
}

/** A kernel that sanitises to the kdoc baseline, and a VMM that knows the baseline and forwards raw. */
const baselineKernelRawVmm = () => hwInfoProfileArb({
  hwInfo: fc.constant('sanitise'),
  kernelIdrFields: fc.constant(SMMU_BASELINE_FIELDS),
  vmmIdr: fc.constant('forward-raw'),
  knownIdrFields: fc.constant(SMMU_BASELINE_FIELDS),
});

function expectViolatedWithShortScript(r: RunResult): void {
  expect(r.outcome, describeHwInfoRun(r)).toBe('violated');
  const cx = r.counterexample!;
  expect(cx.ops.length, describeHwInfoRun(r)).toBeLessThanOrEqual(2);
  expect(cx.ops.some(op => op.kind === 'VMM_VSMMU_IDR')).toBe(true);
  console.log(describeHwInfoRun(r));
}

describe('I5 forwarded bits are known bits', () => {
  it('holds for QEMU-like VMMs on raw and sanitising kernels', () => {
    const r = runProperty(I5, hwInfoSubject, { seed: testSeed(), numRuns: scaledRuns(300) });
    expect(r.outcome, describeHwInfoRun(r)).toBe('holds');
  });

  it('worked example: upstream kernel reports BTM and HTTU raw, QEMU masks them and assumes S1P/COHACC', () => {
    const part = hwInfoSubject.model(upstreamProfile);
    const reported = part.apply({ kind: 'GET_HW_INFO' });
    const guest = part.apply({ kind: 'VMM_VSMMU_IDR' });
    if (reported.kind !== 'idr' || guest.kind !== 'idr') throw new Error('expected idr observations');
    expect(reported.idr).toEqual(upstreamProfile.smmu.idr);
    expect([field(reported.idr, 'BTM'), field(reported.idr, 'HTTU')]).toEqual([1, 2]);
    expect([field(guest.idr, 'BTM'), field(guest.idr, 'HTTU'), field(guest.idr, 'ATS'), field(guest.idr, 'S2P')]).toEqual([0, 0, 0, 0]);
    expect([field(guest.idr, 'S1P'), field(guest.idr, 'COHACC')]).toEqual([1, 1]);
    for (const name of SMMU_BASELINE_FIELDS) expect(field(guest.idr, name), name).toBe(field(reported.idr, name));
  });

  it('worked example: a sanitising kernel keeps the kdoc list and S1P/COHACC, clears BTM, HTTU, ATS and S2P', () => {
    const sanitising: Profile = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, hwInfo: 'sanitise' } };
    const reported = hwInfoSubject.model(sanitising).apply({ kind: 'GET_HW_INFO' });
    if (reported.kind !== 'idr') throw new Error('expected an idr observation');
    const hw = upstreamProfile.smmu.idr;
    for (const name of [...SMMU_BASELINE_FIELDS, 'S1P', 'COHACC']) expect(field(reported.idr, name), name).toBe(field(hw, name));
    expect([field(reported.idr, 'S1P'), field(reported.idr, 'COHACC')]).toEqual([1, 1]);
    for (const name of ['BTM', 'HTTU', 'ATS', 'S2P', 'VMID16', 'OAS']) {
      expect(field(hw, name), name).not.toBe(0);
      expect(field(reported.idr, name), name).toBe(0);
    }
  });

  it('is violated when a sanitising kernel clears S1P/COHACC and a VMM forwards its words (planted)', () => {
    const broken: Subject = { model: sanitiserClearsAssumed(hwInfoSubject.model), impl: sanitiserClearsAssumed(hwInfoSubject.impl) };
    const r = runProperty(I5, broken, { seed: testSeed(), numRuns: scaledRuns(100), profiles: baselineKernelRawVmm() });
    expect(r.outcome, describeHwInfoRun(r, broken)).toBe('violated');
    expect(r.counterexample!.violation.message).toMatch(/(S1P|COHACC)=0 hides what the hardware has/);
  });

  it('is violated by a VMM that forwards raw IDR on a raw kernel with BTM/HTTU hardware', () => {
    const profiles = hwInfoProfileArb({
      hwInfo: fc.constant('raw'),
      vmmIdr: fc.constant('forward-raw'),
      knownIdrFields: fc.constant(SMMU_BASELINE_FIELDS),
      smmu: smmuFromFieldsArb({ BTM: 1, HTTU: 2 }),
    });
    const r = runProperty(I5, hwInfoSubject, { seed: testSeed(), numRuns: scaledRuns(100), profiles });
    expectViolatedWithShortScript(r);
    expect(r.counterexample!.violation.message).toMatch(/BTM=1 is not in the VMM's known baseline/);
  });

  it('is violated by an old VMM that forwards raw IDR once a sanitising kernel starts reporting BTM', () => {
    const profiles = hwInfoProfileArb({
      hwInfo: fc.constant('sanitise'),
      kernelIdrFields: fc.constant(BASELINE_PLUS_BTM),
      vmmIdr: fc.constant('forward-raw'),
      knownIdrFields: fc.constant(SMMU_BASELINE_FIELDS),
      smmu: smmuProfileArb,
    });
    const r = runProperty(I5, hwInfoSubject, { seed: testSeed(), numRuns: scaledRuns(100), profiles });
    expectViolatedWithShortScript(r);
    expect(r.counterexample!.violation.message).toMatch(/BTM=1/);
  });

  it('holds for that old VMM while the sanitising kernel reports only the baseline (Robin Murphy\'s case)', () => {
    const profiles = baselineKernelRawVmm();
    const r = runProperty(I5, hwInfoSubject, { seed: testSeed(), numRuns: scaledRuns(100), profiles });
    expect(r.outcome, describeHwInfoRun(r)).toBe('holds');
  });
});
