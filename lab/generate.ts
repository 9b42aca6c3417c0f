// `negcheck kernel --generate` (issue 26, first step): the kernel as the oracle of a random search.
// Scripts come from negcheck's own generator of vhost scripts (generators/vhost.ts vhostScriptArb,
// as P0 draws them) on the devices the kernel's guest has, with the VMMs the model knows; each
// runs on the kernel and on the model with the kernel's profile (lab/kernel.ts). The agent runs
// every op of such a script but the device accesses of net and vsock, which are vhost's own and
// left out on both sides. Deterministic for a seed: script i is the same whatever the count.
// Not yet: shrinking a difference with the kernel as the judge, saving it to the corpus.

import fc from 'fast-check';
import { persistAfter, transitionOf, type CoverageCounts } from '../harness/coverage.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { vhostScriptArb, vmmProfileArb } from '../generators/vhost.ts';
import type { Profile } from '../types/profile.ts';
import type { PlannedStep } from './compare.ts';
import type { KernelInput } from './inputs.ts';
import type { LabProfile } from './profiles.ts';

/** Ops per script at most (P0's scripts: a set-up, then up to this many). */
export const GENERATED_MAX_OPS = 40;

/** Scripts `from` .. `from + count - 1` of the sequence for `seed`, named `gen-SEED-I`. */
export function generatedInputs(lab: LabProfile, seed: number, from: number, count: number): KernelInput[] {
  const arb = fc.tuple(fc.constantFrom(...lab.devices.value), vmmProfileArb, vhostScriptArb(GENERATED_MAX_OPS));
  // one fc.sample per script, seeded by (seed, i): script i does not depend on how many are asked for
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const [device, vmm, ops] = fc.sample(arb, { seed: seedOf(seed, i), numRuns: 1 })[0]!;
    return { name: `gen-${seed}-${i}`, profile: { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device }, vmm }, ops };
  });
}

/** A 32-bit seed for script i of `seed` (FNV-1a over both). */
function seedOf(seed: number, i: number): number {
  let h = 0x811c9dc5;
  for (const b of [seed, seed >>> 8, seed >>> 16, seed >>> 24, i, i >>> 8, i >>> 16, i >>> 24]) {
    h ^= b & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The transitions of the steps the kernel answered as the model did (lab/kernel.ts onCompared),
 * named as `fuzz` names them (harness/coverage.ts).
 */
export function countTransitions(steps: readonly PlannedStep[], profile: Profile, counts: CoverageCounts): void {
  let persist = false;
  for (const s of steps) {
    const t = transitionOf(s.op, s.model, profile, persist);
    persist = persistAfter(s.op, s.model, persist);
    if (t !== null) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
}
