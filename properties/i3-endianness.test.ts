import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guestStackProfileArb } from '../generators/guest.ts';
import { I3 } from './i3-endianness.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import { describeVirtioRun, virtioSubject } from '../harness/virtio-subject.ts';

describe('I3 endianness consistency', () => {
  it('holds with upstream probe (acknowledge all features before access) for every guest and device', () => {
    const r = runProperty(I3, virtioSubject, { seed: testSeed(), numRuns: scaledRuns(400) });
    expect(r.outcome, describeVirtioRun(r)).toBe('holds');
  });

  it('holds with 2f9a174f918e (BE guests write VERSION_1 alone before validate)', () => {
    const profiles = guestStackProfileArb({ probeFlow: fc.constant('write-version1-first') });
    const r = runProperty(I3, virtioSubject, { seed: testSeed(), numRuns: scaledRuns(300), profiles });
    expect(r.outcome, describeVirtioRun(r)).toBe('holds');
  });

  it('is violated by validate-before-write on a BE guest with a QEMU <= 6.1 transitional device (s390, seed 004)', () => {
    const s390 = guestStackProfileArb({
      probeFlow: fc.constant('validate-before-write'),
      endian: fc.constant('be'),
      transport: fc.constant('transitional'),
      transitionalConfig: fc.constant('native-until-version1-written'),
    });
    const r = runProperty(I3, virtioSubject, { seed: testSeed(), numRuns: scaledRuns(300), profiles: s390 });
    console.log(describeVirtioRun(r));
    expect(r.outcome).toBe('violated');
    const cx = r.counterexample!;
    expect(cx.violation.message).toMatch(/validate: blk_size decoded as/);
    expect(cx.ops.length).toBeLessThanOrEqual(3);
  });
});
