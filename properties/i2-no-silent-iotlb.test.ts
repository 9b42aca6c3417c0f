import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VRING_USED_ADDR } from '../types/harness.ts';
import { runScript } from '../types/stack.ts';
import { EFAULT } from '../types/uapi.ts';
import { I2, i2ProfileArb } from './i2-no-silent-iotlb.ts';
import { crosvmOld, upstreamKernel, upstreamProfile } from '../generators/profiles.ts';
import { runProperty, scaledRuns, testSeed, type RunResult } from '../harness/run.ts';
import { describeRun } from '../harness/report.ts';
import { stackSubject } from '../harness/subject.ts';

/** The shrunk trace is the story of seeds 000/001: features programmed, then the vring start fails. */
function expectVringStartStory(r: RunResult, start: string): void {
  expect(r.outcome).toBe('violated');
  const cx = r.counterexample!;
  expect(cx.ops.map(o => o.kind)).toEqual(['VMM_SET_FEATURES', start]);
  expect(cx.violation.step).toBe(cx.ops.length - 1);
  const lastOp = cx.ops.at(-1)!;
  const last = runScript(stackSubject.model(cx.profile), cx.ops).at(-1);
  // the started vq's used->flags: the VMM's address of the ring, read by vhost as an IOVA nobody mapped
  const vq = lastOp.kind === 'NET_SET_BACKEND' ? lastOp.index : 0;
  expect(last).toEqual({ kind: 'vring', ret: -EFAULT, miss: VRING_USED_ADDR[vq] });
}

/** The kernel of seeds 000/001 (2022): the rings stay where the VMM set them when the IOTLB comes on. */
const seedKernel = { ...upstreamKernel, iotlbTransitions: 'keep-rings' as const };

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

  it('is violated by crosvm before 4e7d00be on vhost-vsock since e13a6915a03f (seed 001): the shrunk trace ends in VHOST_VSOCK_SET_RUNNING\'s -EFAULT', () => {
    const profiles = fc.constant({ ...upstreamProfile, vmm: crosvmOld, kernel: seedKernel });
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed(), profiles });
    console.log(describeRun(r, stackSubject));
    expectVringStartStory(r, 'VSOCK_SET_RUNNING');
    expect(r.counterexample!.violation.message).toMatch(/^\[model\] VHOST_VSOCK_SET_RUNNING 1 -> -EFAULT, MISS iova=0x7f00_0000_3000 queued/);
  });

  it('is violated the same way on vhost-net, ending in VHOST_NET_SET_BACKEND\'s -EFAULT', () => {
    const profiles = fc.constant({ ...upstreamProfile, vmm: crosvmOld, kernel: { ...seedKernel, device: 'vhost-net' as const } });
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed(), profiles });
    expectVringStartStory(r, 'NET_SET_BACKEND');
  });

  it('is violated on the generic profile set when crosvm-old is among the VMMs', () => {
    const r = runProperty(I2, stackSubject, { numRuns: scaledRuns(500), seed: testSeed(), profiles: i2ProfileArb(fc.constant(crosvmOld)) });
    expect(r.outcome).toBe('violated');
  });
});
