import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { I4, i4ProfileArb, identityAccess } from './i4-persistence.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import { describeRun } from '../harness/report.ts';
import { stackSubject } from '../harness/subject.ts';

describe(`I4 ${I4.title}: ${I4.statement}`, () => {
  it('holds for v6.7 compat_reset on every parent kind', () => {
    const r = runProperty(I4, stackSubject, { numRuns: scaledRuns(1500), seed: testSeed() });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('is violated by Jason\'s first pseudo-code (reset; if !IOTLB_PERSIST reset_map) on an on-chip parent whose reset_map restores 1:1', () => {
    const profiles = i4ProfileArb(fc.constant('reset-then-reset-map')).filter(p => p.kernel.parent === 'onchip-reset-map');
    const r = runProperty(I4, stackSubject, { numRuns: scaledRuns(1500), seed: testSeed(), profiles });
    console.log(describeRun(r, stackSubject));
    expect(r.outcome).toBe('violated');
    expect(r.counterexample!.violation.message).toMatch(/old userspace on onchip-reset-map/);
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(6);
  });

  it('is violated by a kernel that offers IOTLB_PERSIST while mlx5/vdpa_sim .reset still clears maps', () => {
    const profiles = i4ProfileArb(fc.constant('persist-bit-without-compat-reset')).filter(p => p.kernel.parent === 'vendor-clears');
    const r = runProperty(I4, stackSubject, { numRuns: scaledRuns(1500), seed: testSeed(), profiles });
    expect(r.outcome).toBe('violated');
    expect(r.counterexample!.violation.message).toMatch(/IOTLB_PERSIST acked/);
  });

  it('holds before v6.7 on every parent: the kernel refuses IOTLB_PERSIST, so a userspace that asks for it keeps the old reset', () => {
    const r = runProperty(I4, stackSubject, { numRuns: scaledRuns(1500), seed: testSeed(), profiles: i4ProfileArb(fc.constant('plain-reset')) });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('knows the identity passthrough faults an access that wraps past 2^64 (translate_desc fixes last up front)', () => {
    expect(identityAccess((1n << 64n) - 1n, 2)).toEqual({ kind: 'access', outcome: 'fault', errno: 14 });
    expect(identityAccess((1n << 63n) - 1n, 2)).toEqual({ kind: 'access', outcome: 'ok', segments: [[(1n << 63n) - 1n, 1], [1n << 63n, 1]] });
  });
});
