import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { I2, i2ProfileArb } from './i2-no-silent-iotlb.ts';
import { crosvmOld, upstreamKernel, upstreamProfile } from './profiles.ts';
import { runProperty, scaledRuns, testSeed } from './property.ts';
import { describeRun } from './report.ts';
import { stackSubject } from './subject.ts';

describe(`I2 ${I2.title}: ${I2.statement}`, () => {
  it('holds for VMMs that mask ACCESS_PLATFORM or allowlist without it, on every IOTLB-enable rule', () => {
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed() });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('holds for crosvm before 4e7d00be on a vhost-vsock that does not advertise ACCESS_PLATFORM (before e13a6915a03f)', () => {
    const profiles = fc.constant({ ...upstreamProfile, vmm: crosvmOld, kernel: { ...upstreamKernel, vsockAccessPlatform: false } });
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(200), seed: testSeed(), profiles });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('is violated by crosvm before 4e7d00be on vhost-vsock since e13a6915a03f (seed 001), with the thread\'s story as the trace', () => {
    const profiles = fc.constant({ ...upstreamProfile, vmm: crosvmOld });
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed(), profiles });
    console.log(describeRun(r, stackSubject));
    expect(r.outcome).toBe('violated');
    const ops = r.counterexample!.ops;
    expect(ops.map(o => o.kind)).toEqual(['VMM_SET_FEATURES', 'VQ_ACCESS']);
    expect(r.counterexample!.violation.message).toMatch(/MISS/);
  });

  it('is violated on the generic profile set when crosvm-old is among the VMMs', () => {
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed(), profiles: i2ProfileArb(fc.constant(crosvmOld)) });
    expect(r.outcome).toBe('violated');
  });
});
