import { describe, expect, it } from 'vitest';
import { qemuExtendedVmm } from '../generators/profiles.ts';
import { featureViewsProfileArb, I7 } from './i7-feature-views.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import { describeRun } from '../harness/report.ts';
import { stackSubject } from '../harness/subject.ts';
import { featuresAfterFeaturesOk, statusBitsCleared, unknownBackendKept, unofferedFeaturesKept } from '../test/mutants.ts';

describe(`I7 ${I7.title}: ${I7.statement}`, () => {
  it('holds on kernels without the array ioctls and with the clear_user fix, for every VMM', () => {
    const r = runProperty(I7, stackSubject, { numRuns: scaledRuns(1000), seed: testSeed() });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  // the merged 333c515d1896 cleared the words past count from the buffer's start, over what it had just copied
  it('is violated by the kernel as first merged (clear_user from the start of the buffer)', () => {
    const profiles = featureViewsProfileArb(['clear-at-start'], ['lp64'], [qemuExtendedVmm]);
    const r = runProperty(I7, stackSubject, { numRuns: scaledRuns(1000), seed: testSeed(), profiles });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('violated');
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(2);
  });

  // the laws the patch-mutation score found missing (issue 27): a relaxation R lets through by design
  it.each([
    ['keeps the offered part of a VHOST_SET_FEATURES on net/vsock', unofferedFeaturesKept(stackSubject.model), /VHOST_SET_FEATURES bits .* were never offered/],
    ['keeps the offered part of a VHOST_SET_BACKEND_FEATURES', unknownBackendKept(stackSubject.model), /VHOST_SET_BACKEND_FEATURES bits .* were never offered/],
    ['takes a vhost-vdpa SET_FEATURES after FEATURES_OK', featuresAfterFeaturesOk(stackSubject.model), /accepted after the device showed FEATURES_OK/],
    ['takes a vhost-vdpa SET_STATUS that clears bits without a reset', statusBitsCleared(stackSubject.model), /cleared bits .* without a reset/],
  ] as const)('is violated by a model that %s', (_name, model, message) => {
    const broken = { model, impl: stackSubject.impl };
    const r = runProperty(I7, broken, { numRuns: scaledRuns(1000), seed: testSeed() });
    expect(r.outcome, describeRun(r, broken)).toBe('violated');
    expect(r.counterexample!.violation.message).toMatch(message);
    // the script shrinks chunk by chunk: the offer may come from one chunk's GET and the SET from another's (the vdpa status chunk, 4 ops)
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(6);
  });
});
