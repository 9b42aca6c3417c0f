// The guest's feature select words beyond 1 (virtio_pci_modern since 69b946151224; QEMU 10.1's
// device), by hand on the model and the implementation: bits above 63 are negotiated only when
// both the driver's transport and the device carry words 2 and 3; I1 over the 128-bit space; and
// I1's law catching a device that presents word 2 but drops the driver's write there.

import { describe, expect, it } from 'vitest';
import { featuresLaw } from '../properties/i1-features-shrink.ts';
import { upstreamGuest, upstreamProfile } from '../generators/profiles.ts';
import { judgeSteps } from '../types/property.ts';
import type { Observation, ProbeTranscript } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { FeatureWords } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { onBothSides } from './both-sides.ts';
import { bit } from '../types/bits.ts';

const TUNNEL = bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) | bit(U.VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO);
const V1 = bit(U.VIRTIO_F_VERSION_1);

const profile = (driverFeatureWords: FeatureWords, deviceFeatureWords: FeatureWords, transport: Profile['guest']['transport'] = 'modern'): Profile => ({
  ...upstreamProfile,
  guest: { ...upstreamGuest, transport, offered: upstreamGuest.offered | TUNNEL, driverFeatures: upstreamGuest.driverFeatures | TUNNEL, driverFeatureWords, deviceFeatureWords },
});

const run = onBothSides;

const probe = (p: Profile): ProbeTranscript => {
  const [o] = run(p, [{ kind: 'DRIVER_PROBE' }]);
  if (o?.kind !== 'probe') throw new Error('no transcript');
  return o.transcript;
};

describe('feature select words 2 and 3', () => {
  it('bits above 63 are negotiated only when the driver and the device both carry words 2 and 3', () => {
    expect(probe(profile(4, 4)).negotiated & TUNNEL).toBe(TUNNEL);
    for (const [drv, devw] of [[2, 4], [4, 2], [2, 2]] as const) {
      const t = probe(profile(drv, devw));
      expect(t.negotiated >> 64n, `driver ${drv} words, device ${devw}`).toBe(0n);
      expect(t.offered >> 64n).toBe(0n);
      expect(t.result).toBe(0);
      expect(t.negotiated & V1).toBe(V1);
    }
  });

  it('a legacy interface carries 32 bits whatever the words', () => {
    const t = probe(profile(4, 4, 'legacy'));
    expect(t.offered >> 32n).toBe(0n);
  });

  it('a raw write above 63 is kept only where both sides have the words, and reads back through the driver\'s', () => {
    const ops: Op[] = [{ kind: 'FEATURES_WRITE', features: V1 | TUNNEL }, { kind: 'FEATURES_READ' }];
    expect(run(profile(4, 4), ops)[1]).toMatchObject({ value: V1 | TUNNEL });
    expect(run(profile(2, 4), ops)[1]).toMatchObject({ value: V1 });
    expect(run(profile(4, 2), ops)[1]).toMatchObject({ value: V1 });
  });

  it('I1 holds over the 128-bit space in every driver/device combination (hand-built script)', () => {
    const ops: Op[] = [{ kind: 'DRIVER_PROBE' }, { kind: 'STATUS_READ' }, { kind: 'FEATURES_READ' }, { kind: 'FEATURES_WRITE', features: V1 }];
    for (const [drv, devw] of [[4, 4], [2, 4], [4, 2], [2, 2]] as const) {
      const p = profile(drv, devw);
      expect(judgeSteps(featuresLaw, p, ops, run(p, ops))).toBeNull();
    }
  });

  it('I1 catches a device that presents word 2 but drops the driver\'s write there (planted)', () => {
    // the transcript of the 4/4 probe, with the device's read-back missing bits 65 and 67
    const p = profile(4, 4);
    const ops: Op[] = [{ kind: 'DRIVER_PROBE' }, { kind: 'STATUS_READ' }, { kind: 'FEATURES_READ' }];
    const obs = run(p, ops);
    const read = obs[2]!;
    if (read.kind !== 'value') throw new Error('no value');
    const dropped: Observation[] = [obs[0]!, obs[1]!, { ...read, value: read.value & ~TUNNEL }];
    expect(judgeSteps(featuresLaw, p, ops, obs)).toBeNull();
    expect(judgeSteps(featuresLaw, p, ops, dropped)?.message).toMatch(/driver features changed after FEATURES_OK/);
  });
});
