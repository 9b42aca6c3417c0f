import { describe, expect, it } from 'vitest';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Part, StackFactory } from '../types/stack.ts';
import { guestScriptArb, guestStackProfileArb } from '../generators/guest.ts';
import { firstDifference } from './p0-differential.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { runProperty, scaledRuns, testSeed } from '../harness/run.ts';
import type { PropertyDef, Subject } from '../types/property.ts';
import { describeVirtioRun, virtioSubject } from '../harness/virtio-subject.ts';

/** P0 for the guest virtio part: every observation of the impl equals the model's. */
const p0Virtio: PropertyDef = {
  id: 'P0',
  title: 'model ≡ impl (guest virtio transport and driver probe)',
  statement: 'for every guest profile and script of transport ops and probes, model and impl observe the same',
  source: 'DESIGN.md P0; seed 004',
  profiles: guestStackProfileArb(),
  scripts: guestScriptArb(20),
  check: firstDifference,
};

/** A planted bug: for BE guests the impl returns config bytes in reverse order. */
function swapsConfigForBe(factory: StackFactory): StackFactory {
  return (profile: Profile): Part => {
    const part = factory(profile);
    return {
      apply(op: Op): Observation {
        const o = part.apply(op);
        if (op.kind !== 'CONFIG_READ' || o.kind !== 'config' || profile.guest.endian !== 'be') return o;
        return { ...o, bytes: (o.bytes.match(/../g) ?? []).reverse().join('') };
      },
    };
  };
}

describe('P0 model ≡ impl for the guest virtio part', () => {
  it('agree on random guest profiles and scripts', () => {
    const r = runProperty(p0Virtio, virtioSubject, { seed: testSeed(), numRuns: scaledRuns(600) });
    expect(r.outcome, describeVirtioRun(r)).toBe('holds');
  });

  it('agree, observation by observation, on the upstream guest', () => {
    const ops: Op[] = [
      { kind: 'DRIVER_PROBE' }, { kind: 'STATUS_READ' }, { kind: 'FEATURES_READ' },
      { kind: 'FEATURES_WRITE', features: 1n }, { kind: 'CONFIG_READ', offset: 20, width: 4 },
      { kind: 'CONFIG_READ', offset: 20, width: 8 }, { kind: 'DEVICE_NEEDS_RESET' }, { kind: 'STATUS_WRITE', status: 0 },
      { kind: 'FEATURES_WRITE', features: 1n << 32n }, { kind: 'STATUS_WRITE', status: 0x0b }, { kind: 'STATUS_READ' },
    ];
    const model = virtioSubject.model(upstreamProfile);
    const impl = virtioSubject.impl(upstreamProfile);
    for (const op of ops) expect(impl.apply(op)).toEqual(model.apply(op));
  });

  it('both refuse op kinds the guest virtio part does not own', () => {
    for (const factory of [virtioSubject.model, virtioSubject.impl]) {
      expect(() => factory(upstreamProfile).apply({ kind: 'GET_FEATURES' })).toThrow(/not a guest virtio op/);
    }
  });

  it('finds a planted difference (impl byte-swaps config reads for BE guests)', () => {
    const broken: Subject = { model: virtioSubject.model, impl: swapsConfigForBe(virtioSubject.impl) };
    const r = runProperty(p0Virtio, broken, { seed: testSeed(), numRuns: scaledRuns(300) });
    console.log(describeVirtioRun(r, broken));
    expect(r.outcome).toBe('violated');
    const cx = r.counterexample!;
    expect(cx.profile.guest.endian).toBe('be');
    expect(cx.ops[cx.violation.step]!.kind).toBe('CONFIG_READ');
  });
});
