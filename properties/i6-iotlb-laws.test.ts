import { describe, expect, it } from 'vitest';
import { I6 } from './i6-iotlb-laws.ts';
import { asidNotRead, iotlbNotFresh, iovaRangeUnchecked, iotlbOffWhenCleared, lastOffByOne, missPermDropped, notSocketTaken, prefetchSkipped, ringAccessUnchecked, umemUnchecked } from '../test/mutants.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import { describeRun } from '../harness/report.ts';
import { stackSubject } from '../harness/subject.ts';

describe(`I6 ${I6.title}: ${I6.statement}`, () => {
  it('holds on every vhost device, parent, size-0 rule, ABI and IOTLB limit', () => {
    const r = runProperty(I6, stackSubject, { numRuns: scaledRuns(3000), seed: testSeed() });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('is violated by a stack that takes an UPDATE\'s last byte one short (inclusive-last off by one)', () => {
    const broken = { model: lastOffByOne(stackSubject.model), impl: stackSubject.impl };
    const r = runProperty(I6, broken, { numRuns: scaledRuns(3000), seed: testSeed() });
    console.log(describeRun(r, broken));
    expect(r.outcome).toBe('violated');
    // either law sees the short map: an access at its real last byte, or an UPDATE whose range
    // wraps past 2^64 that the short map no longer notices (and so accepts)
    expect(r.counterexample!.violation.message).toMatch(/the map just written says|the maps written since|UPDATE iova=0xffff_ffff_ffff_ffff.*a malformed write must return -14/);
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(8);
  });

  // the table and miss-bytes laws: bugs that only the differential test caught before them
  // the longest shrunk trace each may leave: 8 ops, or for the tear-down (wrong only on a kernel that
  // keeps the IOTLB) the -ENOBUFS chunk it may be found in, whose 14 to 18 one-byte maps are its shape
  it.each([
    ['keeps the old IOTLB on a second ACCESS_PLATFORM ack (no fresh vhost_init_device_iotlb)', iotlbNotFresh, /the maps written since/, 8],
    ['tears the IOTLB down when ACCESS_PLATFORM is acked away on a kernel that keeps it', iotlbOffWhenCleared, /the maps written since|a well-formed INVALIDATE must be accepted/, 2 + 18 + 1],
    ['reads a MISS back with perm 0', missPermDropped(stackSubject.model), /of the MISS read is 0/, 8],
    ['maps a uaddr range the process could not reach (no umem_access_ok)', umemUnchecked(stackSubject.model), /UPDATE .* -> \d+: a malformed write must return -14/, 8],
    ['maps past the platform IOMMU\'s aperture on vhost-vdpa (no iova range check)', iovaRangeUnchecked(stackSubject.model), /UPDATE .* -> \d+: a malformed write must return -14/, 8],
    ['skips the v2 asid word with IOTLB_ASID acked (every write for AS 0)', asidNotRead(stackSubject.model), /asid=.* a malformed write must return -14/, 8],
    ['starts a vring without accessing its used ring (no vhost_vq_init_access)', ringAccessUnchecked(stackSubject.model), /the vring op must observe -EFAULT/, 8],
    ['kicks no worker on a vsock start (no vq_meta_prefetch, no MISS for the RX vq\'s rings)', prefetchSkipped(stackSubject.model), /the vring op must observe 0, MISS/, 8],
    ['takes any fd as a vhost-net backend (no get_socket check)', notSocketTaken(stackSubject.model), /the vring op must observe -ENOTSOCK/, 8],
  ] as const)('is violated by a model that %s', (_name, model, message, longest) => {
    const broken = { model, impl: stackSubject.impl };
    const r = runProperty(I6, broken, { numRuns: scaledRuns(3000), seed: testSeed() });
    expect(r.outcome, describeRun(r, broken)).toBe('violated');
    expect(r.counterexample!.violation.message).toMatch(message);
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(longest);
    expect(r.counterexample!.profile.kernel.iotlbTransitions === 'keep-rings' || model !== iotlbOffWhenCleared).toBe(true);
  });
});
