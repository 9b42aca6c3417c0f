import { describe, expect, it } from 'vitest';
import { carryDropped } from '../test/mutants.ts';
import { P0 } from './p0-differential.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import { describeRun } from '../harness/report.ts';
import { stackSubject } from '../harness/subject.ts';

describe(`P0 ${P0.title}: ${P0.statement}`, () => {
  it('holds over every party, policy and op (edge-biased u64s)', () => {
    const r = runProperty(P0, stackSubject, { numRuns: scaledRuns(20000), seed: testSeed() });
    expect(r.outcome, describeRun(r, stackSubject)).toBe('holds');
  });

  it('finds an implementation that drops the u64 carry when computing an UPDATE\'s last byte', () => {
    const broken = { model: stackSubject.model, impl: carryDropped(stackSubject.impl) };
    const r = runProperty(P0, broken, { numRuns: scaledRuns(20000), seed: testSeed() });
    console.log(describeRun(r, broken));
    expect(r.outcome).toBe('violated');
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(8);
  });
});
